"""A small billing engine that speaks billing-sim's driver protocol (docs/driver.md) for bank
cards, and gets three rules wrong on purpose, so that `billing-sim diff` has something to find:

- LINK-2: it ignores the cool-down: a closed account's card is free to link at once;
- AUTO-2: it counts the card threshold before tax (the rule counts fees with their tax);
- AUTO-4: it deducts at month end even when what is owed rounds to less than a cent.

Everything else follows docs/rules.md for cards: validation, 3D Secure (frictionless or a
challenge), the USD 1.00 hold the issuer releases, hourly usage, deductions that settle 30
minutes later, failed ones tried again and overdue after 15 days, lost answers looked up by
their idempotency key, the Billing Overview. PayPal, repayments and the Coding Plan are not
offered (HTTP 501 NotOffered). Money is exact, `fractions.Fraction`, never a float: the harness
may send an hourly fee as "n/d". Run: `python naive_engine.py --port 8100`.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any
from urllib.parse import quote

import httpx
from flask import Flask, jsonify, request

ZERO = Fraction(0)
HOUR = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PREAUTH, DESCRIPTOR = Fraction(1), "ALIBABACLOUD.COM"
RETURN_URL = "https://naive.example/return"
#: CARD-3: linking a card always asks 3D Secure for accounts in the EU and Malaysia
THREEDS_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE MY".split()  # noqa: SIM905
)
#: CARD-4: (brand, number prefix ranges, lengths) of the supported brands; others are refused
BRANDS = (
    ("amex", (("34", "34"), ("37", "37")), {15}),
    ("jcb", (("3528", "3589"),), {16, 17, 18, 19}),
    ("visa", (("4", "4"),), {13, 16, 19}),
    ("mastercard", (("51", "55"), ("2221", "2720")), {16}),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65")), {16, 17, 18, 19}),
    ("unionpay", (("62", "62"),), {16, 17, 18, 19}),
)
#: when a charge whose answer was lost is looked up, from when it became unknown; then daily
LOOKS = (timedelta(minutes=5), HOUR, timedelta(days=1))
ATTEMPTS = 4  # sends of one gateway call before giving up
NOT_DONE, MAYBE_DONE = -1, -2  # a gateway call without an answer: safe to resend, or not


# --- money, time, cards ------------------------------------------------------------------


def cents(amount: Fraction) -> Fraction:
    return Fraction(round(amount * 100), 100)  # round() of a Fraction is half-even


def text(amount: Fraction) -> str:
    """Two places, as events and gateways write money."""
    count = round(amount * 100)
    return f"{'-' if count < 0 else ''}{abs(count) // 100}.{abs(count) % 100:02d}"


def exact(amount: Fraction) -> str:
    """The exact figure: a decimal string, or "n/d" when no decimal holds it."""
    rest = amount.denominator
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest != 1:
        return f"{amount.numerator}/{amount.denominator}"
    with localcontext(prec=100):
        return format(Decimal(amount.numerator) / amount.denominator, "f")


def figures(pretax: Fraction, tax: Fraction, show: Callable[[Fraction], str] = exact) -> Any:
    """Spend as the overview shows it (OV-1): the total is the sum, not the shown parts'."""
    return {"pretax": show(pretax), "tax": show(tax), "total": show(pretax + tax)}


def money(value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"an amount is a decimal string, not {value!r}")
    return Fraction(value)


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def ceil_hour(at: datetime) -> datetime:
    floor = at.replace(minute=0, second=0, microsecond=0)
    return floor if floor == at else floor + HOUR


def next_month(at: datetime) -> datetime:
    first = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)


def month_of(text_: str) -> tuple[int, int]:
    year, month = text_.split("-")
    return int(year), int(month)


def card_problem(card: dict[str, Any], now: datetime) -> str | None:
    """CARD-4, judged at the linking instant before any gateway is asked: why the card is
    refused, or None."""
    digits = card["number"].replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or luhn(digits) % 10:
        return "invalid_number"
    brand = brand_of(digits)
    if brand is None:
        return "unsupported_brand"
    # a card is valid through the end of its expiry month, yet refused already in that month
    expiry = (card["exp_year"], card["exp_month"])
    if expiry <= (now.year, now.month):
        return "expired" if expiry < (now.year, now.month) else "expires_this_month"
    if not card["cvv"].isdigit() or len(card["cvv"]) != (4 if brand == "amex" else 3):
        return "invalid_cvv"
    return None


def brand_of(digits: str) -> str | None:
    for brand, ranges, lengths in BRANDS:
        if len(digits) in lengths and any(lo <= digits[: len(lo)] <= hi for lo, hi in ranges):
            return brand
    return None


def luhn(digits: str) -> int:
    doubled = [int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(digits))]
    return sum(d - 9 if d > 9 else d for d in doubled)


def error_code(body: dict[str, Any]) -> str:
    return (body.get("error") or {}).get("code") or "declined"


class Refused(Exception):
    def __init__(self, status: int, kind: str, message: str, reason: str | None = None):
        super().__init__(message)
        self.status, self.kind, self.reason = status, kind, reason


