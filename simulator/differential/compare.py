"""Two runs of one scenario compared: per account, the first event that differs (identifiers
normalised: each engine names its deductions, holds and repayments its own way), then the
Billing Overview figures of the accounts whose events agree. A divergence is charged to the
rule of the earlier of the two events at that point (the expected one when they are at the same
instant); what follows in that account is its consequence, not counted again. When the issuer
frees a verification hold is drawn from what every engine shares (the card, the instant), so
those events are compared with their time like any other."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from simulator.differential.rules_of_events import RuleReader
from simulator.driver.wire import parse_time

#: fields that hold an engine's or a gateway's identifiers, normalised to first-seen order
ID_FIELDS = frozenset({"deduction", "repayment", "authorization", "charge", "transaction"})
#: what each summary figure shows (docs/rules.md)
FIGURE_RULES = {"total_amount_due": "OV-2", "outstanding_at_close": "AUTO-4", "by_product": "OV-3"}


@dataclass(frozen=True)
class Seen:
    """One event as compared: its time, type and fields with identifiers normalised."""

    at: datetime
    type: str
    fields: tuple[tuple[str, str], ...]
    rule: str | None

    def text(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.fields)
        return f"{self.type} at {self.at:%Y-%m-%dT%H:%M:%SZ}" + (f" ({shown})" if shown else "")


@dataclass(frozen=True)
class Divergence:
    at: datetime
    account: str
    rule: str
    expected: str
    seen: str


@dataclass
class Comparison:
    divergences: list[Divergence] = field(default_factory=list)
    #: rule -> events of the reference run that bear witness to it
    exercised: Counter[str] = field(default_factory=Counter)

    @property
    def agrees(self) -> bool:
        return not self.divergences

    def first(self) -> Divergence | None:
        return min(self.divergences, key=lambda d: (d.at, d.account), default=None)

    def table(self) -> list[tuple[str, int, int]]:
        """(rule, reference events, accounts diverging) for every rule either run touched."""
        diverging = Counter(d.rule for d in self.divergences)
        rules = sorted(set(self.exercised) | set(diverging), key=_rule_order)
        return [(rule, self.exercised[rule], diverging[rule]) for rule in rules]

    def diverging_rules(self) -> set[str]:
        return {d.rule for d in self.divergences}


def _rule_order(rule: str) -> tuple[str, int]:
    family, _, number = rule.rpartition("-")
    return family, int(number) if number.isdigit() else 0


def read_events(path: Path) -> list[dict[str, Any]]:
    """A run's events.jsonl, without its run.started header."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [record for record in map(json.loads, lines) if record["type"] != "run.started"]


def by_account(events: Iterable[dict[str, Any]]) -> dict[str, list[Seen]]:
    reader = RuleReader()
    streams: dict[str, list[Seen]] = {}
    names: dict[tuple[str, str, str], str] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for event in events:
        account = event.get("account") or ""
        rule = reader.rule(event)
        fields = []
        for key in sorted(event):
            if key in ("seq", "at", "type", "account"):
                continue
            value = event[key]
            if key in ID_FIELDS and value is not None:
                name = (account, key, str(value))
                if name not in names:
                    counts[(account, key)] += 1
                    names[name] = f"{key}#{counts[(account, key)]}"
                value = names[name]
            fields.append((key, json.dumps(value, sort_keys=True)))
        seen = Seen(parse_time(event["at"]), event["type"], tuple(fields), rule)
        streams.setdefault(account, []).append(seen)
    return streams


def compare_events(reference: list[dict[str, Any]], remote: list[dict[str, Any]]) -> Comparison:
    expected, seen = by_account(reference), by_account(remote)
    comparison = Comparison()
    for stream in expected.values():
        comparison.exercised.update(e.rule for e in stream if e.rule is not None)
    for account in list(expected) + [a for a in seen if a not in expected]:
        divergence = _first_in_order(account, expected.get(account, []), seen.get(account, []))
        if divergence is not None:
            comparison.divergences.append(divergence)
    return comparison


