"""What must hold at the end of every run, checked against the engine, the gateways' own
ledgers and the written outputs; a run whose invariant fails exits 1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from billing_engine.money import format_amount, round_cents

if TYPE_CHECKING:
    from simulator.world import World


_DIGIT_RUNS = re.compile(r"\d{12,19}")


@dataclass(frozen=True)
class Invariant:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def check_invariants(world: World, *, outputs: Iterable[Path] = ()) -> list[Invariant]:
    return [
        conservation(world),
        gateways_agree(world),
        holds_never_captured(world),
        one_month_end_deduction(world),
        thresholds_honoured(world),
        no_card_data(world, outputs),
    ]


def conservation(world: World) -> Invariant:
    """H-3: per account, every fee is paid or outstanding, to the cent."""
    broken = []
    for account_id in world.engine.account_ids():
        ledger = world.engine.account(account_id).ledger
        if round_cents(ledger.fees) != round_cents(ledger.paid + ledger.outstanding):
            broken.append(
                f"{account_id}: fees {format_amount(ledger.fees)} != paid "
                f"{format_amount(ledger.paid)} + outstanding {format_amount(ledger.outstanding)}"
            )
    totals = world.engine.ledger()
    detail = (
        f"fees {format_amount(totals.fees)} = paid {format_amount(totals.paid)}"
        f" + outstanding {format_amount(totals.outstanding)}"
    )
    return Invariant("h3_conservation", not broken, "; ".join(broken[:5]) or detail)


def gateways_agree(world: World) -> Invariant:
    """The engine's charges equal what each gateway's ledger took: no double charge, nothing
    lost, whatever faults the run injected."""
    engine_side = world.engine.ledger().charged
    gateway_side = world.gateways.money_taken()
    mismatches = [
        f"{kind}: engine {format_amount(engine_side.get(kind, Fraction(0)))}"
        f" vs gateway {format_amount(gateway_side.get(kind, Fraction(0)))}"
        for kind in sorted(set(engine_side) | set(gateway_side))
        if engine_side.get(kind, Fraction(0)) != gateway_side.get(kind, Fraction(0))
    ]
    detail = ", ".join(
        f"{kind} {format_amount(amount)}" for kind, amount in sorted(gateway_side.items())
    )
    return Invariant("gateway_ledgers_match", not mismatches, "; ".join(mismatches) or detail)


def holds_never_captured(world: World) -> Invariant:
    """CARD-5, PAYPAL-1: every verification hold the engine made is, at its gateway, released
    or voided and never captured; one still held at the end is inside its release window."""
    now = world.clock.now()
    problems, holds = [], 0
    for account_id in world.engine.account_ids():
        account = world.engine.account(account_id)
        for preauth in account.preauths:
            holds += 1
            kind = account.methods[preauth.method_id].kind
            status, release_at = world.gateways.hold_state(kind, preauth.authorization_id)
            if status == "captured":
                problems.append(f"{account_id}: hold {preauth.authorization_id} was captured")
            elif status == "held" and release_at is not None and release_at <= now:
                problems.append(f"{account_id}: hold {preauth.authorization_id} held past release")
    return Invariant(
        "holds_released_never_captured", not problems, "; ".join(problems[:5]) or f"{holds} holds"
    )


def one_month_end_deduction(world: World) -> Invariant:
    """AUTO-4: at most one month-end deduction per account and the month it closes."""
    repeated, total = [], 0
    for account_id in world.engine.account_ids():
        made = Counter(
            d.month for d in world.engine.account(account_id).deductions if d.trigger == "month_end"
        )
        total += sum(made.values())
        repeated += [
            f"{account_id} {year:04d}-{month:02d}: {count}"
            for (year, month), count in sorted(made.items())
            if count > 1
        ]
    return Invariant(
        "one_month_end_deduction", not repeated, "; ".join(repeated[:5]) or f"{total} deductions"
    )


def thresholds_honoured(world: World) -> Invariant:
    """AUTO-2/3: no account holds fees at or above its threshold without a deduction under way."""
    policy, engine = world.policy, world.engine
    over = []
    for account_id in engine.account_ids():
        account = engine.account(account_id)
        threshold = account.threshold(policy)
        ledger = account.ledger
        basis = ledger.toward_threshold
        if threshold is not None and basis >= threshold and not ledger.in_flight:
            over.append(f"{account_id}: {format_amount(basis)} >= {threshold}")
    return Invariant("thresholds_honoured", not over, "; ".join(over[:5]) or "no account over")


#: how much of an output file no_card_data scans at once (whole lines)
_SCAN_CHARS = 1 << 22


#: every ASCII digit as "0": twelve zeros in a row after it mark a run of 12 digits or more
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_TWELVE_DIGITS = b"0" * 12


def _leaks(text: str, numbers: set[str]) -> bool:
    if '"cvv"' in text:
        return True
    if text.isascii() and _TWELVE_DIGITS not in text.encode("ascii").translate(_DIGITS_AS_ZERO):
        return False  # no run of 12 digits at all: nothing to look up (a C-speed scan)
    return any(run in numbers for run in _DIGIT_RUNS.findall(text))


def first_leak(path: Path, numbers: set[str]) -> int | None:
    """The number of the first line of `path` holding a CVV field or one of `numbers`. The
    file is scanned in blocks of whole lines (a digit run never spans a line break), and only
    a block that leaks is read line by line."""
    lineno = 0
    with path.open(encoding="utf-8") as text:
        while block := text.read(_SCAN_CHARS):
            block += text.readline()
            if _leaks(block, numbers):
                for offset, line in enumerate(block.split("\n"), 1):
                    if _leaks(line, numbers):
                        return lineno + offset
            lineno += block.count("\n")
    return None


def no_card_data(world: World, outputs: Iterable[Path]) -> Invariant:
    """H-4: no full card number and no CVV field in any output file."""
    numbers = world.card_numbers()
    found = []
    for path in outputs:
        lineno = first_leak(path, numbers)
        if lineno is not None:
            found.append(f"{path.name}:{lineno}")
    return Invariant(
        "no_card_data", not found, "; ".join(found) or f"{len(numbers)} card numbers absent"
    )