class Unavailable(Exception):
    """No usable answer from a gateway; `maybe_done`: a request may have been carried out."""

    def __init__(self, maybe_done: bool = False):
        super().__init__("gateway unavailable")
        self.maybe_done = maybe_done


# --- the state ---------------------------------------------------------------------------


@dataclass
class Method:
    id: int
    status: str = "pending"  # pending, active, rejected, unlinked
    token: str | None = None
    fingerprint: str | None = None
    brand: str | None = None
    last4: str | None = None
    reason: str | None = None
    challenge: str | None = None  # the open 3D Secure transaction
    acs_url: str | None = None


@dataclass
class Deduction:
    id: str
    trigger: str
    amount: Fraction
    month: tuple[int, int] | None
    from_billed: Fraction  # fees of failed deductions it tries again (AUTO-7)
    method: int | None = None
    from_balance: Fraction = ZERO
    charged: Fraction = ZERO
    failure: str | None = None  # the gateway's verdict, told at settlement
    unknown: bool = False  # the gateway's answer was lost
    status: str = "pending"  # pending, unknown, succeeded, failed

    def fields(self, *names: str) -> dict[str, Any]:
        return {"deduction": self.id} | {name: getattr(self, name) for name in names}


@dataclass
class Account:
    id: str
    country: str
    tax_rate: Fraction
    balance: Fraction
    opened: datetime
    status: str = "active"  # active, overdue, suspended, deactivated
    methods: list[Method] = field(default_factory=list)
    default: int | None = None
    products: list[str] = field(default_factory=list)
    windows: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    #: (year, month) -> product -> [pretax, tax]
    spend: dict[tuple[int, int], dict[str, list[Fraction]]] = field(default_factory=dict)
    # every fee ever accrued is undeducted, in flight, unknown, billed (failed) or paid
    fees: Fraction = ZERO
    undeducted: Fraction = ZERO
    in_flight: Fraction = ZERO
    unknown: Fraction = ZERO
    billed: Fraction = ZERO
    paid: Fraction = ZERO
    since_attempt: Fraction = ZERO  # fees since the last deduction attempt (AUTO-2)
    unpaid_since: datetime | None = None  # when the oldest unpaid failed deduction failed
    month_end_waiting: tuple[int, int] | None = None  # a month end waiting for a settlement
    overdue_waiting: datetime | None = None  # an overdue check waiting for a settlement
    meter_from: datetime = EPOCH  # after resuming, metering starts at a whole hour
    counters: dict[str, int] = field(default_factory=dict)

    def key(self, kind: str) -> str:
        """Ids and idempotency keys, e.g. "ada-ded-3"."""
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{self.id}-{kind}-{self.counters[kind]}"

    def method(self, method_id: int, active: bool = False) -> Method:
        method = self.methods[method_id] if 0 <= method_id < len(self.methods) else None
        if method is None or (active and method.status != "active"):
            raise Refused(422, "UnknownPaymentMethod", f"{self.id}: no active method {method_id}")
        return method

    def require_active(self, action: str) -> None:
        if self.status == "deactivated":
            message = f"account {self.id} is deactivated: cannot {action}"
            raise Refused(422, "AccountStateError", message, "account_deactivated")

    @property
    def in_flight_deduction(self) -> Deduction | None:
        last = self.deductions[-1] if self.deductions else None
        return last if last is not None and last.status == "pending" else None

    @property
    def outstanding(self) -> Fraction:
        return self.undeducted + self.in_flight + self.unknown + self.billed

    @property
    def toward_threshold(self) -> Fraction:
        return min(self.since_attempt, self.undeducted)

    def spent(
        self, month: tuple[int, int], product: str | None = None, mode: str | None = None
    ) -> tuple[Fraction, Fraction]:
        """OV-1, OV-3, OV-4: a month's spend (pretax, tax), all of it pay-as-you-go."""
        spent = [s for p, s in self.spend.get(month, {}).items() if product in (None, p)]
        spent = spent if mode in (None, "payg") else []
        return sum((s[0] for s in spent), ZERO), sum((s[1] for s in spent), ZERO)


