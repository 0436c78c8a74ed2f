"""The remote engine's answers as the harness reads them: frozen dataclasses that satisfy the
Engine port's shapes (simulator.engine_port), built from the protocol's JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from simulator.driver.wire import parse_money, parse_month


@dataclass(frozen=True)
class LinkResult:
    status: Literal["linked", "rejected", "challenge", "approval"]
    method_id: int
    kind: Literal["card", "paypal"]
    reason: str | None = None
    acs_url: str | None = None
    approve_url: str | None = None

    @classmethod
    def of(cls, body: dict[str, Any]) -> LinkResult:
        """One `redirect_url` on the wire: the challenge page or the approval page."""
        redirect = body.get("redirect_url")
        return cls(
            status=body["status"],
            method_id=int(body["method_id"]),
            kind=body["kind"],
            reason=body.get("reason"),
            acs_url=redirect if body["status"] == "challenge" else None,
            approve_url=redirect if body["status"] == "approval" else None,
        )


@dataclass(frozen=True)
class ActivationResult:
    product: str
    status: str
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "activated"


@dataclass(frozen=True)
class PaymentResult:
    """A repayment or a Coding Plan order."""

    status: str
    amount: Fraction
    reason: str | None = None
    acs_url: str | None = None

    @classmethod
    def of(cls, body: dict[str, Any]) -> PaymentResult:
        return cls(
            status=body["status"],
            amount=parse_money(body["amount"]),
            reason=body.get("reason"),
            acs_url=body.get("redirect_url"),
        )


@dataclass(frozen=True)
class SpendResult:
    pretax: Fraction
    tax: Fraction
    #: the total as the engine showed it (OV-1: the exact sum rounded once), when it did
    shown_total: Fraction | None = field(default=None, kw_only=True)

    @property
    def total(self) -> Fraction:
        return self.pretax + self.tax if self.shown_total is None else self.shown_total

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> SpendResult:
        total = body.get("total")
        return cls(
            parse_money(body["pretax"]),
            parse_money(body["tax"]),
            shown_total=None if total is None else parse_money(total),
        )


@dataclass(frozen=True)
class TrendResult(SpendResult):
    year: int = 0
    month: int = 0


@dataclass(frozen=True)
class MethodResult:
    id: int
    kind: Literal["card", "paypal"]
    status: str
    token: str | None = None

    @property
    def payment_token_id(self) -> str | None:
        """The reference engine's name for a PayPal method's vaulted token, which the step
        definitions read; the protocol calls both kinds' tokens `token`."""
        return self.token if self.kind == "paypal" else None


@dataclass(frozen=True)
class HoldResult:
    method_id: int
    authorization_id: str


@dataclass(frozen=True)
class DeductionResult:
    trigger: str
    month: tuple[int, int] | None


@dataclass(frozen=True)
class LedgerResult:
    fees: Fraction
    paid: Fraction
    outstanding: Fraction
    amount_due: Fraction
    toward_threshold: Fraction
    in_flight: Fraction
    #: asks the engine for a month's spend by (product, mode), when the summary wants it
    month_spend: Callable[[tuple[int, int]], Mapping[tuple[str, Any], SpendResult]] = field(
        repr=False, compare=False, default=lambda _month: {}
    )

    def spend_in(self, month: tuple[int, int]) -> Mapping[tuple[str, Any], SpendResult]:
        return self.month_spend(month)


@dataclass(frozen=True)
class AccountResult:
    country: str
    status: str
    products: tuple[str, ...]
    default_method_id: int | None
    methods: tuple[MethodResult, ...]
    preauths: tuple[HoldResult, ...]
    deductions: tuple[DeductionResult, ...]
    ledger: LedgerResult
    threshold_amount: Fraction | None

    def threshold(self, policy: Any) -> Fraction | None:
        """As the engine reports it (the remote engine applies its own policy)."""
        return self.threshold_amount

    @classmethod
    def of(
        cls,
        body: dict[str, Any],
        month_spend: Callable[[tuple[int, int]], Mapping[tuple[str, Any], SpendResult]],
    ) -> AccountResult:
        money = {name: parse_money(value) for name, value in body["ledger"].items()}
        threshold = body.get("threshold")
        return cls(
            country=body["country"],
            status=body["status"],
            products=tuple(body["products"]),
            default_method_id=body.get("default_method_id"),
            methods=tuple(
                MethodResult(m["id"], m["kind"], m["status"], m.get("token"))
                for m in body["methods"]
            ),
            preauths=tuple(
                HoldResult(h["method_id"], h["authorization_id"]) for h in body.get("holds", ())
            ),
            deductions=tuple(
                DeductionResult(d["trigger"], parse_month(d["month"]) if d.get("month") else None)
                for d in body.get("deductions", ())
            ),
            ledger=LedgerResult(**money, month_spend=month_spend),
            threshold_amount=None if threshold is None else parse_money(threshold),
        )


@dataclass(frozen=True)
class UnknownChargeResult:
    key: str
    account: str
    method_id: int


@dataclass(frozen=True)
class TotalsResult:
    fees: Fraction
    paid: Fraction
    outstanding: Fraction
    charged: Mapping[str, Fraction]