#: (event type, field) -> the rule a difference in that field alone breaks: where one event
#: bears witness to several rules, the field that differs says which
FIELD_RULES = {
    **{("month.closed", name): "OV-1" for name in ("pretax", "tax", "total")},
    ("month.closed", "by_mode"): "OV-4",
    ("month.closed", "outstanding"): "OV-2",
    **{
        (kind, name): "PAY-3"
        for kind in ("deduction.succeeded", "deduction.reconciled", "repayment.submitted")
        for name in ("from_balance", "charged")
    },
}
#: events that tell a payment's status: at another time than expected, PAY-5 is broken
STATUS_EVENTS = frozenset({"deduction.succeeded", "deduction.failed", "repayment.settled"})


def _rule_of_difference(want: Seen | None, got: Seen | None) -> str | None:
    """The rule the difference between two events of one type says, if it says one: the
    field that differs, or the time of a payment's status."""
    if want is None or got is None or want.type != got.type:
        return None
    if want.fields == got.fields:
        return "PAY-5" if want.type in STATUS_EVENTS else None
    expected, seen = dict(want.fields), dict(got.fields)
    differing = [k for k in sorted(set(expected) | set(seen)) if expected.get(k) != seen.get(k)]
    rules = {FIELD_RULES.get((want.type, name)) for name in differing}
    return rules.pop() if len(rules) == 1 else None


def _first_in_order(account: str, expected: list[Seen], seen: list[Seen]) -> Divergence | None:
    for index in range(max(len(expected), len(seen))):
        want = expected[index] if index < len(expected) else None
        got = seen[index] if index < len(seen) else None
        if want == got:
            continue
        if want is None or (got is not None and got.at < want.at):
            assert got is not None
            first = got
        else:
            first = want
        return Divergence(
            at=first.at,
            account=account,
            rule=_rule_of_difference(want, got) or first.rule or "other",
            expected=want.text() if want else "nothing more",
            seen=got.text() if got else "nothing more",
        )
    return None


def compare_figures(
    comparison: Comparison, reference: dict[str, Any], remote: dict[str, Any]
) -> None:
    """The overview figures of each account whose events agreed (where events diverged, the
    figures follow them and say nothing new)."""
    diverged = {d.account for d in comparison.divergences}
    end = parse_time(reference["span"]["end"])
    theirs = remote.get("accounts", {})
    for account, figures in reference.get("accounts", {}).items():
        if account in diverged:
            continue
        other = theirs.get(account, {})
        found = _first_figure(figures, other, end)
        if found is not None:
            at, name, want, got = found
            comparison.divergences.append(
                Divergence(at, account, _figure_rule(name), f"{name} {want}", f"{name} {got}")
            )


def _figure_rule(name: str) -> str:
    for part in reversed(name.split(".")):
        if part in FIGURE_RULES:
            return FIGURE_RULES[part]
    return "OV-1"


def _first_figure(
    figures: dict[str, Any], other: dict[str, Any], end: datetime
) -> tuple[datetime, str, Any, Any] | None:
    for month, want in figures.get("months", {}).items():
        got = other.get("months", {}).get(month, {})
        for name, value in _flat(want, f"{month}"):
            mine = dict(_flat(got, f"{month}")).get(name)
            if mine != value:
                year, number = map(int, month.split("-"))
                closes = datetime(year, number, 28, tzinfo=end.tzinfo) + timedelta(days=4)
                return closes.replace(day=1), name, value, mine
    if figures.get("total_amount_due") != other.get("total_amount_due"):
        return (
            end,
            "total_amount_due",
            figures.get("total_amount_due"),
            other.get("total_amount_due"),
        )
    return None


def _flat(value: Any, prefix: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _flat(v, f"{prefix}.{k}")]
    return [(prefix, value)]


def divergence_lines(comparison: Comparison, expected: str, seen: str) -> list[str]:
    """The first divergence (time, account, rule, what each side logged), or nothing when the
    runs agree; `expected` and `seen` label the two sides."""
    first = comparison.first()
    if first is None:
        return []
    width = max(len(expected), len(seen)) + 1
    return [
        f"first divergence: {first.at:%Y-%m-%dT%H:%M:%SZ}, account {first.account}",
        f"  {'rule:':<{width}} {first.rule}",
        f"  {expected + ':':<{width}} {first.expected}",
        f"  {seen + ':':<{width}} {first.seen}",
    ]
