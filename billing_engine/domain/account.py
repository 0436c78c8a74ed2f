"""The customer account: country, tax rate, prepaid balance, status (active, overdue, suspended,
deactivated with cool-down end), its payment methods, products, payments and ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Literal

from billing_engine.domain.deduction import Deduction
from billing_engine.domain.ledger import AccountLedger
from billing_engine.domain.months import YearMonth
from billing_engine.domain.payment_methods import PaymentMethod
from billing_engine.domain.plan import PlanOrder, Subscription
from billing_engine.domain.preauth import PreAuthorization
from billing_engine.domain.repayment import Repayment, RepaymentChallenge
from billing_engine.errors import UnknownPaymentMethod
from billing_engine.money import Cents
from billing_engine.policy import Policy

AccountStatus = Literal["active", "overdue", "suspended", "deactivated"]
#: how the engine spells the ids and idempotency keys it chooses: "plain" ("acme-ded-3") or
#: "renamed" ("DED000003.acme"), which shows that no gateway draw depends on the spelling
KeyStyle = Literal["plain", "renamed"]
KEY_STYLES: tuple[KeyStyle, ...] = ("plain", "renamed")


@dataclass
class Account:
    id: str
    country: str
    tax_rate: Fraction
    balance: Cents
    opened_at: datetime
    status: AccountStatus = "active"
    deactivated_at: datetime | None = None
    cooldown_until: datetime | None = None
    cooldown_over: bool = False
    #: AUTO-5: set once a PAYG product was activated; later activations need no check
    payg_activated: bool = False
    methods: list[PaymentMethod] = field(default_factory=list)
    default_method_id: int | None = None
    #: activated PAYG products, in activation order
    products: list[str] = field(default_factory=list)
    ledger: AccountLedger = field(default_factory=AccountLedger)
    deductions: list[Deduction] = field(default_factory=list)
    repayments: list[Repayment] = field(default_factory=list)
    #: a card repayment waiting at its 3D Secure challenge (PAY-5: it counts as pending)
    repayment_challenge: RepaymentChallenge | None = None
    preauths: list[PreAuthorization] = field(default_factory=list)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    #: the latest order of each Coding Plan
    plan_orders: dict[str, PlanOrder] = field(default_factory=dict)
    #: AUTO-4: the month-end deduction made for each closed month (None: nothing to deduct)
    month_end_deductions: dict[YearMonth, str | None] = field(default_factory=dict)
    #: work that waits for the deduction in flight to settle
    month_end_waiting: YearMonth | None = None
    #: AUTO-7: when the oldest failed deduction whose fees are still unpaid failed
    unpaid_since: datetime | None = None
    #: an overdue check (for a failure at this time) waiting for a payment in flight
    overdue_check_waiting: datetime | None = None
    key_style: KeyStyle = "plain"
    _counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, kind: str) -> str:
        """Deterministic ids and idempotency keys, e.g. "acme-ded-3" (H-2), spelled as
        `key_style` says."""
        count = self._counters[kind] = self._counters.get(kind, 0) + 1
        if self.key_style == "renamed":
            return f"{kind.upper()}{count:06d}.{self.id}"
        return f"{self.id}-{kind}-{count}"

    def method(self, method_id: int) -> PaymentMethod:
        if isinstance(method_id, bool) or not isinstance(method_id, int):
            raise UnknownPaymentMethod(f"account {self.id}: method id must be an integer")
        if not 0 <= method_id < len(self.methods):
            raise UnknownPaymentMethod(f"account {self.id} has no payment method {method_id}")
        return self.methods[method_id]

    def active_method(self, method_id: int) -> PaymentMethod:
        method = self.method(method_id)
        if method.status != "active":
            raise UnknownPaymentMethod(
                f"account {self.id}: payment method {method_id} is {method.status}, not active"
            )
        return method

    @property
    def default_method(self) -> PaymentMethod | None:
        return None if self.default_method_id is None else self.methods[self.default_method_id]

    def threshold(self, policy: Policy) -> Fraction | None:
        """The PAYG threshold of the default method (AUTO-2/3); None without one."""
        method = self.default_method
        return None if method is None else method.threshold(policy)

    @property
    def deduction_in_flight(self) -> Deduction | None:
        last = self.deductions[-1] if self.deductions else None
        return last if last is not None and last.status == "pending" else None

    @property
    def repayment_pending(self) -> Repayment | None:
        last = self.repayments[-1] if self.repayments else None
        return last if last is not None and last.status == "pending" else None

    @property
    def is_metering(self) -> bool:
        return self.status in ("active", "overdue")

    @property
    def is_deactivated(self) -> bool:
        return self.status == "deactivated"

    def in_cooldown(self, now: datetime) -> bool:
        return self.cooldown_until is not None and now < self.cooldown_until
