// The Billing Overview report: reads the embedded run data, draws inline SVG charts.
// Amounts arrive as two-place decimal strings (0 for zero) computed in Python; this script only
// formats them for display and scales chart geometry from them, never adds them up.
"use strict";
(() => {
  const RUN = JSON.parse(document.getElementById("run-data").textContent);
  const SVGNS = "http://www.w3.org/2000/svg";
  const START = Date.parse(RUN.span.start);
  const COLORS = {
    deduction: "#2563eb", repayment: "#16a34a", link: "#7c3aed", hold: "#f59e0b",
    account: "#dc2626", plan: "#0891b2", product: "#6b7280", other: "#9ca3af",
    payg: "#2563eb", coding_plan: "#f59e0b", billed: "#6b7280", succeeded: "#16a34a",
    failed: "#dc2626", pending: "#9ca3af", outstanding: "#ff6a00",
  };
  const LANES = ["deduction", "repayment", "link", "hold", "account", "plan", "product", "other"];
  const MODE_LABEL = { payg: "Pay-as-you-go", coding_plan: "Coding Plan" };
  // positions in a month row of an account record (simulator/report/accounts.py MONTH_FIGURES)
  const PRETAX = 0, TAX = 1, TOTAL = 2, PAYG = 3, PLAN = 4, OUTSTANDING = 5, BY_PRODUCT = 6;
  const TABLE_LIMIT = 1000;
  const $ = (id) => document.getElementById(id);
  // the largest of many values (spreading a long array into Math.max overflows the stack)
  const largest = (values, floor) => values.reduce((top, v) => (v > top ? v : top), floor);

  function fmt(value) {
    if (value === null || value === undefined) return "–";
    if (value === 0) return "0.00";
    const text = String(value);
    const negative = text.startsWith("-");
    const [whole, frac = "00"] = (negative ? text.slice(1) : text).split(".");
    return (negative ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + frac;
  }
  const usd = (value) => "USD " + fmt(value);
  // chart geometry only: never used for an amount that is shown
  const size = (value) => (value ? Number(value) : 0);
  const when = (minutes) =>
    new Date(START + minutes * 60000).toISOString().slice(0, 16).replace("T", " ");

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function html(tag, attrs = {}, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // the top of a y axis with four equal, round steps
  function niceMax(value) {
    if (!(value > 0)) return 4;
    const quarter = value / 4;
    const power = 10 ** Math.floor(Math.log10(quarter));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= quarter) return 4 * step * power;
    return 40 * power;
  }
  function axisLabel(value) {
    if (value >= 1e6) return +(value / 1e6).toFixed(1) + "M";
    if (value >= 1e3) return +(value / 1e3).toFixed(1) + "k";
    return String(+value.toFixed(2));
  }
  function legend(container, entries) {
    const box = html("p", { class: "legend" });
    for (const [name, color] of entries) {
      const item = html("span");
      item.append(html("i", { style: `background:${color}` }), name);
      box.append(item);
    }
    container.append(box);
  }

  // drawn at the container's own width, so text keeps its size in wide and narrow cards
  const chartWidth = (container) => Math.max(320, Math.round(container.clientWidth || 760));

  // A frame: plot area, horizontal grid and y-axis labels; returns the geometry for the marks.
  function frame(container, yMax, { height = 240, left = 58, bottom = 36 } = {}) {
    container.replaceChildren();
    const width = chartWidth(container);
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    const top = 14, right = 28;
    const plot = { x: left, y: top, w: width - left - right, h: height - top - bottom, max: niceMax(yMax) };
    for (let i = 0; i <= 4; i++) {
      const y = plot.y + plot.h - (plot.h * i) / 4;
      root.append(svg("line", { x1: plot.x, x2: plot.x + plot.w, y1: y, y2: y, class: i ? "grid" : "axis" }));
      root.append(svg("text", { x: plot.x - 6, y: y + 4, "text-anchor": "end" }, axisLabel((plot.max * i) / 4)));
    }
    container.append(root);
    plot.root = root;
    plot.yOf = (value) => plot.y + plot.h - (plot.h * value) / plot.max;
    return plot;
  }

  // Bars per label; `series` stack when several. valueLabels: the precomputed text over a group.
  function barChart(container, { labels, series, valueLabels, subLabels }) {
    const heights = labels.map((_, i) => series.reduce((top, s) => top + size(s.values[i]), 0));
    const plot = frame(container, largest(heights, 0));
    const slot = plot.w / Math.max(labels.length, 1);
    const barWidth = Math.min(56, slot * 0.7);
    const every = Math.ceil(64 / slot);
    labels.forEach((label, i) => {
      const x = plot.x + slot * i + (slot - barWidth) / 2;
      let base = 0;
      for (const s of series) {
        const v = size(s.values[i]);
        if (v > 0) {
          const bar = svg("rect", {
            x, width: barWidth, y: plot.yOf(base + v), height: plot.yOf(base) - plot.yOf(base + v),
            fill: s.color, "data-value": s.values[i],
          });
          bar.append(svg("title", {}, `${label} · ${s.name}: ${fmt(s.values[i])}`));
          plot.root.append(bar);
        }
        base += v;
      }
      if (valueLabels && slot >= 64) {
        plot.root.append(svg("text", { x: x + barWidth / 2, y: plot.yOf(base) - 4, "text-anchor": "middle", class: "value" }, fmt(valueLabels[i])));
      }
      if (i % every === 0) {
        const y = plot.y + plot.h + 14;
        plot.root.append(svg("text", { x: x + barWidth / 2, y, "text-anchor": "middle" }, label));
        if (subLabels) plot.root.append(svg("text", { x: x + barWidth / 2, y: y + 13, "text-anchor": "middle" }, subLabels[i]));
      }
    });
    plot.root.setAttribute("data-values", JSON.stringify(series.map((s) => s.values)));
    if (series.length > 1) legend(container, series.map((s) => [s.name, s.color]));
    return plot;
  }

  // Lines over x in [0, xMax]; step series hold each value until the next point.
  function lineChart(container, { xMax, ticks, series, counts = false }) {
    const top = largest(series.flatMap((s) => s.points.map((p) => size(p[1]))), counts ? 4 : 0);
    const plot = frame(container, top);
    const xOf = (x) => plot.x + (plot.w * x) / Math.max(xMax, 1);
    for (const [x, label] of ticks) {
      plot.root.append(svg("line", { x1: xOf(x), x2: xOf(x), y1: plot.y + plot.h, y2: plot.y + plot.h + 4, class: "axis" }));
      plot.root.append(svg("text", { x: xOf(x), y: plot.y + plot.h + 16, "text-anchor": "middle" }, label));
    }
    for (const s of series) {
      const coords = [];
      s.points.forEach(([x, y], i) => {
        if (s.step && i > 0) coords.push(`${xOf(x).toFixed(1)},${plot.yOf(size(s.points[i - 1][1])).toFixed(1)}`);
        coords.push(`${xOf(x).toFixed(1)},${plot.yOf(size(y)).toFixed(1)}`);
      });
      if (s.step && s.points.length) coords.push(`${xOf(xMax).toFixed(1)},${plot.yOf(size(s.points.at(-1)[1])).toFixed(1)}`);
      const line = svg("polyline", { points: coords.join(" "), fill: "none", stroke: s.color, "stroke-width": 1.6 });
      if (s.dashed) line.setAttribute("stroke-dasharray", "5 4");
      line.append(svg("title", {}, s.name));
      plot.root.append(line);
      if (s.markers) {
        for (const [x, y] of s.points) {
          const dot = svg("circle", { cx: xOf(x).toFixed(1), cy: plot.yOf(size(y)).toFixed(1), r: 3.5, fill: s.color });
          dot.append(svg("title", {}, `${s.name}: ${fmt(y)}`));
          plot.root.append(dot);
        }
      }
    }
    legend(container, series.map((s) => [s.name, s.color]));
    return plot;
  }

  // Month starts within [0, units) as ticks, for a series measured in days or hours from START.
  function monthTicks(units, unitMs) {
    const ticks = [];
    const first = new Date(START);
    let year = first.getUTCFullYear(), month = first.getUTCMonth();
    for (;;) {
      const at = (Date.UTC(year, month, 1) - START) / unitMs;
      if (at >= units) break;
      if (at >= 0) ticks.push([at, new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7)]);
      month += 1;
      if (month === 12) { month = 0; year += 1; }
    }
    const every = Math.ceil(ticks.length / 12);
    return ticks.filter((_, i) => i % every === 0);
  }

  // ---- run-wide -------------------------------------------------------------------------
  // The scenario's faults (only a run with faults has them): each rule, how many attempts it
  // hit, and whose card or PayPal payer those attempts were about.
  function renderFaults(cards, faults) {
    const card = html("article", { class: "card", id: "run-faults" });
    const header = html("header");
    header.append(html("h3", {}, "Faults fired"));
    card.append(header);
    const list = html("ul", { class: "invariants" });
    for (const f of faults) {
      const span = `${f.from} → ${f.until}`;
      const item = html("li", {}, `${f.gateway} ${f.endpoint} ${f.kind} × ${f.rate}: fired ${f.fired}`);
      const whom = Object.entries(f.by_account).map(([account, n]) => `${account} ${n}`);
      item.append(html("small", {}, `${span}${whom.length ? " · " + whom.join(", ") : " · hit no call"}`));
      list.append(item);
    }
    card.append(list);
    cards.append(card);
  }

  function renderRun() {
    const run = RUN.run || {};
    $("run-facts").textContent = [
      `${RUN.scenario}${RUN.description ? " — " + RUN.description : ""}`,
      `seed ${RUN.seed}`, `transport ${RUN.transport}`,
      `${RUN.span.start} → ${RUN.span.end} (${RUN.span.days} days)`,
      `${run.events} events`, `${run.accounts ?? "?"} accounts`,
    ].join(" · ");
    const totals = $("totals");
    const t = RUN.totals;
    const rows = [["Fees", usd(t.fees)], ["Paid", usd(t.paid)], ["Outstanding", usd(t.outstanding)]];
    const rep = t.repayments || {};
    rows.push(["Repayments", `${rep.paid ?? 0} paid · ${rep.failed ?? 0} failed · ${rep.rejected ?? 0} refused`]);
    const links = t.links || {};
    const rejected = Object.entries(links.rejected || {}).map(([reason, n]) => `${n} ${reason}`);
    rows.push(["Links", `${links.linked ?? 0} linked` + (rejected.length ? ` · rejected: ${rejected.join(", ")}` : "")]);
    for (const [name, value] of rows) totals.append(html("dt", {}, name), html("dd", {}, value));
    const list = $("invariants");
    for (const inv of RUN.invariants) {
      const item = html("li", { class: inv.ok ? "ok" : "bad" }, inv.name);
      item.append(html("small", {}, inv.detail || ""));
      list.append(item);
    }
    if (!RUN.invariants.length) list.append(html("li", {}, "none recorded"));
    if (RUN.faults) renderFaults($("run-invariants").parentNode, RUN.faults);

    const days = RUN.plots.days;
    const count = days.billed.length;
    const dayPoints = (values) => values.map((v, i) => [i, v]);
    const accrued = days.accrued_to_date
      ? { name: "fees accrued", color: COLORS.outstanding, points: dayPoints(days.accrued_to_date) }
      // a summary.json written before it had fees_by_day: exact at month ends only
      : { name: "fees accrued (known at month ends, dashed between)", color: COLORS.outstanding, dashed: true, markers: true, points: RUN.plots.accrued };
    lineChart($("accrued-chart"), {
      xMax: Math.max(count - 1, 1), ticks: monthTicks(count, 86400000),
      series: [accrued, { name: "deducted", color: COLORS.succeeded, points: dayPoints(days.deducted_to_date) }],
    });
    lineChart($("days-chart"), {
      xMax: Math.max(count - 1, 1), ticks: monthTicks(count, 86400000),
      series: [
        { name: "billed for deduction", color: COLORS.billed, points: dayPoints(days.billed) },
        { name: "deducted", color: COLORS.succeeded, points: dayPoints(days.succeeded) },
        { name: "failed", color: COLORS.failed, points: dayPoints(days.failed) },
      ],
    });
    const hours = count * 24;
    lineChart($("holds-chart"), {
      xMax: hours, ticks: monthTicks(hours, 3600000),
      series: [{ name: "holds open", color: COLORS.hold, step: true, points: RUN.plots.holds }],
      counts: true,  // whole holds: at least 0..4 on the axis
    });
    renderDeductions($("deductions-chart"), RUN.plots.deductions);
    const months = RUN.plots.months;
    barChart($("outstanding-chart"), {
      labels: months.map((m) => m.month),
      series: [{ name: "outstanding", color: COLORS.outstanding, values: months.map((m) => (m.closed ? m.outstanding : null)) }],
      valueLabels: months.map((m) => (m.closed ? m.outstanding : null)),
      subLabels: months.map((m) => (m.closed ? `${m.owing} owing` : "not closed")),
    });
    barChart($("spend-chart"), {
      labels: months.map((m) => m.month),
      series: [
        { name: MODE_LABEL.payg, color: COLORS.payg, values: months.map((m) => m.payg) },
        { name: MODE_LABEL.coding_plan, color: COLORS.coding_plan, values: months.map((m) => m.coding_plan) },
      ],
      valueLabels: months.map((m) => m.total),
    });
  }

  function renderDeductions(container, entries) {
    container.replaceChildren();
    const width = chartWidth(container), row = 26, left = 150;
    const root = svg("svg", { viewBox: `0 0 ${width} ${Math.max(entries.length, 1) * row + 8}`, role: "img" });
    const most = largest(entries.map((e) => e.count), 1);
    entries.forEach((e, i) => {
      const y = 4 + i * row;
      root.append(svg("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, `${e.trigger.replace("_", " ")} · ${e.outcome}`));
      const w = ((width - left - 150) * e.count) / most;
      const bar = svg("rect", { x: left, y: y + 3, width: Math.max(w, 1), height: row - 8, fill: COLORS[e.outcome] || COLORS.other });
      bar.append(svg("title", {}, `${e.count} deductions, ${usd(e.amount)}`));
      root.append(bar);
      root.append(svg("text", { x: left + w + 6, y: y + 15, class: "value" }, `${e.count} · ${usd(e.amount)}`));
    });
    if (!entries.length) root.append(svg("text", { x: 8, y: 20 }, "no deductions in this run"));
    container.append(root);
  }

  // ---- one account ------------------------------------------------------------------------
  let DATA = null;
  let current = 0;
  let order = null;

  async function loadAccounts() {
    const packed = document.getElementById("account-data").textContent.trim();
    const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function sortedIndexes(how) {
    const indexes = DATA.ids.map((_, i) => i);
    if (how === "due") indexes.sort((a, b) => size(DATA.accounts[b].d) - size(DATA.accounts[a].d) || a - b);
    if (how === "events") indexes.sort((a, b) => DATA.accounts[b].t.length - DATA.accounts[a].t.length || a - b);
    return indexes;
  }

  function renderPicker() {
    const query = $("account-search").value.trim().toLowerCase();
    const how = $("account-sort").value;
    if (!order || order.how !== how) order = { how, indexes: sortedIndexes(how) };
    const list = $("account-list");
    list.replaceChildren();
    let matches = 0;
    for (const i of order.indexes) {
      if (query && !DATA.ids[i].toLowerCase().includes(query)) continue;
      matches += 1;
      if (matches > 200) continue;
      const rec = DATA.accounts[i];
      const option = html("option", { value: i }, `${DATA.ids[i]} — ${rec.s}, due ${fmt(rec.d)}`);
      if (i === current) option.selected = true;
      list.append(option);
    }
    $("account-count").textContent = `${matches} of ${DATA.ids.length} accounts match` +
      (matches > 200 ? " (the first 200 shown: type more to narrow)" : "") +
      ` · showing ${DATA.ids[current]}`;
  }

  function selectAccount(index) {
    current = index;
    const rec = DATA.accounts[index];
    $("account-heading").textContent = `Account ${DATA.ids[index]} (${rec.c})`;
    renderSpend();
    renderDue();
    fillProducts();
    renderTrend();
    renderTimeline();
    renderPicker();
  }

  function renderSpend() {
    const rec = DATA.accounts[current];
    const month = rec.m[Number($("spend-month").value)];
    const pick = (k) => (month ? month[k] : null);
    $("spend-pretax").textContent = usd(pick(PRETAX));
    $("spend-tax").textContent = usd(pick(TAX));
    $("spend-total").textContent = usd(pick(TOTAL));
    $("spend-payg").textContent = usd(pick(PAYG));
    $("spend-plan").textContent = usd(pick(PLAN));
    const owed = pick(OUTSTANDING);
    $("due-close").textContent = month && owed !== null
      ? `${usd(owed)} left to collect when ${RUN.months[Number($("spend-month").value)]} closed`
      : "the month had not closed";
  }

  function renderDue() {
    const rec = DATA.accounts[current];
    $("due-total").textContent = usd(rec.d);
    const badge = $("account-status");
    badge.textContent = rec.s;
    badge.className = "badge" + (rec.s === "active" ? "" : rec.s === "deactivated" ? " off" : " warn");
    const list = $("methods");
    list.replaceChildren();
    for (const [label, state] of rec.w) {
      const item = html("li", {}, "");
      item.append(html("span", state === "unlinked" ? { class: "gone" } : {}, label));
      if (state === "default") item.append(html("span", { class: "tag" }, "default"));
      list.append(item);
    }
    if (!rec.w.length) list.append(html("li", { class: "hint" }, "no payment method linked"));
  }

  function fillProducts() {
    const select = $("trend-product");
    const kept = select.value;
    select.replaceChildren(html("option", { value: "all" }, "all products"));
    for (const code of DATA.accounts[current].p) {
      const [name, mode] = RUN.products[code];
      select.append(html("option", { value: code }, `${name} (${MODE_LABEL[mode] || mode})`));
    }
    select.value = [...select.options].some((o) => o.value === kept) ? kept : "all";
  }

  function trendValue(month, rec, product, mode) {
    if (!month) return 0;
    if (product === "all") return mode === "all" ? month[TOTAL] : mode === "payg" ? month[PAYG] : month[PLAN];
    const code = Number(product);
    if (mode !== "all" && RUN.products[code][1] !== mode) return 0;
    return month[BY_PRODUCT][rec.p.indexOf(code)];
  }

  function renderTrend() {
    const rec = DATA.accounts[current];
    const product = $("trend-product").value, mode = $("trend-mode").value;
    let from = Number($("trend-from").value), to = Number($("trend-to").value);
    if (from > to) [from, to] = [to, from];
    const indexes = [];
    for (let i = from; i <= to; i++) indexes.push(i);
    const labels = indexes.map((i) => RUN.months[i]);
    const stacked = product === "all" && mode === "all";
    const series = stacked
      ? [
          { name: MODE_LABEL.payg, color: COLORS.payg, values: indexes.map((i) => (rec.m[i] ? rec.m[i][PAYG] : 0)) },
          { name: MODE_LABEL.coding_plan, color: COLORS.coding_plan, values: indexes.map((i) => (rec.m[i] ? rec.m[i][PLAN] : 0)) },
        ]
      : [{
          name: product === "all" ? MODE_LABEL[mode] : RUN.products[Number(product)][0],
          color: mode === "coding_plan" || (product !== "all" && RUN.products[Number(product)][1] === "coding_plan") ? COLORS.coding_plan : COLORS.payg,
          values: indexes.map((i) => trendValue(rec.m[i], rec, product, mode)),
        }];
    const shown = stacked ? indexes.map((i) => (rec.m[i] ? rec.m[i][TOTAL] : 0)) : series[0].values;
    barChart($("trend-chart"), { labels, series, valueLabels: shown });
    $("trend-chart").dataset.filter = `${product}|${mode}|${from}|${to}`;
    const empty = shown.every((v) => !v);
    $("trend-note").textContent = empty
      ? "No spend for this selection in these months."
      : "Spend per month, tax included (OV-3); the month's Total Spend is above (OV-1).";
  }

  function timelineRows() {
    const rows = [];
    let minute = 0;
    for (const [delta, kind, amount, note] of DATA.accounts[current].t) {
      minute += delta;
      const [label, category] = RUN.kinds[kind];
      rows.push({ minute, label, category, amount, note });
    }
    return rows;
  }

  function renderTimeline() {
    const filter = $("timeline-filter").value;
    const rows = timelineRows().filter((r) => filter === "all" || r.category === filter);
    // the strip: one lane per category present, a mark per event
    const container = $("timeline-chart");
    container.replaceChildren();
    const lanes = LANES.filter((lane) => rows.some((r) => r.category === lane));
    const width = chartWidth(container), left = 90, laneHeight = 18;
    const spanMinutes = Math.max(1, (Date.parse(RUN.span.end) - START) / 60000);
    const last = largest(rows.map((r) => r.minute), spanMinutes);
    const root = svg("svg", { viewBox: `0 0 ${width} ${lanes.length * laneHeight + 30}`, role: "img" });
    const xOf = (m) => left + ((width - left - 12) * m) / last;
    lanes.forEach((lane, i) => {
      const y = 8 + i * laneHeight + laneHeight / 2;
      root.append(svg("text", { x: left - 8, y: y + 4, "text-anchor": "end" }, lane));
      root.append(svg("line", { x1: left, x2: width - 12, y1: y, y2: y, class: "grid" }));
    });
    for (const [x, label] of monthTicks(last, 60000)) {
      const y = 8 + lanes.length * laneHeight;
      root.append(svg("line", { x1: xOf(x), x2: xOf(x), y1: 8, y2: y, class: "grid" }));
      root.append(svg("text", { x: xOf(x), y: y + 14, "text-anchor": "middle" }, label));
    }
    for (const r of rows) {
      const y = 8 + lanes.indexOf(r.category) * laneHeight + laneHeight / 2;
      const mark = svg("circle", { cx: xOf(r.minute).toFixed(1), cy: y, r: 3.5, fill: COLORS[r.category], "fill-opacity": 0.75 });
      mark.append(svg("title", {}, `${when(r.minute)} ${r.label}${r.amount ? " " + usd(r.amount) : ""} ${r.note}`));
      root.append(mark);
    }
    container.append(root);
    const body = $("timeline-rows");
    body.replaceChildren();
    for (const r of rows.slice(0, TABLE_LIMIT)) {
      const tr = html("tr");
      const cell = html("td");
      cell.append(html("span", { class: "cat", style: `background:${COLORS[r.category]}` }), r.label);
      tr.append(html("td", {}, when(r.minute)), cell, html("td", { class: "num" }, r.amount ? fmt(r.amount) : ""), html("td", {}, r.note));
      body.append(tr);
    }
    $("timeline-count").textContent = `${rows.length} event(s)` +
      (rows.length > TABLE_LIMIT ? `, the first ${TABLE_LIMIT} listed` : "");
  }

  function fillMonths() {
    for (const id of ["spend-month", "trend-from", "trend-to"]) {
      const select = $(id);
      RUN.months.forEach((m, i) => select.append(html("option", { value: i }, m)));
    }
    const last = Math.max(RUN.months.length - 1, 0);
    $("spend-month").value = last;
    $("trend-from").value = 0;
    $("trend-to").value = last;
  }

  async function start() {
    renderRun();
    fillMonths();
    DATA = await loadAccounts();
    if (!DATA.ids.length) {
      $("account-count").textContent = "This run has no accounts.";
      document.body.dataset.ready = "1";
      return;
    }
    $("account-search").addEventListener("input", renderPicker);
    $("account-sort").addEventListener("change", renderPicker);
    $("account-list").addEventListener("change", (e) => selectAccount(Number(e.target.value)));
    $("spend-month").addEventListener("change", renderSpend);
    for (const id of ["trend-product", "trend-mode", "trend-from", "trend-to"]) $(id).addEventListener("change", renderTrend);
    $("timeline-filter").addEventListener("change", renderTimeline);
    selectAccount(0);
    document.body.dataset.ready = "1";
  }

  start().catch((error) => {
    $("account-count").replaceChildren(html("span", { class: "error" }, `The report could not load: ${error}`));
    console.error(error);
  });
})();