class Engine:
    def __init__(self, start: datetime, gateways: dict[str, str], policy: dict[str, Any]):
        self.now = start
        self.gateways = {
            name: httpx.Client(base_url=url, timeout=5) for name, url in gateways.items()
        }

        def setting(name: str, default: int) -> timedelta:
            unit = name.rsplit("_", 1)[1]  # cooldown_days -> days
            return timedelta(**{unit: int(policy.get(name, default))})

        self.cooldown, self.grace = setting("cooldown_days", 30), setting("overdue_grace_days", 15)
        self.settlement = setting("settlement_delay_minutes", 30)
        self.threeds_timeout = setting("threeds_timeout_minutes", 10)
        self.threshold = money(str(policy.get("card_threshold", "1000")))
        self.events: list[dict[str, Any]] = []
        self.accounts: dict[str, Account] = {}
        self.timers: list[tuple[datetime, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.charged = ZERO
        self.fees_by_day: dict[str, Fraction] = {}
        self.metered_until = start.replace(minute=0, second=0, microsecond=0)
        self.at(next_month(start), self.month_end)

    # --- plumbing ---------------------------------------------------------------------------

    def at(self, due: datetime, fn: Callable[[], None]) -> None:
        """A timer; timers run on whole seconds, those at one instant in the order set."""
        due = due.replace(microsecond=0) + timedelta(seconds=1) if due.microsecond else due
        heapq.heappush(self.timers, (max(due, self.now), next(self.order), fn))

    def emit(self, kind: str, account: Account, /, **fields: Any) -> None:
        """An event of docs/scenarios.md: money two places, fields sorted by name."""
        record = {"seq": len(self.events) + 1, "at": iso(self.now), "type": kind}
        plain = {k: text(v) if isinstance(v, Fraction) else v for k, v in sorted(fields.items())}
        self.events.append(record | {"account": account.id} | plain)

    def account(self, account_id: str) -> Account:
        if account_id not in self.accounts:
            raise Refused(404, "UnknownAccount", f"no account {account_id}")
        return self.accounts[account_id]

    def send(
        self, gateway: str, method: str, path: str, body: Any = None, key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """One request stamped with the simulated time (H-1); a status of NOT_DONE or
        MAYBE_DONE when the gateway gave no answer (a 503 server_error did nothing)."""
        headers = {"X-Sim-Time": self.now.isoformat()} | ({"Idempotency-Key": key} if key else {})
        try:
            answer = self.gateways[gateway].request(method, path, json=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            return NOT_DONE, {}
        except httpx.TransportError:
            return MAYBE_DONE, {}
        try:
            data = answer.json()
        except ValueError:
            data = {}
        if answer.status_code < 500:
            return answer.status_code, data
        return (NOT_DONE if error_code(data) == "server_error" else MAYBE_DONE), {}

    def post(self, gateway: str, path: str, body: Any, key: str) -> tuple[int, dict[str, Any]]:
        """Send until answered, always under one idempotency key; after a lost answer ask
        the gateway what the key did first, so nothing is ever done twice."""
        maybe_done = False
        for _ in range(ATTEMPTS):
            status, data = self.send(gateway, "POST", path, body, key)
            if status > 0:
                return status, data
            if status == MAYBE_DONE:
                found, record = self.send(gateway, "GET", f"/v1/idempotency/{quote(key, safe='')}")
                if found == 200:
                    return int(record["status"]), record["body"]
                maybe_done = found != 404  # 404: nothing was carried out under the key
        raise Unavailable(maybe_done)

    def get(self, gateway: str, path: str) -> tuple[int, dict[str, Any]]:
        for _ in range(ATTEMPTS):
            status, data = self.send(gateway, "GET", path)
            if status > 0:
                return status, data
        raise Unavailable()

    # --- time and usage ---------------------------------------------------------------------

    def advance(self, to: datetime, inclusive: bool) -> None:
        """Everything due up to `to` in time order: at one instant the hours that ended are
        metered first, then the timers (those at `to` itself only when `inclusive`)."""
        while True:
            hour = self.metered_until + HOUR
            timer = self.timers[0][0] if self.timers else None
            if hour <= to and (timer is None or hour <= timer):
                self.now = max(self.now, hour)
                self.meter(self.metered_until)
                self.metered_until = hour
            elif timer is not None and (timer < to or (inclusive and timer == to)):
                self.now = max(self.now, timer)
                heapq.heappop(self.timers)[2]()
            else:
                break
        self.now = max(self.now, to)

    def meter(self, start: datetime) -> None:
        """The hour from `start` of every metering account, part hours by the minute."""
        for account in self.accounts.values():
            if account.status not in ("active", "overdue") or start < account.meter_from:
                continue  # suspended or closed: nothing is metered (AUTO-7)
            fees: dict[str, Fraction] = {}
            for window in account.windows:
                overlap = min(start + HOUR, window["until"]) - max(start, window["from"])
                minutes = int(overlap.total_seconds()) // 60
                if minutes > 0 and window["fee"] and window["product"] in account.products:
                    fee = window["fee"] * Fraction(minutes, 60)
                    fees[window["product"]] = fees.get(window["product"], ZERO) + fee
            if any(fees.values()):
                self.accrue(account, start, fees)

    def accrue(self, account: Account, hour: datetime, fees: dict[str, Fraction]) -> None:
        """An hour's fees of every product, then one threshold check (AUTO-2)."""
        month = account.spend.setdefault((hour.year, hour.month), {})
        for product, pretax in fees.items():
            spent = month.setdefault(product, [ZERO, ZERO])
            spent[0] += pretax
            spent[1] += pretax * account.tax_rate
        pretax = sum(fees.values(), ZERO)
        fee = pretax * (1 + account.tax_rate)
        account.fees += fee
        account.undeducted += fee
        account.since_attempt += pretax  # WRONG ON PURPOSE (AUTO-2): the tax is left out
        day = hour.date().isoformat()
        self.fees_by_day[day] = self.fees_by_day.get(day, ZERO) + fee
        self.check_threshold(account)

    def check_threshold(self, account: Account) -> None:
        """AUTO-2: a card default deducts everything once the fees since the last attempt
        reach the threshold, or right after the deduction in flight settles."""
        reached = account.default is not None and account.toward_threshold >= self.threshold
        if reached and account.in_flight_deduction is None:
            self.deduct(account, "threshold")

    # --- deductions -------------------------------------------------------------------------

    def deduct(self, account: Account, trigger: str, month: tuple[int, int] | None = None) -> None:
        """Everything owed, rounded half-even (the remainder is carried), the prepaid balance
        first (PAY-3), the rest one merchant-initiated charge: never 3D Secure (AUTO-8)."""
        owed = account.undeducted + account.billed
        amount = cents(owed)
        # WRONG ON PURPOSE (AUTO-4): a month end deducts anything owed, even if it rounds to 0.00
        if (owed if trigger == "month_end" else amount) <= 0:
            account.since_attempt = ZERO
            return
        deduction = Deduction(account.key("ded"), trigger, amount, month, account.billed)
        account.undeducted, account.billed = owed - amount, ZERO
        account.in_flight, account.since_attempt = amount, ZERO
        deduction.from_balance = min(account.balance, amount)
        account.balance -= deduction.from_balance
        deduction.charged, deduction.method = amount - deduction.from_balance, account.default
        if deduction.charged > 0 and account.default is None:
            deduction.failure = "no_payment_method"  # AUTO-1
        elif deduction.charged > 0:
            self.charge(account.methods[account.default], deduction)
        account.deductions.append(deduction)
        self.emit("deduction.initiated", account, **deduction.fields("trigger", "amount", "method"))
        self.at(self.now + self.settlement, lambda: self.settle(account, deduction))

    def charge(self, method: Method, deduction: Deduction) -> None:
        body = {
            "token": method.token,
            "amount": text(deduction.charged),
            "currency": "USD",
            "merchant_initiated": True,
        }
        try:
            status, answer = self.post("card", "/v1/charges", body, deduction.id)
        except Unavailable as lost:  # a charge that may have gone through is never a failure
            deduction.unknown = lost.maybe_done
            deduction.failure = None if lost.maybe_done else "gateway_unavailable"
            return
        if status < 300:
            self.charged += deduction.charged
        else:
            deduction.failure = error_code(answer)

    def settle(self, account: Account, deduction: Deduction) -> None:
        """PAY-5: the status comes back; a lost answer keeps the amount reserved instead."""
        amount, account.in_flight = account.in_flight, ZERO
        if deduction.unknown:
            deduction.status, account.unknown = "unknown", account.unknown + amount
            self.emit("deduction.unknown", account, **deduction.fields("amount", "charged"))
            self.look_later(account, deduction, self.now, 0)
        elif deduction.failure is None:
            account.paid += amount
            self.succeeded(account, deduction, "deduction.succeeded")
        else:
            account.billed += amount
            self.failed(account, deduction, deduction.failure, "deduction.failed")
        self.after_settlement(account)

    def look_later(
        self, account: Account, deduction: Deduction, since: datetime, looks: int
    ) -> None:
        due = since + (LOOKS[looks] if looks < len(LOOKS) else LOOKS[-1] * (looks - 1))
        self.at(due, lambda: self.look(account, deduction, since, looks + 1))

    def look(self, account: Account, deduction: Deduction, since: datetime, looks: int) -> None:
        """AUTO-6, H-3: ask the card processor what the charge's key did; a key it never
        committed failed. Never charge again."""
        try:
            status, record = self.get("card", f"/v1/idempotency/{quote(deduction.id, safe='')}")
            if status not in (200, 404):
                raise Unavailable()
        except Unavailable:
            return self.look_later(account, deduction, since, looks)
        account.unknown -= deduction.amount
        if status == 200 and int(record["status"]) < 300:
            self.charged += deduction.charged
            account.paid += deduction.amount
            self.succeeded(account, deduction, "deduction.reconciled", outcome="succeeded")
        else:
            account.billed += deduction.amount
            reason = error_code(record["body"]) if status == 200 else "gateway_unavailable"
            self.failed(account, deduction, reason, "deduction.reconciled", outcome="failed")
        self.after_settlement(account)

    def succeeded(self, account: Account, deduction: Deduction, kind: str, **outcome: str) -> None:
        deduction.status = "succeeded"
        self.emit(kind, account, **deduction.fields("amount", "from_balance", "charged"), **outcome)

    def failed(
        self, account: Account, deduction: Deduction, reason: str, kind: str, **outcome: str
    ) -> None:
        """AUTO-6: the fees stay owed (the balance it used comes back); AUTO-7: overdue if
        they are still unpaid after the grace period."""
        deduction.status, failed_at = "failed", self.now
        account.balance += deduction.from_balance
        account.unpaid_since = account.unpaid_since or failed_at
        self.emit(kind, account, **deduction.fields("amount"), reason=reason, **outcome)
        self.at(failed_at + self.grace, lambda: self.overdue_check(account, failed_at))

    def after_settlement(self, account: Account) -> None:
        """What waited for the deduction in flight: resuming, month end, overdue, threshold."""
        in_flight = account.in_flight_deduction
        if account.billed <= 0 and not (in_flight and in_flight.from_billed):
            account.unpaid_since = None  # the failed fees are paid
        if account.status == "suspended" and cents(account.outstanding) == 0:
            account.status, account.meter_from = "active", ceil_hour(self.now)
            self.emit("account.resumed", account)
        if in_flight is not None:
            return
        if account.month_end_waiting is not None:
            month, account.month_end_waiting = account.month_end_waiting, None
            self.deduct(account, "month_end", month)
        if account.overdue_waiting is not None:
            failed_at, account.overdue_waiting = account.overdue_waiting, None
            self.overdue_check(account, failed_at)
        self.check_threshold(account)

    def overdue_check(self, account: Account, failed_at: datetime) -> None:
        """AUTO-7: fees of a deduction that failed at `failed_at` still unpaid: overdue and
        suspended. With a deduction in flight the check waits for its status."""
        if account.status != "active":
            return
        if account.in_flight_deduction is not None:
            waiting = account.overdue_waiting
            account.overdue_waiting = failed_at if waiting is None else min(waiting, failed_at)
            return
        if account.billed <= 0 or account.unpaid_since is None or account.unpaid_since > failed_at:
            return
        account.status = "overdue"
        self.emit("account.overdue", account, outstanding=account.outstanding)
        account.status = "suspended"
        self.emit("account.suspended", account)

    def month_end(self) -> None:
        """AUTO-4: one deduction per account for every fee not yet deducted, then the month's
        spend (OV-1); an account with a deduction in flight deducts once it settles."""
        last = self.now - HOUR
        closing = (last.year, last.month)
        for account in [a for a in self.accounts.values() if a.opened < self.now]:
            if account.in_flight_deduction is not None:
                account.month_end_waiting = closing
            else:
                self.deduct(account, "month_end", closing)
            total, spent = figures(*account.spent(closing), text), closing in account.spend
            self.emit(
                "month.closed",
                account,
                year=closing[0],
                month=closing[1],
                **total,
                by_mode={"payg": total} if spent else {},
                outstanding=account.outstanding,
            )
        self.at(next_month(self.now), self.month_end)

    # --- linking cards ----------------------------------------------------------------------

    def link_card(self, account: Account, card: dict[str, Any]) -> dict[str, Any]:
        account.require_active("link a payment method")
        method = Method(len(account.methods))
        account.methods.append(method)
        reason = card_problem(card, self.now)
        if reason is not None:
            return self.reject(account, method, reason)
        try:
            status, token = self.post("card", "/v1/tokens", card, account.key("tok"))
            if status >= 300:
                return self.reject(account, method, error_code(token))
            method.token, method.fingerprint = token["id"], token["fingerprint"]
            method.brand, method.last4 = token["brand"], token["last4"]
            if self.holder(method):
                return self.reject(account, method, "already_linked")
            body = {
                "cardToken": method.token,
                "purchaseAmount": text(PREAUTH),
                "purchaseCurrency": "USD",
                "notificationURL": RETURN_URL,
                "challengeMandated": account.country in THREEDS_COUNTRIES,
            }
            status, result = self.post("threeds", "/v1/authentications", body, account.key("3ds"))
        except Unavailable:
            return self.reject(account, method, "gateway_unavailable")
        if status >= 300:  # a refused request leaves the card holder unauthenticated
            result = {"transStatus": "U", "reason": error_code(result)}
        if result["transStatus"] != "C":
            return self.after_threeds(account, method, result, challenged=False)
        # 3DS-1/2: the bank asks; the customer goes to its page and may never come back
        method.challenge, method.acs_url = result["threeDSServerTransID"], result.get("acsURL")
        self.emit("threeds.challenged", account, method=method.id)
        self.at(self.now + self.threeds_timeout, lambda: self.challenge_over(account, method))
        return self.outcome(method)

    def complete(self, account: Account, method_id: int) -> dict[str, Any]:
        """The customer is back from the bank's page: passed, failed or cancelled."""
        method = account.method(method_id)
        result = self.challenge_result(method)
        if result is None:
            return self.outcome(method)
        return self.after_threeds(account, method, result, challenged=True)

    def challenge_over(self, account: Account, method: Method) -> None:
        """3DS-2: a challenge not completed in time is abandoned."""
        if method.challenge is not None:
            result = self.challenge_result(method) or {"transStatus": "U", "reason": "timed_out"}
            self.after_threeds(account, method, result, challenged=True)

    def challenge_result(self, method: Method) -> dict[str, Any] | None:
        """The challenge's result, None while it is open or the 3DS server cannot tell."""
        if method.status != "pending" or method.challenge is None:
            return None
        try:
            status, result = self.get("threeds", f"/v1/authentications/{quote(method.challenge)}")
        except Unavailable:
            return None
        return result if status == 200 and result["transStatus"] != "C" else None

    def after_threeds(
        self, account: Account, method: Method, result: dict[str, Any], challenged: bool
    ) -> dict[str, Any]:
        method.challenge = method.acs_url = None
        trans_status = result["transStatus"]
        self.emit("threeds.completed", account, method=method.id, trans_status=trans_status)
        if trans_status == "U" and result.get("reason") == "not_enrolled":
            return self.reject(account, method, "threeds_not_supported")  # CARD-3
        if trans_status not in ("Y", "A"):
            abandoned = challenged and trans_status == "U"  # cancelled or timed out
            return self.reject(account, method, f"threeds_{'abandoned' if abandoned else 'failed'}")
        if account.status == "deactivated":  # closed while the customer was at the bank's page
            return self.reject(account, method, "account_deactivated")
        if challenged and self.holder(method):  # linked elsewhere meanwhile
            return self.reject(account, method, "already_linked")
        reason = self.hold(account, method, result.get("threeDSServerTransID"))
        return self.reject(account, method, reason) if reason else self.linked(account, method)

    def hold(self, account: Account, method: Method, threeds_id: str | None) -> str | None:
        """CARD-2, CARD-5: the USD 1.00 hold, never captured; None, or why it failed."""
        body = {"token": method.token, "amount": text(PREAUTH), "currency": "USD"}
        body["descriptor"] = DESCRIPTOR
        if threeds_id:
            body["threeds_transaction_id"] = threeds_id
        try:
            status, hold = self.post("card", "/v1/authorizations", body, account.key("auth"))
        except Unavailable:
            return "gateway_unavailable"
        if status >= 300:
            return error_code(hold)
        account.holds.append({"method_id": method.id, "authorization_id": hold["id"]})
        hold_fields = {"authorization": hold["id"], "amount": PREAUTH, "descriptor": DESCRIPTOR}
        self.emit("preauth.authorized", account, method=method.id, **hold_fields)
        if hold.get("release_at"):
            self.at(when(hold["release_at"]), lambda: self.check_hold(account, method, hold["id"]))
        return None

    def check_hold(self, account: Account, method: Method, authorization: str) -> None:
        """CARD-5: the issuer releases the hold; ask the processor rather than assume."""
        later = self.now + self.settlement  # when the processor cannot tell yet
        try:
            _, hold = self.get("card", f"/v1/authorizations/{quote(authorization)}")
        except Unavailable:
            hold = {"status": "held"}
        if hold["status"] == "held":
            released = hold.get("released_at") and when(hold["released_at"])
            later = released if released and released > self.now else later
            return self.at(later, lambda: self.check_hold(account, method, authorization))
        self.emit(
            "preauth.released", account, method=method.id, authorization=authorization, by="issuer"
        )

    def holder(self, method: Method) -> Account | None:
        """LINK-1: the account that holds this card (this one too), if any."""
        for account in self.accounts.values():
            held = {m.fingerprint for m in account.methods if m.status == "active"}
            # WRONG ON PURPOSE (LINK-2): a closed account holds nothing, cool-down or not
            if method.fingerprint in held and account.status != "deactivated":
                return account
        return None

    def linked(self, account: Account, method: Method) -> dict[str, Any]:
        """CARD-6: active; the first active method becomes the default."""
        method.status, first = "active", account.default is None
        account.default = method.id if first else account.default
        card = {"kind": "card", "brand": method.brand, "last4": method.last4}
        self.emit("payment_method.linked", account, method=method.id, default=first, **card)
        if first:
            self.check_threshold(account)
        return self.outcome(method)

    def reject(self, account: Account, method: Method, reason: str) -> dict[str, Any]:
        method.status, method.reason = "rejected", reason
        self.emit(
            "payment_method.link_rejected", account, method=method.id, kind="card", reason=reason
        )
        return self.outcome(method)

    @staticmethod
    def outcome(method: Method) -> dict[str, Any]:
        status = {"active": "linked", "pending": "challenge"}.get(method.status, "rejected")
        reason = (method.reason or "unlinked") if status == "rejected" else None
        answer = {"status": status, "method_id": method.id, "kind": "card", "reason": reason}
        return answer | {"redirect_url": method.acs_url}

    # --- unlink, default, close -------------------------------------------------------------

    def unlink(self, account: Account, method_id: int) -> None:
        """LINK-2: an unlinked card is free at once; the first active one left is default."""
        method = account.method(method_id)
        if method.status not in ("active", "pending"):
            raise Refused(422, "UnknownPaymentMethod", f"method {method_id} is {method.status}")
        method.status, method.challenge, method.acs_url = "unlinked", None, None
        self.emit("payment_method.unlinked", account, method=method.id)
        if account.default == method.id:
            successor = next((m.id for m in account.methods if m.status == "active"), None)
            self.change_default(account, successor)

    def set_default(self, account: Account, method_id: int) -> None:
        account.require_active("change the default method")
        if account.default != account.method(method_id, active=True).id:
            self.change_default(account, method_id)

    def change_default(self, account: Account, method_id: int | None) -> None:
        previous, account.default = account.default, method_id
        self.emit("payment_method.default_changed", account, method=method_id, previous=previous)
        self.check_threshold(account)  # the new default may already be over its threshold

    def deactivate(self, account: Account) -> None:
        account.require_active("deactivate it again")
        account.status, until = "deactivated", self.now + self.cooldown
        self.emit("account.deactivated", account, cooldown_until=iso(until))
        self.at(until, lambda: self.end_cooldown(account))

    def end_cooldown(self, account: Account) -> None:
        """LINK-2: the cool-down is over: the account's methods are unlinked."""
        for method in account.methods:
            if method.status in ("active", "pending"):
                method.status = "unlinked"
                self.emit("payment_method.unlinked", account, method=method.id)
        if account.default is not None:
            self.change_default(account, None)
        self.emit("account.cooldown_ended", account)

    # --- what the harness reads -------------------------------------------------------------

    def snapshot(self, account: Account) -> dict[str, Any]:
        ledger = {name: exact(getattr(account, name)) for name in ("fees", "paid", "in_flight")}
        methods = [
            {"id": m.id, "kind": "card", "status": m.status, "token": m.token}
            for m in account.methods
        ]
        deductions = [
            {"trigger": d.trigger, "month": d.month and "{:04d}-{:02d}".format(*d.month)}
            for d in account.deductions
        ]
        return {
            "country": account.country,
            "status": account.status,
            "products": account.products,
            "default_method_id": account.default,
            "threshold": None if account.default is None else exact(self.threshold),
            "methods": methods,
            "holds": account.holds,
            "deductions": deductions,
            "ledger": ledger
            | {
                "outstanding": exact(account.outstanding),
                "amount_due": text(account.outstanding),
                "toward_threshold": exact(account.toward_threshold),
            },
        }


def create_app() -> Flask:
    app = Flask("naive_engine")
    state: dict[str, Engine] = {}

    def engine() -> Engine:
        if "engine" not in state:
            raise Refused(409, "NotConfigured", "POST /v1/configuration first")
        return state["engine"]

    def account_of(account_id: str) -> Account:
        return engine().account(account_id)

    @app.errorhandler(Refused)
    def refused(error: Refused) -> Any:
        body = {"error": {"type": error.kind, "reason": error.reason, "message": str(error)}}
        return jsonify(body), error.status

    @app.errorhandler(KeyError)
    @app.errorhandler(ValueError)
    @app.errorhandler(TypeError)
    def malformed(error: Exception) -> Any:
        return refused(Refused(400, "BadRequest", str(error)))

    @app.post("/v1/configuration")
    def configure() -> Any:
        body = request.get_json()
        for client in state["engine"].gateways.values() if "engine" in state else ():
            client.close()
        state["engine"] = Engine(when(body["start"]), body["gateways"], body.get("policy") or {})
        return {"now": iso(state["engine"].now)}

    @app.get("/v1/test-clock")
    def clock() -> Any:
        return {"now": iso(engine().now)}

    @app.post("/v1/test-clock/advance")
    def advance() -> Any:
        to = when(request.get_json()["to"])
        if to < engine().now:
            raise ValueError("a test clock only moves forward")
        engine().advance(to, bool(request.get_json().get("inclusive", True)))
        return {"now": iso(engine().now)}

    @app.get("/v1/accounts")
    def account_ids() -> Any:
        return {"accounts": list(engine().accounts)}

    @app.post("/v1/accounts")
    def open_account() -> Any:
        body, naive = request.get_json(), engine()
        if body["id"] in naive.accounts:
            raise Refused(422, "AccountStateError", f"account {body['id']} is already open")
        tax_rate, balance = money(body.get("tax_rate", "0")), money(body.get("balance", "0"))
        account = Account(body["id"], body["country"].upper(), tax_rate, balance, naive.now)
        naive.accounts[account.id] = account
        naive.emit("account.opened", account, country=account.country, balance=balance)
        return naive.snapshot(account), 201

    @app.get("/v1/accounts/<account_id>")
    def account(account_id: str) -> Any:
        return engine().snapshot(account_of(account_id))

    @app.post("/v1/accounts/<account_id>/usage")
    def usage(account_id: str) -> Any:
        body = request.get_json()
        window = {
            "product": body["product"],
            "fee": money(body["hourly_fee"]),
            "from": when(body["from"]),
            "until": when(body["until"]),
        }
        account_of(account_id).windows.append(window)
        return {"ok": True}, 201

    @app.post("/v1/accounts/<account_id>/products")
    def activate(account_id: str) -> Any:
        product, account = request.get_json()["product"], account_of(account_id)
        account.require_active(f"activate {product}")
        if product not in account.products:
            account.products.append(product)
            engine().emit("product.activated", account, product=product)
        return {"product": product, "status": "activated", "reason": None}

    @app.post("/v1/accounts/<account_id>/deactivate")
    def deactivate(account_id: str) -> Any:
        engine().deactivate(account_of(account_id))
        return engine().snapshot(account_of(account_id))

    @app.post("/v1/accounts/<account_id>/payment-methods")
    def link(account_id: str) -> Any:
        body, account = request.get_json(), account_of(account_id)
        if body.get("kind") == "paypal":
            raise Refused(501, "NotOffered", "this engine does not offer PayPal", "paypal")
        if body.get("kind") != "card":
            raise ValueError("kind must be card or paypal")
        card = {k: str(v) for k, v in body["card"].items() if k in ("number", "cvv", "name")}
        card |= {k: int(v) for k, v in body["card"].items() if k in ("exp_month", "exp_year")}
        expiry_ok = 1 <= card["exp_month"] <= 12 and 1000 <= card["exp_year"] <= 9999
        if not expiry_ok or not card["name"].strip():  # no form submits these: no method id
            raise Refused(422, "InvalidCard", "card: an expiry MM/YYYY and a name are needed")
        return engine().link_card(account, card), 201

    @app.post("/v1/accounts/<account_id>/payment-methods/<int:method_id>/complete")
    def complete(account_id: str, method_id: int) -> Any:
        return engine().complete(account_of(account_id), method_id)

    @app.delete("/v1/accounts/<account_id>/payment-methods/<int:method_id>")
    def unlink(account_id: str, method_id: int) -> Any:
        engine().unlink(account_of(account_id), method_id)
        return engine().snapshot(account_of(account_id))

    @app.post("/v1/accounts/<account_id>/payment-methods/<int:method_id>/default")
    def set_default(account_id: str, method_id: int) -> Any:
        engine().set_default(account_of(account_id), method_id)
        return engine().snapshot(account_of(account_id))

    @app.post("/v1/accounts/<account_id>/repayments")
    @app.post("/v1/accounts/<account_id>/repayments/complete")
    def repayments(account_id: str) -> Any:
        raise Refused(501, "NotOffered", "this engine does not offer repayments", "repayments")

    @app.post("/v1/accounts/<account_id>/plan-orders")
    @app.post("/v1/accounts/<account_id>/plan-orders/<plan>/complete")
    def plan_orders(account_id: str, plan: str | None = None) -> Any:
        message = "this engine does not offer the Coding Plan"
        raise Refused(501, "NotOffered", message, "coding_plan")

    @app.get("/v1/accounts/<account_id>/overview")
    def overview(account_id: str) -> Any:
        account, month = account_of(account_id), request.args["month"]
        spent = account.spend.get(month_of(month), {})
        mode = request.args.get("mode") or None
        return {
            "month": month,
            "total_spend": figures(*account.spent(month_of(month), mode=mode)),
            "total_amount_due": text(account.outstanding),
            "spend": [{"product": p, "mode": "payg", **figures(*s)} for p, s in spent.items()],
        }

    @app.get("/v1/accounts/<account_id>/spending-trend")
    def spending_trend(account_id: str) -> Any:
        account, args = account_of(account_id), request.args
        (year, month), last = month_of(args["from"]), month_of(args["to"])
        points = []
        while (year, month) <= last:
            product, mode = args.get("product") or None, args.get("mode") or None
            spend = figures(*account.spent((year, month), product, mode))
            points.append({"month": f"{year:04d}-{month:02d}", **spend})
            year, month = year + (month == 12), month % 12 + 1
        return {"points": points}

    @app.get("/v1/events")
    @app.get("/v1/accounts/<account_id>/events")
    def events(account_id: str | None = None) -> Any:
        if account_id is not None:
            account_of(account_id)
        since = engine().events[int(request.args.get("after", 0)) :]
        return {"events": [e for e in since if account_id in (None, e["account"])]}

    @app.get("/v1/ledger")
    def ledger() -> Any:
        accounts = engine().accounts.values()
        fees, paid = sum((a.fees for a in accounts), ZERO), sum((a.paid for a in accounts), ZERO)
        charged = {"card": exact(engine().charged), "paypal": "0"}
        return {
            "fees": exact(fees),
            "paid": exact(paid),
            "outstanding": exact(fees - paid),
            "charged": charged,
        }

    @app.get("/v1/unknown-payments")
    def unknown_payments() -> Any:
        """Charges whose answer was lost, not yet reconciled."""
        unknown = [
            (a, d)
            for a in engine().accounts.values()
            for d in a.deductions
            if d.status == "unknown"
        ]
        return {
            "payments": [{"key": d.id, "account": a.id, "method_id": d.method} for a, d in unknown]
        }

    @app.get("/v1/fees-by-day")
    def fees_by_day() -> Any:
        return {"days": {day: exact(fees) for day, fees in sorted(engine().fees_by_day.items())}}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    from waitress import serve

    serve(create_app(), host="127.0.0.1", port=args.port, threads=1)
