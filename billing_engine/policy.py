"""Every number and interpretation of RULES.md in one typed object; nothing else in the code
hard-codes a billing number. A scenario or a test overrides fields with `Policy.with_overrides`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction

from billing_engine.money import Cents, parse_amount, round_cents

EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


@dataclass(frozen=True)
class Policy:
    currency: str = "USD"
    #: AUTO-2: a bank card default triggers a deduction when fees reach this (inclusive)
    card_threshold: Fraction = Fraction(1000)
    #: AUTO-3: PayPal threshold range (inclusive) and the default when none is given
    paypal_threshold_min: Fraction = Fraction(8)
    paypal_threshold_max: Fraction = Fraction(500)
    paypal_threshold_default: Fraction = Fraction(100)
    #: CARD-2, CARD-5, AUTO-5, PAYPAL-1: the verification pre-authorization
    preauth_amount: Fraction = Fraction(1)
    preauth_descriptor: str = "ALIBABACLOUD.COM"
    #: CARD-5: the issuer releases the hold within this many business days
    preauth_release_business_days: tuple[int, int] = (1, 5)
    #: PAY-5: a payment's status updates this long after it is confirmed
    settlement_delay: timedelta = timedelta(minutes=30)
    #: AUTO-7: outstanding this long after a failed deduction makes the account overdue
    overdue_grace: timedelta = timedelta(days=15)
    #: LINK-2: a deactivated account keeps its methods this long
    cooldown: timedelta = timedelta(days=30)
    #: 3DS-2: an unanswered challenge counts as abandoned after this long
    threeds_timeout: timedelta = timedelta(minutes=10)
    #: CARD-3: countries where linking a card always requires 3D Secure
    threeds_required_countries: frozenset[str] = field(
        default_factory=lambda: EU_MEMBER_STATES | {"MY"}
    )
    #: CARD-4
    supported_brands: frozenset[str] = frozenset(
        {"visa", "mastercard", "amex", "discover", "jcb", "unionpay"}
    )
    #: PLAN-1: monthly Coding Plan prices
    plan_prices: dict[str, Fraction] = field(
        default_factory=lambda: {"lite": Fraction(10), "pro": Fraction(50)}
    )

    def with_overrides(self, **overrides: object) -> Policy:
        """A copy with fields replaced; `*_days` / `*_minutes` shorthands set timedelta fields,
        amounts are read exactly. Unknown names raise ValueError naming them."""
        known = {f.name for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        for name, value in overrides.items():
            target, unit = name, None
            for suffix in ("_days", "_hours", "_minutes"):
                stem = name.removesuffix(suffix)
                if stem != name and isinstance(getattr(self, stem, None), timedelta):
                    target, unit = stem, suffix[1:]
            if target not in known:
                raise ValueError(f"policy: unknown setting {name!r}; known: {sorted(known)}")
            current = getattr(self, target)
            if unit is not None:
                changes[target] = timedelta(**{unit: int(value)})  # type: ignore[call-overload]
            elif isinstance(current, Fraction):
                changes[target] = parse_amount(value, field=f"policy.{name}")
            elif isinstance(current, frozenset):
                changes[target] = frozenset(value)  # type: ignore[call-overload]
            elif isinstance(current, dict):
                changes[target] = {
                    k: parse_amount(v, field=f"policy.{name}.{k}")
                    for k, v in value.items()  # type: ignore[attr-defined]
                }
            else:
                changes[target] = value
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def preauth(self) -> Cents:
        """The verification hold as sent to the gateways: whole cents."""
        return round_cents(self.preauth_amount)

    def threeds_required(self, country: str) -> bool:
        return country.upper() in self.threeds_required_countries


DEFAULT_POLICY = Policy()
