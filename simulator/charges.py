"""Who was charged what, per account and method kind, on each side: the engine's charges as its
event log tells them, the gateways' from their own records (with each charge's idempotency key),
so a ledger mismatch names the account, the key and the amounts that differ."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from billing_engine.money import format_amount
from simulator.event_json import format_time

if TYPE_CHECKING:
    from simulator.world import World

#: the settled events whose `charged` the engine counts once its gateway took the money
SUCCEEDED = {
    "deduction.succeeded": None,
    "deduction.reconciled": ("outcome", "succeeded"),
}
#: a repayment's settling events, paid when their status says so
REPAID = ("repayment.settled", "repayment.reconciled")
PLAN_CHARGES = ("plan.purchased", "plan.renewed")
#: account lines named after the totals, at most
SHOWN_ACCOUNTS = 4


@dataclass(frozen=True)
class Take:
    """One charge as its gateway kept it."""

    kind: str  # card | paypal
    owners: frozenset[str]  # the accounts whose card or payer it was (several: a shared card)
    key: str  # the idempotency key it was made under ("?" if the gateway kept none)
    amount: Fraction
    at: datetime


def engine_charges(world: World) -> dict[tuple[str, str], list[Fraction]]:
    """(account, kind) -> each charge the engine's log says its gateway took; a charge still
    unknown at the end counts for what its gateway took under its key, as the check counts it."""
    kinds: dict[tuple[str, Any], str] = {}
    methods: dict[tuple[str, Any], Any] = {}
    repayments: dict[tuple[str, Any], tuple[Any, Fraction]] = {}
    charged: dict[tuple[str, str], list[Fraction]] = defaultdict(list)
    for event in _logged(world):
        kind, account = event["type"], event.get("account") or ""
        if kind == "payment_method.linked":
            kinds[(account, event["method"])] = event["kind"]
        elif kind == "deduction.initiated":
            methods[(account, event["deduction"])] = event.get("method")
        elif kind in SUCCEEDED:
            wanted = SUCCEEDED[kind]
            if wanted is None or event.get(wanted[0]) == wanted[1]:
                method = methods.get((account, event["deduction"]))
                _add(charged, kinds, account, method, event.get("charged"))
        elif kind == "repayment.submitted":
            amount = _amount(event.get("charged"))
            repayments[(account, event.get("repayment"))] = (event.get("method"), amount)
        elif kind in REPAID and event.get("status") == "paid":
            method, amount = repayments.get((account, event.get("repayment")), (None, Fraction(0)))
            _add(charged, kinds, account, method, amount)
        elif kind in PLAN_CHARGES:
            _add(charged, kinds, account, event.get("method"), event.get("amount"))
    for payment in world.engine.unknown_payments():
        kind = world.engine.account(payment.account).methods[payment.method_id].kind
        taken = world.gateways.taken_under(kind, payment.key)
        if taken:
            charged[(payment.account, kind)].append(taken)
    return charged


def _logged(world: World) -> Iterator[dict[str, Any]]:
    """The world's events as written: its file once closed, or the lines it kept."""
    path = world.log.path
    if path is None:
        yield from (json.loads(line) for line in world.log.kept)
        return
    with path.open(encoding="utf-8") as handle:
        yield from (json.loads(line) for line in handle if line.strip())


def log_readable(world: World) -> bool:
    """Whether the world's events can be read back (a run may keep neither file nor lines)."""
    return world.log.path is not None or bool(world.log.kept) or not world.log.count


def _amount(value: Any) -> Fraction:
    """An amount as the log writes it (a two-place string), or one already read."""
    if isinstance(value, Fraction):
        return value
    return Fraction(Decimal(str(value))) if value is not None else Fraction(0)


def _add(
    charged: dict[tuple[str, str], list[Fraction]],
    kinds: dict[tuple[str, Any], str],
    account: str,
    method: Any,
    value: Any,
) -> None:
    amount = _amount(value)
    if amount and (account, method) in kinds:
        charged[(account, kinds[(account, method)])].append(amount)


def mismatched_accounts(world: World, kinds: Iterable[str]) -> list[str]:
    """For each account (or accounts sharing a card) whose charges of these kinds differ, one
    line: the engine's sum and the gateway's, then the gateway's charges the engine does not
    count (key, amount, time) and the engine's the gateway did not take."""
    wanted = set(kinds)
    if not log_readable(world):  # nothing tells the engine's charges per account
        return []
    told = engine_charges(world)
    takes = [take for take in world.gateways.takes(world.accounts) if take.kind in wanted]
    groups = _groups([take.owners for take in takes], [account for account, _ in told])
    lines = []
    for kind in sorted(wanted):
        for group in groups:
            theirs = [t for t in takes if t.kind == kind and t.owners <= group]
            ours = [a for (account, k), amounts in told.items() if k == kind and account in group
                    for a in amounts]  # fmt: skip
            if sum(ours, Fraction(0)) == sum((t.amount for t in theirs), Fraction(0)):
                continue
            lines.append(_line(kind, group, ours, theirs))
    if len(lines) > SHOWN_ACCOUNTS:
        lines = [*lines[:SHOWN_ACCOUNTS], f"and {len(lines) - SHOWN_ACCOUNTS} more account(s)"]
    return lines


def _groups(owners: Iterable[frozenset[str]], accounts: Iterable[str]) -> list[frozenset[str]]:
    """The accounts joined wherever a card or payer belongs to several, in name order."""
    groups: list[set[str]] = [{account} for account in accounts]
    for shared in owners:
        joined = set(shared)
        for group in [g for g in groups if g & joined]:
            joined |= group
            groups.remove(group)
        groups.append(joined)
    unique = {frozenset(g) for g in groups if g}
    return sorted(unique, key=lambda g: sorted(g))


def _line(kind: str, group: frozenset[str], ours: list[Fraction], theirs: list[Take]) -> str:
    left = list(ours)
    extra = []
    for take in sorted(theirs, key=lambda t: (t.at, t.key)):
        if take.amount in left:
            left.remove(take.amount)
        else:
            extra.append(take)
    parts = [
        f"{'+'.join(sorted(group))} {kind}: engine {format_amount(sum(ours, Fraction(0)))}"
        f" vs gateway {format_amount(sum((t.amount for t in theirs), Fraction(0)))}"
    ]
    parts += [
        f"the gateway took {format_amount(t.amount)} under key {t.key} at {format_time(t.at)},"
        " not in the engine's log"
        for t in extra[:3]
    ]
    parts += [f"the engine counts {format_amount(a)} its gateway did not take" for a in left[:3]]
    return ", ".join(parts)
