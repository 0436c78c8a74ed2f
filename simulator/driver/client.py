"""The harness's HTTP adapter for the Engine port: drives any engine that speaks the driver
protocol (openapi.py), keeping its test clock on the harness's clock and copying its events
into the run's event log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import httpx

from billing_engine import errors
from billing_engine.money import Cents
from billing_engine.ports import CardDetails, Clock, EventSink
from simulator.driver import connections
from simulator.driver.optional_features import NOT_OFFERED, OPTIONAL_FEATURES
from simulator.driver.views import (
    AccountResult,
    ActivationResult,
    LinkResult,
    PaymentResult,
    SpendResult,
    TotalsResult,
    TrendResult,
    UnknownChargeResult,
)
from simulator.driver.wire import (
    amount_text,
    event_from_record,
    month_text,
    parse_money,
    parse_time,
    time_text,
)


class RemoteEngineError(Exception):
    """The engine answered what the protocol does not allow, or could not be reached."""


class NotOffered(RemoteEngineError):
    """The engine does not offer one of the protocol's optional features (a 501 NotOffered):
    what needs it cannot be judged on that engine."""

    def __init__(self, feature: str, call: str) -> None:
        super().__init__(feature, call)  # SimPy re-raises a copy: type(exc)(*exc.args)
        self.feature = feature
        self.call = call

    def __str__(self) -> str:
        return f"the engine does not offer {self.feature}: it answered {self.call} with 501"


def failure_text(engine_url: str, failure: RemoteEngineError) -> str:
    """What `run` and `diff` print when the engine under test fails a call."""
    if isinstance(failure, NotOffered):
        return (
            f"the engine at {engine_url} does not offer {failure.feature}, which this scenario "
            f"uses: it answered {failure.call} with 501 {NOT_OFFERED}"
        )
    return f"the engine at {engine_url} broke: {failure}"


def _refusal(status: int, body: Any, call: str) -> Exception:
    """The engine's refusal as the reference engine raises it (by the error's type name), so
    the world treats both alike; a type it does not know is a BillingError all the same."""
    error = body.get("error") if isinstance(body, dict) else None
    if (
        status == 501
        and isinstance(error, dict)
        and error.get("type") == NOT_OFFERED
        and error.get("reason") in OPTIONAL_FEATURES
    ):
        return NotOffered(str(error["reason"]), call)
    if not isinstance(error, dict) or status >= 500 or status == 400:
        return RemoteEngineError(f"HTTP {status} to {call}: {body!r}")
    kind = getattr(errors, str(error.get("type")), None)
    if not (isinstance(kind, type) and issubclass(kind, errors.BillingError)):
        kind = errors.BillingError
    return kind(str(error.get("message", "")), reason=error.get("reason"))


class HttpEngine:
    """A remote engine. Before each call its test clock is brought to the harness's time
    (what is due at that very instant waits: customers act before timers, as in process);
    the events it told are emitted into `events` after that advance and after the call."""

    def __init__(self, client: httpx.Client, *, clock: Clock, events: EventSink) -> None:
        self._http = client
        self._clock = clock
        self._sink = events
        self._cursor = 0
        self._synced: datetime | None = None

    @classmethod
    def over_url(cls, url: str, *, clock: Clock, events: EventSink) -> HttpEngine:
        return cls(connections.client(url, timeout=60.0), clock=clock, events=events)

    def close(self) -> None:
        self._http.close()

    # --- plumbing -----------------------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """The call at the harness's time. The events the engine told are read after each step
        that may change something, each in turn: what the clock's advance did comes before the
        call, and before anything the harness logs after it (an action it skips at that
        instant). A GET changes nothing, so has no events of its own."""
        if self._sync():
            self._pull_events()
        try:
            answer = self._send(method, path, body, params)
        except errors.BillingError:
            if method != "GET":  # a refusal is an answer: what the engine did first is logged
                self._pull_events()
            raise
        if method != "GET":
            self._pull_events()
        return answer

    def _send(self, method: str, path: str, body: Any, params: Mapping[str, Any]) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        try:
            response = self._http.request(method, path, json=body, params=query)
        except httpx.HTTPError as exc:
            raise RemoteEngineError(f"{method} {path}: {exc}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        if response.status_code >= 300:
            raise _refusal(response.status_code, answer, f"{method} {path}")
        return answer

    def _sync(self) -> bool:
        """Move the engine's test clock to the harness's; whether it moved."""
        now = self._clock.now()
        if self._synced is not None and now <= self._synced:
            return False
        self._send("POST", "/v1/test-clock/advance", {"to": time_text(now), "inclusive": False}, {})
        self._synced = now
        return True

    def _pull_events(self) -> None:
        records = self._send("GET", "/v1/events", None, {"after": self._cursor})["events"]
        for record in records:
            self._sink.emit(event_from_record(record))
            self._cursor = int(record["seq"])

    # --- the protocol's own calls ---------------------------------------------------------

    def configure(
        self,
        *,
        start: datetime,
        gateways: Mapping[str, str],
        seed: int,
        policy: Mapping[str, Any] | None = None,
    ) -> None:
        body = {
            "start": time_text(start),
            "seed": seed,
            "gateways": dict(gateways),
            "policy": {k: _plain(v) for k, v in (policy or {}).items()},
        }
        self._send("POST", "/v1/configuration", body, {})
        self._cursor, self._synced = 0, start

    def now(self) -> datetime:
        return parse_time(self._send("GET", "/v1/test-clock", None, {})["now"])

    def advance_to(self, when: datetime) -> None:
        """Everything due up to `when`, inclusive, happens; the events are logged."""
        self._send("POST", "/v1/test-clock/advance", {"to": time_text(when)}, {})
        self._synced = max(self._synced or when, when)
        self._pull_events()

    def add_usage(
        self, account_id: str, product: str, hourly_fee: Fraction, start: datetime, until: datetime
    ) -> None:
        body = {
            "product": product,
            "hourly_fee": amount_text(hourly_fee),
            "from": time_text(start),
            "until": time_text(until),
        }
        self._call("POST", f"/v1/accounts/{account_id}/usage", body)

    # --- the Engine port ------------------------------------------------------------------

    def open_account(
        self,
        account_id: str,
        *,
        country: str,
        tax_rate: Fraction | Decimal | str = "0",
        balance: Fraction | Decimal | str = "0",
    ) -> None:
        body = {
            "id": account_id,
            "country": country,
            "tax_rate": amount_text(Fraction(tax_rate)),
            "balance": amount_text(Fraction(balance)),
        }
        self._call("POST", "/v1/accounts", body)

    def activate_product(self, account_id: str, product: str) -> ActivationResult:
        body = self._call("POST", f"/v1/accounts/{account_id}/products", {"product": product})
        return ActivationResult(body["product"], body["status"], body.get("reason"))

    def deactivate(self, account_id: str) -> None:
        self._call("POST", f"/v1/accounts/{account_id}/deactivate")

    def link_card(self, account_id: str, card: CardDetails) -> LinkResult:
        typed = {
            "number": card.number,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "cvv": card.cvv,
            "name": card.name,
        }
        body = {"kind": "card", "card": typed}
        return LinkResult.of(self._call("POST", f"/v1/accounts/{account_id}/payment-methods", body))

    def complete_threeds(self, account_id: str, method_id: int) -> LinkResult:
        return self._complete_link(account_id, method_id)

    def start_paypal_link(
        self, account_id: str, *, threshold: Fraction | str | None = None
    ) -> LinkResult:
        body = {"kind": "paypal", "threshold": None if threshold is None else _plain(threshold)}
        return LinkResult.of(self._call("POST", f"/v1/accounts/{account_id}/payment-methods", body))

    def complete_paypal_link(self, account_id: str, method_id: int) -> LinkResult:
        return self._complete_link(account_id, method_id)

    def _complete_link(self, account_id: str, method_id: int) -> LinkResult:
        path = f"/v1/accounts/{account_id}/payment-methods/{method_id}/complete"
        return LinkResult.of(self._call("POST", path))

    def unlink(self, account_id: str, method_id: int) -> None:
        self._call("DELETE", f"/v1/accounts/{account_id}/payment-methods/{method_id}")

    def set_default(self, account_id: str, method_id: int) -> None:
        self._call("POST", f"/v1/accounts/{account_id}/payment-methods/{method_id}/default")

    def is_metering(self, account_id: str) -> bool:
        return self.account(account_id).status in ("active", "overdue")

    def repay(
        self, account_id: str, amount: Fraction | str, method_id: int | None = None
    ) -> PaymentResult:
        body = {"amount": "all" if amount == "all" else _plain(amount), "method_id": method_id}
        return PaymentResult.of(self._call("POST", f"/v1/accounts/{account_id}/repayments", body))

    def complete_repayment_threeds(self, account_id: str) -> PaymentResult | None:
        body = self._call("POST", f"/v1/accounts/{account_id}/repayments/complete")
        return None if body is None else PaymentResult.of(body)

    def buy_plan(self, account_id: str, plan: str, method_id: int) -> PaymentResult:
        body = {"plan": plan, "method_id": method_id}
        return PaymentResult.of(self._call("POST", f"/v1/accounts/{account_id}/plan-orders", body))

    def complete_plan_threeds(self, account_id: str, plan: str) -> PaymentResult:
        path = f"/v1/accounts/{account_id}/plan-orders/{plan}/complete"
        return PaymentResult.of(self._call("POST", path))

    def _overview(self, account_id: str, year: int, month: int, mode: Any = None) -> Any:
        path = f"/v1/accounts/{account_id}/overview"
        return self._call("GET", path, month=month_text(year, month), mode=mode)

    def total_spend(self, account_id: str, year: int, month: int, mode: Any = None) -> SpendResult:
        return SpendResult.of(self._overview(account_id, year, month, mode)["total_spend"])

    def total_amount_due(self, account_id: str) -> Fraction:
        """Total Amount Due as the Billing Overview shows it (OV-2)."""
        now = self._clock.now()
        return parse_money(self._overview(account_id, now.year, now.month)["total_amount_due"])

    def spending_trend(
        self,
        account_id: str,
        first: Any,
        last: Any,
        product: str | None = None,
        mode: Any = None,
    ) -> list[TrendResult]:
        body = self._call(
            "GET",
            f"/v1/accounts/{account_id}/spending-trend",
            **{"from": month_text(*first), "to": month_text(*last)},
            product=product,
            mode=mode,
        )
        points = []
        for point in body["points"]:
            year, month = point["month"].split("-")
            spend = SpendResult.of(point)
            points.append(TrendResult(spend.pretax, spend.tax, int(year), int(month)))
        return points

    def _month_spend(
        self, account_id: str, month: tuple[int, int]
    ) -> dict[tuple[str, Any], SpendResult]:
        spend = self._overview(account_id, *month)["spend"]
        return {(s["product"], s["mode"]): SpendResult.of(s) for s in spend}

    def account(self, account_id: str) -> AccountResult:
        body = self._call("GET", f"/v1/accounts/{account_id}")
        return AccountResult.of(body, lambda month: self._month_spend(account_id, month))

    def account_ids(self) -> list[str]:
        return list(self._call("GET", "/v1/accounts")["accounts"])

    def unknown_payments(self) -> list[UnknownChargeResult]:
        payments = self._call("GET", "/v1/unknown-payments")["payments"]
        return [UnknownChargeResult(p["key"], p["account"], int(p["method_id"])) for p in payments]

    def ledger(self) -> TotalsResult:
        body = self._call("GET", "/v1/ledger")
        charged = {kind: parse_money(value) for kind, value in body["charged"].items()}
        return TotalsResult(
            parse_money(body["fees"]),
            parse_money(body["paid"]),
            parse_money(body["outstanding"]),
            charged,
        )

    def fees_by_day(self) -> dict[date, Fraction]:
        days = self._call("GET", "/v1/fees-by-day")["days"]
        return {date.fromisoformat(day): parse_money(value) for day, value in days.items()}


def _plain(value: Any) -> Any:
    """A value for the wire: money as a decimal string, never a float."""
    if isinstance(value, Cents | Fraction | Decimal):
        return amount_text(value)
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return value
