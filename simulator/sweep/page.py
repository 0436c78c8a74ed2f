"""sweep.html: one self-contained page (inline CSS and SVG, no script, no network) with the
pass/fail grid by scenario and seed, the distributions of figures across seeds, and failures."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from simulator.card_text import masked
from simulator.sweep.records import PASSED, Record, failures, tally

PAGE_FILE = "sweep.html"
#: grid cells per row, and a cell's size in pixels
GRID_COLUMNS, CELL = 50, 12
#: bars in a distribution
BINS = 20
COLOURS = {"passed": "#16a34a", "failed": "#dc2626", "error": "#7c3aed"}
#: figures shown as distributions across seeds: (title, how to read it off a record)
DISTRIBUTIONS: tuple[tuple[str, Callable[[Record], Decimal]], ...] = (
    ("deductions made", lambda r: Decimal(r["figures"]["deductions_succeeded"])),
    ("deductions failed", lambda r: Decimal(r["figures"]["deductions_failed"])),
    ("money moved (paid, USD)", lambda r: Decimal(r["figures"]["paid"])),
    ("outstanding at the end (USD)", lambda r: Decimal(r["figures"]["outstanding"])),
)
CSS = """
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: #1f2937; background: #f5f6f8; }
header, section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px;
  margin: 16px 24px; padding: 12px 18px; }
h1 { font-size: 22px; margin: 0; } h2 { font-size: 17px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; color: #6b7280; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; } code { font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 28px; } svg text { font-size: 10px; }
.bad { color: #dc2626; font-weight: 600; }
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _state(record: Record) -> str:
    if record["exit"] == PASSED:
        return "passed"
    return "failed" if record["figures"] is not None else "error"


def _group_label(record: Record) -> str:
    rate = record["fault_rate"]
    return record["scenario"] + ("" if rate is None else f" · faults ×{rate}")


def grid(records: Sequence[Record]) -> str:
    """One cell a seed, coloured by outcome, with the seed and the failure as its tooltip."""
    rows = (len(records) + GRID_COLUMNS - 1) // GRID_COLUMNS
    cells = []
    for i, record in enumerate(records):
        x, y = (i % GRID_COLUMNS) * CELL, (i // GRID_COLUMNS) * CELL
        what = ", ".join(failures(record)) or "passed"
        cells.append(
            f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" '
            f'fill="{COLOURS[_state(record)]}"><title>seed {record["seed"]}: {_e(what)}</title>'
            "</rect>"
        )
    width, height = GRID_COLUMNS * CELL, max(rows, 1) * CELL
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        + "".join(cells)
        + "</svg>"
    )


def histogram(values: Sequence[Decimal], bins: int = BINS) -> list[tuple[Decimal, int]]:
    """(lower edge, count) of `bins` equal bins from the least value to the greatest, exact."""
    low, high = min(values), max(values)
    if low == high:
        return [(low, len(values))]
    width = (high - low) / bins
    counts = Counter(min(int((v - low) / width), bins - 1) for v in values)
    return [(low + width * i, counts.get(i, 0)) for i in range(bins)]


def bars(title: str, values: Sequence[Decimal]) -> str:
    """A histogram as inline SVG, the range's ends written under it."""
    counts = histogram(values)
    width, height, base = 320, 120, 100
    most = max(count for _, count in counts)
    step = width / len(counts)
    shapes = []
    for i, (edge, count) in enumerate(counts):
        h = round(count / most * (base - 10), 1)
        shapes.append(
            f'<rect x="{i * step + 1:.1f}" y="{base - h}" width="{step - 2:.1f}" height="{h}" '
            f'fill="#2563eb"><title>from {_e(_plain(edge))}: {count} run(s)</title></rect>'
        )
    shapes.append(f'<line x1="0" x2="{width}" y1="{base}" y2="{base}" stroke="#9ca3af"/>')
    shapes.append(f'<text x="0" y="{base + 14}">{_e(_plain(min(values)))}</text>')
    shapes.append(
        f'<text x="{width}" y="{base + 14}" text-anchor="end">{_e(_plain(max(values)))}</text>'
    )
    return (
        f"<figure><figcaption>{_e(title)}</figcaption>"
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        + "".join(shapes)
        + "</svg></figure>"
    )


def _plain(value: Decimal) -> str:
    """A bin edge to the cent (figures are counts or amounts)."""
    return f"{value.quantize(Decimal('0.01')):f}".removesuffix(".00")


def render(records: Sequence[Record], *, title: str, commands: dict[int, str]) -> str:
    """The page; `commands` maps a failed record's position to the command reproducing it."""
    parts = [f"<header><h1>{_e(title)}</h1></header>", _summary_table(records)]
    groups = groupby(records, key=_group_label)
    for label, grouped in groups:
        group = list(grouped)
        ran = [r for r in group if r["figures"] is not None]
        charts = "".join(bars(name, [read(r) for r in ran]) for name, read in DISTRIBUTIONS if ran)
        counted = Counter(f for r in group for f in failures(r))
        failed = "".join(f"<li>{_e(name)}: {count} run(s)</li>" for name, count in counted.items())
        parts.append(
            f"<section><h2>{_e(label)}</h2><h3>seeds {group[0]['seed']} to {group[-1]['seed']}"
            f" (green passed, red an invariant failed, violet stopped)</h3>{grid(group)}"
            f'<h3>across seeds</h3><div class="charts">{charts}</div>'
            + (f"<h3>failures by kind</h3><ul>{failed}</ul>" if failed else "")
            + "</section>"
        )
    listed = "".join(_failure_item(records[i], command) for i, command in sorted(commands.items()))
    if listed:
        parts.append(f"<section><h2>Failures: what each found, the command that reproduces it,"
                     f" its shrunk scenario</h2><ul>{listed}</ul></section>")  # fmt: skip
    body = "".join(parts)
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
    )
    return page


def _failure_item(record: Record, command: str) -> str:
    """One failed run: what failed, seed, command; each failed invariant's detail (or the
    error); a link to the shrunk scenario of its kind, written beside the page."""
    details = [
        f"<li><code>{_e(i['name'])}</code>: {_e(masked(i.get('detail') or ''))}</li>"
        for i in record["invariants"]
        if not i["ok"]
    ]
    if record["error"]:
        # H-4 by what a field is: a detail or error is free text, masked; seeds and commands not
        details.append(f"<li>{_e(masked(record['error']))}</li>")
    shrunk = record.get("shrunk")
    link = (
        f' · shrunk: <a href="{_e(Path(shrunk).name)}">{_e(Path(shrunk).name)}</a>'
        if shrunk
        else ""
    )
    return (
        f'<li><span class="bad">{_e(", ".join(failures(record)))}</span> · seed '
        f"{record['seed']} · <code>{_e(command)}</code>{link}<ul>{''.join(details)}</ul></li>"
    )


def _summary_table(records: Sequence[Record]) -> str:
    head = "<tr><th>scenario</th><th>runs</th><th>passed</th><th>invariant failures</th>"
    head += "<th>errors</th></tr>"
    rows = "".join(
        f"<tr><td>{_e(t.scenario)}</td><td>{t.runs}</td><td>{t.passed}</td>"
        f"<td>{t.invariant_failures}</td><td>{t.errors}</td></tr>"
        for t in tally(records)
    )
    return f"<section><h2>By scenario</h2><table>{head}{rows}</table></section>"


def write_page(
    directory: Path, records: Sequence[Record], *, title: str, commands: dict[int, str]
) -> Path:
    path = directory / PAGE_FILE
    path.write_text(render(records, title=title, commands=commands), encoding="utf-8")
    return path
