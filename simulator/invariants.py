"""What must hold at the end of every run: the engine's events and figures against the harness's
own model of the run (simulator.oracle), the gateways' own records and the written outputs; a
run whose invariant fails exits 1."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from billing_engine.money import Cents, format_amount, round_cents
from simulator.card_text import card_like_runs, typed_cvvs_in, typed_numbers_in
from simulator.event_json import format_time
from simulator.oracle.book import business_days_after
from simulator.oracle.oracle import CHECKS, Oracle

if TYPE_CHECKING:
    from simulator.world import World


@dataclass(frozen=True)
class Invariant:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


Figure = Cents | Fraction | int


@dataclass(frozen=True)
class Check:
    """One invariant as one world found it: what broke there, and the figures its detail
    reports. A run split over several worlds adds its checks up (`+`) before the verdict."""

    name: str
    problems: tuple[str, ...] = ()
    figures: Mapping[str, Figure] = field(default_factory=dict)

    def __add__(self, other: Check) -> Check:
        figures = dict(self.figures)
        for key, value in other.figures.items():
            figures[key] = figures.get(key, 0) + value
        return Check(self.name, self.problems + other.problems, figures)

    def verdict(self) -> Invariant:
        """At most five problems are named; a sound run shows its figures."""
        shown = "; ".join(self.problems[:5]) or _DETAILS[self.name](self.figures)
        return Invariant(self.name, not self.problems, shown)


def _money(figures: Mapping[str, Figure], key: str) -> str:
    return format_amount(figures.get(key, 0))


_DETAILS: dict[str, Callable[[Mapping[str, Figure]], str]] = {
    "h3_conservation": lambda f: (
        f"fees {_money(f, 'fees')} = paid {_money(f, 'paid')}"
        f" + outstanding {_money(f, 'outstanding')}"
    ),
    "gateway_ledgers_match": lambda f: ", ".join(f"{kind} {_money(f, kind)}" for kind in sorted(f)),
    "holds_released_never_captured": lambda f: f"{f.get('holds', 0)} holds",
    "one_month_end_deduction": lambda f: "each month closed with one deduction of what was due",
    "thresholds_honoured": lambda f: "every threshold deduction at the hour the fees reached it",
    "month_totals": lambda f: "every month's Total Spend as the usage, tax and prices make it",
    "amount_due": lambda f: "every Amount Due as the payments leave it",
    "methods_linked_once": lambda f: "no method linked to two accounts",
    "overdue_suspension": lambda f: "every account overdue 15 days after unpaid failed fees",
    "merchant_initiated_charges": lambda f: "no deduction or renewal asked for 3D Secure",
    "payments_as_told": lambda f: "every payment took the balance first and settled on time",
    "methods_linked_by_the_rules": lambda f: "every method linked and checked as the rules say",
    "plan_renewals": lambda f: "every Coding Plan renewed a month after the last charge",
    "no_card_data": lambda f: f"{f.get('card_numbers', 0)} card numbers absent",
}


def check_invariants(world: World, *, outputs: Iterable[Path] = ()) -> list[Invariant]:
    checks = [*world_checks(world), no_card_data(world.card_numbers(), outputs)]
    return [check.verdict() for check in checks]


def world_checks(world: World) -> list[Check]:
    """Every invariant that reads the world itself (the harness's own model of the run, the
    gateways' records and what the engine shows), in report order; no_card_data reads the
    outputs and comes last. Called after `summary.tally`, which hands the oracle the figures
    the engine shows."""
    oracle = world.oracle
    oracle.finish(world.clock.now())
    return [
        conservation(world),
        gateways_agree(world),
        holds_never_captured(world),
        merchant_initiated_charges(world),
        *oracle_checks(oracle),
    ]


def merchant_initiated_charges(world: World) -> Check:
    """AUTO-8: only what a customer starts (a link, a repayment, a plan order) goes through 3D
    Secure or is charged as customer-initiated, read from the gateways' own records: a 3D
    Secure authentication or a customer-initiated card charge at any other instant is a
    merchant-initiated charge (a deduction, a renewal) that asked the customer."""
    from simulator.customers import THINK_TIME

    started = world.oracle.customer_instants
    answered = started | {at + THINK_TIME for at in started}
    problems = [
        f"AUTO-8 a 3D Secure authentication at {format_time(tx.created_at)}, when no customer"
        " started a payment"
        for tx in world.gateways.threeds_core.transactions.values()
        if tx.created_at not in started
    ]
    problems += [
        f"AUTO-8 a customer-initiated card charge of {format_amount(charge.amount)} at"
        f" {format_time(charge.created_at)}, when no customer was paying"
        for charge in world.gateways.card_core.charges.values()
        if not charge.merchant_initiated and charge.created_at not in answered
    ]
    return Check("merchant_initiated_charges", tuple(problems[:5]))


#: invariants of the oracle's that a check of this module reports with its own findings
OWN = frozenset({"h3_conservation"})


def oracle_checks(oracle: Oracle) -> list[Check]:
    """What the harness's model found the engine getting wrong, one invariant per rule family
    (each problem names its rule)."""
    return [Check(name, tuple(oracle.problems[name])) for name in CHECKS if name not in OWN]


def conservation(world: World) -> Check:
    """H-3: per account, every fee the declared usage makes (worked out by the harness) is
    what the engine counts as paid plus what it counts as outstanding, to the cent."""
    broken = []
    fees = Fraction(0)
    for account_id, customer in world.oracle.customers.items():
        ledger = world.engine.account(account_id).ledger
        expected = customer.book.fees
        fees += expected
        if round_cents(expected) != round_cents(ledger.paid + ledger.outstanding):
            broken.append(
                f"H-3 {account_id}: fees {format_amount(expected)} != paid "
                f"{format_amount(ledger.paid)} + outstanding {format_amount(ledger.outstanding)}"
            )
    broken += world.oracle.problems["h3_conservation"]  # the fees of each day
    totals = world.engine.ledger()
    figures = {"fees": fees, "paid": totals.paid, "outstanding": totals.outstanding}
    return Check("h3_conservation", tuple(broken), figures)


def gateways_agree(world: World) -> Check:
    """The engine's charges equal what each gateway's ledger took: no double charge, nothing
    lost, whatever faults the run injected. A charge still unknown at the end is owed a
    reconciliation: it counts on the engine's side for what its gateway took under its key.
    A mismatch names, after the totals, each account whose charges differ: the gateway's
    charges the engine's log does not count (key, amount, time), and the reverse."""
    engine_side: dict[str, Cents | Fraction] = dict(world.engine.ledger().charged)
    for payment in world.engine.unknown_payments():
        kind = world.engine.account(payment.account).methods[payment.method_id].kind
        taken = world.gateways.taken_under(kind, payment.key)
        engine_side[kind] = engine_side.get(kind, Fraction(0)) + taken
    gateway_side = world.gateways.money_taken()
    differ = [
        kind
        for kind in sorted(set(engine_side) | set(gateway_side))
        if engine_side.get(kind, Fraction(0)) != gateway_side.get(kind, Fraction(0))
    ]
    mismatches = tuple(
        f"{kind}: engine {format_amount(engine_side.get(kind, Fraction(0)))}"
        f" vs gateway {format_amount(gateway_side.get(kind, Fraction(0)))}"
        for kind in differ
    )
    if differ:  # then, read back only now: which account, under which key, how much
        from simulator.charges import mismatched_accounts

        mismatches += tuple(mismatched_accounts(world, differ))
    return Check("gateway_ledgers_match", mismatches, dict(gateway_side))


def holds_never_captured(world: World) -> Check:
    """CARD-5, PAYPAL-1: every verification hold the engine made is, at its gateway, released
    or voided and never captured: a card's by its issuer (and not told released before the
    issuer released it), PayPal's voided by the merchant at once."""
    now = world.clock.now()
    problems, holds = [], 0
    told = world.oracle.releases
    for account_id in world.engine.account_ids():
        account = world.engine.account(account_id)
        for preauth in account.preauths:
            holds += 1
            kind = account.methods[preauth.method_id].kind
            auth = preauth.authorization_id
            status, release_at = world.gateways.hold_state(kind, auth)
            rule = "CARD-5" if kind == "card" else "PAYPAL-1"
            said = told.get(auth)
            if status == "captured":
                problems.append(f"{rule} {account_id}: hold {auth} was captured")
            elif kind == "paypal" and status == "held":
                problems.append(f"{rule} {account_id}: the USD 1.00 check {auth} was never voided")
            elif status == "held" and release_at is not None and release_at <= now:
                problems.append(f"{rule} {account_id}: hold {auth} held past release")
            elif (
                said is not None
                and said[1] == "issuer"
                and release_at is not None
                and said[0] < release_at
            ):
                problems.append(
                    f"{rule} {account_id}: hold {auth} told released by the issuer at"
                    f" {format_time(said[0])}, the issuer releases it at {format_time(release_at)}"
                )
    problems += issuer_release_days(world)
    return Check("holds_released_never_captured", tuple(problems), {"holds": holds})


def issuer_release_days(world: World) -> list[str]:
    """CARD-5: the day the card's issuer releases each hold, as the card processor records it,
    within the policy's business days of the hold, reckoned by the harness's own calendar."""
    low, high = world.policy.preauth_release_business_days
    problems = []
    for auth in world.gateways.card_core.authorizations.values():
        made, country = auth.created_at.date(), auth.card.profile.issuer_country
        first = business_days_after(made, low, country)
        last = business_days_after(made, high, country)
        if not first <= auth.release_at.date() <= last:
            problems.append(
                f"CARD-5 hold {auth.id} made on {made} is released on {auth.release_at.date()},"
                f" not within {low} to {high} business days in {country} ({first} to {last})"
            )
    return problems


#: how much of an output file no_card_data scans at once (whole lines)
_SCAN_CHARS = 1 << 22


@dataclass(frozen=True)
class CardData:
    """What a run's customers typed that no output may hold (H-4): their card numbers (digits
    only, valid or not) and CVVs, and what is no card though it may read as one typed (the
    run's seed, printed as it is)."""

    numbers: frozenset[str]
    cvvs: frozenset[str] = frozenset()
    not_cards: frozenset[str] = frozenset()

    def leaks(self, text: str) -> bool:
        """A typed card number, with any separators between its digits, or a typed CVV under
        a CVV's name."""
        return (
            next(typed_numbers_in(text, self.numbers, not_cards=self.not_cards), None) is not None
            or next(typed_cvvs_in(text, self.cvvs), None) is not None
        )


def _first_line(blocks: Iterable[str], typed: CardData) -> int | None:
    """The number of the first line that leaks, reading blocks of whole lines (a digit run
    never spans a line break), and only a block that leaks line by line."""
    lineno = 0
    for block in blocks:
        if typed.leaks(block):
            for offset, line in enumerate(block.split("\n"), 1):
                if typed.leaks(line):
                    return lineno + offset
        lineno += block.count("\n")
    return None


def _blocks(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as text:
        while block := text.read(_SCAN_CHARS):
            yield block + text.readline()


def first_leak(path: Path, typed: CardData | Iterable[str]) -> int | None:
    """The number of the first line of `path` holding typed card data (`typed`: CardData, or
    just the typed numbers)."""
    data = typed if isinstance(typed, CardData) else CardData(frozenset(typed))
    return _first_line(_blocks(path), data)


def no_card_data(
    numbers: CardData | Iterable[str],
    outputs: Iterable[Path],
    texts: Mapping[str, str] | None = None,
    free_text: Iterable[tuple[str, str]] = (),
) -> Check:
    """H-4: none of the card numbers the customers typed (`numbers`: CardData, or the numbers
    alone), with any separators, and none of their CVVs under a CVV's name, in any output:
    the files, and `texts` (name -> what was printed, or what a file holds packed). Card-like
    runs of digits count only in `free_text` ((where, what someone typed) as the run shows
    it): seeds, digests and amounts are never taken for cards."""
    typed = numbers if isinstance(numbers, CardData) else CardData(frozenset(numbers))
    found = []
    for path in outputs:
        lineno = first_leak(path, typed)
        if lineno is not None:
            found.append(f"{path.name}:{lineno}")
    for name, text in (texts or {}).items():
        lineno = _first_line([text], typed)
        if lineno is not None:
            found.append(f"{name}:{lineno}")
    for where, value in free_text:
        if any(card_like_runs(value)):
            found.append(f"free text {where}")
    return Check("no_card_data", tuple(found), {"card_numbers": len(typed.numbers)})
