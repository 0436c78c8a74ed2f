"""The scenario file schema (DESIGN.md "Scenario files") as pydantic models: accounts, payment
methods, usage, actions, population, faults and the Scenario that holds them.

Conventions a scenario author can rely on:
- Amounts are `Decimal`, never float: YAML numbers arrive as their source text (`0.1` stays
  Decimal("0.1")); decimal strings work too.
- Times are tz-aware UTC. A YAML timestamp or string with `Z` or an offset is converted to UTC; a
  bare date means 00:00 UTC that day; a time without a zone is refused (a naive time is ambiguous).
- Payment-method INDEX (in `unlink`, `set_default`, `repay`, `buy_plan`) counts link attempts from 0
  in the order `AccountSpec.link_attempts()` gives: `payment_methods` in list order, then `link`
  actions in list order; that order must also be time order, so it is the engine's method id.
- Billing rules stay in the engine: a PayPal threshold must be an amount here, its range is
  checked by the engine (InvalidThreshold); a repayment amount may be anything the engine refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from billing_engine.policy import Policy
from billing_engine.ports import CardDetails
from mock_gateways.operations import OPERATIONS
from simulator.calendar import add_months, hours_in_month
from simulator.card_text import SEPARATORS, card_like_runs, digits_of, masked
from simulator.scenario.checks import (
    policy_problem,
    policy_relations,
    policy_units_problems,
    policy_value,
    scenario_problems,
)
from simulator.scenario.errors import FieldProblems, shown
from simulator.scenario.limits import (
    MAX_DAYS,
    MAX_LATENCY_MS,
    MAX_MEDIAN_SPEND,
    MAX_MONTHS,
    MAX_NAME_CHARS,
    MAX_POPULATION,
    MAX_SPEND_SIGMA,
    MAX_TEXT_CHARS,
)
from simulator.scenario.types import (
    Amount,
    AmountOrAll,
    Boolean,
    CountryCode,
    FreeText,
    Identifier,
    MethodChoice,
    MethodIndex,
    Model,
    Name,
    NonNegativeAmount,
    PositiveAmount,
    Seed,
    Share,
    ThreeDSBehaviour,
    UtcTime,
    exactly_one,
    format_time,
    whole_number,
)

# --- payment methods ------------------------------------------------------------------------


class CardEntry(Model):
    """A card as the customer types it. Number and CVV never appear in a repr (H-4)."""

    number: str = Field(repr=False)
    exp: str  # MM/YY; valid through the end of that month (CARD-4)
    cvv: str = Field(repr=False)
    name: Name

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: object) -> str:
        # Luhn and brand are CARD-4 checks for the gateway and engine: a scenario may show them
        typed = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
        # the digits and what people put between their groups, repeated or mixed; ASCII digits
        # only, as the gateways take them (int() would read "４２４２" too)
        if not re.fullmatch(rf"[0-9](?:[{re.escape(SEPARATORS)}]*[0-9]){{11,18}}", typed.strip()):
            raise ValueError(
                "expected a card number of 12 to 19 digits 0-9 (spaces, dashes, dots, slashes "
                "or underscores between them allowed)"
            )
        return digits_of(typed.strip())

    @field_validator("exp", mode="before")
    @classmethod
    def _exp(cls, value: object) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"(0[1-9]|1[0-2])/\d{2}", value.strip()):
            raise ValueError(f'expected the expiry as MM/YY in quotes, e.g. "12/30", got {value!r}')
        return value.strip()

    @field_validator("cvv", mode="before")
    @classmethod
    def _cvv(cls, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError('expected the CVV in quotes, e.g. "123" (a YAML number drops zeros)')
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{3,4}", value):
            raise ValueError("expected a CVV of 3 or 4 digits 0-9 in quotes")
        return value

    @property
    def exp_month(self) -> int:
        return int(self.exp[:2])

    @property
    def exp_year(self) -> int:
        return 2000 + int(self.exp[3:])

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def details(self) -> CardDetails:
        """The engine's CardDetails for this card."""
        return CardDetails(
            number=self.number,
            exp_month=self.exp_month,
            exp_year=self.exp_year,
            cvv=self.cvv,
            name=self.name,
        )


class PayPalEntry(Model):
    """A PayPal account and what its owner does on the approval page."""

    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254), FreeText]
    #: AUTO-3: None means the policy default; the range is the engine's to check
    threshold: Amount | None = None
    #: PAYPAL-2: False = the PayPal account has no bank card or other funding source
    funding_source: Boolean = True
    #: PAYPAL-3: False = the customer leaves the payment agreement unapproved
    approve: Boolean = True


class PaymentMethodEntry(Model):
    """One entry of `payment_methods` (or the body of a `link` action): exactly one of card:
    or paypal:, what the customer does at a 3DS challenge, and optionally when it is linked."""

    card: CardEntry | None = None
    paypal: PayPalEntry | None = None
    #: 3DS-2: what the customer does if the card link is challenged
    threeds: ThreeDSBehaviour = "pass"
    #: when the link is attempted; None = the scenario start (not allowed inside a `link` action)
    at: UtcTime | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> PaymentMethodEntry:
        kind = exactly_one(self, ("card", "paypal"))
        if kind == "paypal" and self.threeds != "pass":
            raise ValueError("threeds: applies to card: entries only")
        return self

    @property
    def kind(self) -> Literal["card", "paypal"]:
        return "card" if self.card is not None else "paypal"


# --- usage ----------------------------------------------------------------------------------


class UsageEntry(Model):
    """Metered PAYG usage of one product at a pretax rate given per hour, day or month. The
    product is activated at `from` (default: the scenario start), when AUTO-5 applies."""

    product: Name
    hourly: NonNegativeAmount | None = None
    daily: NonNegativeAmount | None = None  # spread evenly over 24 hours
    monthly: NonNegativeAmount | None = None  # spread evenly over the month's hours
    from_: UtcTime | None = Field(default=None, alias="from")
    until: UtcTime | None = None

    @model_validator(mode="after")
    def _one_rate(self) -> UsageEntry:
        exactly_one(self, ("hourly", "daily", "monthly"))
        return self

    @property
    def rate_kind(self) -> Literal["hourly", "daily", "monthly"]:
        return (
            "hourly"
            if self.hourly is not None
            else "daily"
            if self.daily is not None
            else "monthly"
        )

    @property
    def amount(self) -> Decimal:
        value = getattr(self, self.rate_kind)
        assert value is not None  # _one_rate guarantees it
        return value

    def pretax_per_hour(self, hour_start: datetime) -> Fraction:
        """The exact pretax fee of the hour beginning at `hour_start` (a monthly amount is
        divided by the hours of the month that hour falls in)."""
        amount = Fraction(self.amount)
        if self.rate_kind == "hourly":
            return amount
        if self.rate_kind == "daily":
            return amount / 24
        return amount / hours_in_month(hour_start)


# --- actions --------------------------------------------------------------------------------


class MethodRef(Model):
    method: MethodIndex


class RepayAction(Model):
    amount: AmountOrAll
    method: MethodChoice = "default"
    #: 3DS-1: what the customer does if the card's bank challenges the repayment
    threeds: ThreeDSBehaviour = "pass"


class ActivateAction(Model):
    product: Name


class BuyPlanAction(Model):
    plan: Name  # a key of Policy.plan_prices
    method: MethodIndex
    #: 3DS-1: what the customer does if the bank challenges the order
    threeds: ThreeDSBehaviour = "pass"


class DeactivateAction(Model):
    pass


ActionKind = Literal["link", "unlink", "set_default", "repay", "activate", "buy_plan", "deactivate"]
ACTION_KINDS: tuple[ActionKind, ...] = (
    "link",
    "unlink",
    "set_default",
    "repay",
    "activate",
    "buy_plan",
    "deactivate",
)


#: what an action carries, by its kind (link, activate, unlink or set_default, ...)
ActionPayload = (
    PaymentMethodEntry | ActivateAction | MethodRef | RepayAction | BuyPlanAction | DeactivateAction
)


class Action(Model):
    """A scripted customer action: `{at: TIME, KIND: {...}}` with exactly one KIND."""

    at: UtcTime
    link: PaymentMethodEntry | None = None
    unlink: MethodRef | None = None
    set_default: MethodRef | None = None
    repay: RepayAction | None = None
    activate: ActivateAction | None = None
    buy_plan: BuyPlanAction | None = None
    deactivate: DeactivateAction | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Action:
        exactly_one(self, ACTION_KINDS)
        return self

    @property
    def kind(self) -> ActionKind:
        return next(k for k in ACTION_KINDS if getattr(self, k) is not None)

    @property
    def payload(self) -> ActionPayload:
        """The body of the action's KIND (e.g. the RepayAction of a `repay:` action)."""
        body: ActionPayload = getattr(self, self.kind)
        return body

    @property
    def method(self) -> int | Literal["default"] | None:
        """The payment-method INDEX the action refers to, if any."""
        return getattr(self.payload, "method", None)


# --- accounts -------------------------------------------------------------------------------


class AccountSpec(Model):
    id: Identifier
    #: ISO 3166 alpha-2: decides the 3DS rule (CARD-3) and holidays
    country: CountryCode
    #: None: the engine's default; a share (0.19 is 19%)
    tax_rate: Share | None = None
    #: prepaid account balance (PAY-3)
    balance: NonNegativeAmount = Decimal(0)
    payment_methods: list[PaymentMethodEntry] = Field(default_factory=list)
    usage: list[UsageEntry] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)

    @field_validator("balance")
    @classmethod
    def _whole_cents(cls, value: Decimal) -> Decimal:
        # the balance pays deductions and repayments as it is (PAY-3): whole cents
        if value != value.quantize(Decimal("0.01")):
            raise ValueError(f"expected whole cents (it pays charges as it is), got {value}")
        return value

    def link_attempts(self, start: datetime) -> list[tuple[datetime, PaymentMethodEntry]]:
        """Every link attempt in method-id order (= INDEX): `payment_methods` (at their `at`, or
        `start`), then `link` actions. The scenario check guarantees this is time order; at one
        instant, attempt them in this order and before other actions."""
        attempts = [(entry.at or start, entry) for entry in self.payment_methods]
        attempts += [(a.at, a.link) for a in self.actions if a.link is not None]
        return attempts


# --- population -----------------------------------------------------------------------------


class PaymentMix(Model):
    """Shares of generated accounts by payment method; they must add up to 1."""

    card: Share = Decimal("0.80")
    paypal: Share = Decimal("0.15")
    none: Share = Decimal("0.05")

    @model_validator(mode="after")
    def _sums_to_one(self) -> PaymentMix:
        total = self.card + self.paypal + self.none
        if total != 1:
            raise ValueError(f"card + paypal + none must add up to 1, got {total}")
        return self


class SpendSpec(Model):
    """Lognormal monthly pretax spend per account: `median` (the lognormal's exp(mu)) and
    `sigma` (the spread of its log)."""

    median: PositiveAmount = Decimal("300.00")
    sigma: NonNegativeAmount = Decimal("1.0")

    # the largest of a million draws is about exp(5 sigma) times the median: keep it an amount
    @field_validator("median")
    @classmethod
    def _median(cls, value: Decimal) -> Decimal:
        if value > MAX_MEDIAN_SPEND:
            raise ValueError(f"expected at most {MAX_MEDIAN_SPEND:,}, got {value}")
        return value

    @field_validator("sigma")
    @classmethod
    def _sigma(cls, value: Decimal) -> Decimal:
        if value > MAX_SPEND_SIGMA:
            raise ValueError(f"expected at most {MAX_SPEND_SIGMA}, got {value}")
        return value


DEFAULT_OTHER_COUNTRIES = ("US", "GB", "JP", "SG", "AU", "CA")


class Population(Model):
    """Generated accounts for scale runs (simulator.population). Each account links its one
    payment method at the start and uses one product at its monthly spend for the whole run."""

    count: whole_number(1, MAX_POPULATION)  # type: ignore[valid-type]
    id_prefix: Identifier = "pop-"
    mix: PaymentMix = Field(default_factory=PaymentMix)
    #: share of accounts in a country where linking needs 3DS (CARD-3: EU and Malaysia)
    threeds_region_share: Share = Decimal("0.10")
    #: where those accounts live; None: the policy's threeds_required_countries
    threeds_countries: list[CountryCode] | None = None
    #: where the others live
    other_countries: list[CountryCode] = Field(
        default_factory=lambda: list(DEFAULT_OTHER_COUNTRIES), min_length=1
    )
    monthly_spend: SpendSpec = Field(default_factory=SpendSpec)
    #: share of card accounts whose card links but fails later charges (4000000000000341)
    failing_card_share: Share = Decimal("0.02")
    products: list[Name] = Field(default_factory=lambda: ["qwen-max"], min_length=1)
    #: AUTO-3 threshold given when PayPal is linked; None: the policy default
    paypal_threshold: Amount | None = None
    tax_rate: Share | None = None
    #: faker locale for names
    locale: str = "en_US"

    @field_validator("id_prefix")
    @classmethod
    def _no_card_in_ids(cls, value: str) -> str:
        # a generated id is the prefix and up to 6 digits of its number: with 7 digits or more
        # ending the prefix, some ids would be card numbers, and alike once masked
        ending = re.search(rf"[0-9][0-9{re.escape(SEPARATORS)}]*$", value)
        if ending is not None and len(digits_of(ending.group(0))) >= 7:
            raise ValueError(
                "expected a prefix ending in at most 6 digits: with the account's number "
                "after them, an id could read as a card number"
            )
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        from faker.config import AVAILABLE_LOCALES  # faker is slow to import: only when used

        if value not in AVAILABLE_LOCALES:
            raise ValueError(f"expected a faker locale such as en_US or de_DE, got {shown(value)}")
        return value


# --- faults and the scenario ----------------------------------------------------------------


class Fault(Model):
    """A gateway fault during a window of simulated time, hitting calls at `rate` (seeded)."""

    gateway: Literal["card", "threeds", "paypal"]
    #: e.g. "charge", "authorize"; None: every endpoint of the gateway
    endpoint: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    kind: Literal["latency", "decline", "server_error", "timeout", "reset"]
    rate: Share = Decimal(1)
    from_: UtcTime = Field(alias="from")
    until: UtcTime
    #: for kind latency: added delay
    latency_ms: whole_number(1, MAX_LATENCY_MS) | None = None  # type: ignore[valid-type]
    #: for kind decline: the reason code the issuer gives (default: declined)
    decline_code: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=MAX_NAME_CHARS
    )

    @model_validator(mode="after")
    def _shape(self) -> Fault:
        if self.until <= self.from_:
            raise ValueError("until: must be after from:")
        if (self.kind == "latency") != (self.latency_ms is not None):
            raise ValueError("latency_ms: is required for kind latency and only for it")
        if self.decline_code is not None and self.kind != "decline":
            raise ValueError("decline_code: applies to kind decline only")
        if self.decline_code is not None and any(card_like_runs(self.decline_code)):
            # masking it would make it no code the gateways take
            raise ValueError("decline_code: holds a card number (H-4); name the code in words")
        known = OPERATIONS[self.gateway]
        if self.endpoint is not None and self.endpoint not in known:
            raise ValueError(
                f"endpoint: {self.endpoint[:64]!r} is not a {self.gateway} operation; "
                f"leave it out for every one, or use one of: {', '.join(known)}"
            )
        return self

    def to_rule(self) -> dict[str, Any]:
        """The rule as the mock gateways' fault API takes it (`/__admin/faults`, FaultRule)."""
        rule: dict[str, Any] = {
            "kind": self.kind,
            "endpoint": self.endpoint or "*",
            "rate": str(self.rate),
            "from": format_time(self.from_),
            "until": format_time(self.until),
        }
        if self.latency_ms is not None:
            rule["latency_ms"] = self.latency_ms
        if self.decline_code is not None:
            rule["decline_code"] = self.decline_code
        return rule


class Duration(Model):
    """How long the run lasts: `{months: N}` or `{days: N}`."""

    months: whole_number(1, MAX_MONTHS) | None = None  # type: ignore[valid-type]
    days: whole_number(1, MAX_DAYS) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_unit(self) -> Duration:
        exactly_one(self, ("months", "days"))
        return self

    def end_from(self, start: datetime) -> datetime:
        if self.months is not None:
            return add_months(start, self.months)
        assert self.days is not None
        return start + timedelta(days=self.days)


class Scenario(Model):
    name: Identifier
    #: one line, shown by `billing-sim scenarios`
    description: str = Field(default="", max_length=MAX_TEXT_CHARS)
    seed: Seed = 0
    start: UtcTime
    duration: Duration
    #: overrides of Policy fields (RULES.md interpretations); `*_days|_hours|_minutes` set durations
    policy: dict[str, Any] = Field(default_factory=dict)
    accounts: list[AccountSpec] = Field(default_factory=list)
    population: Population | None = None
    faults: list[Fault] = Field(default_factory=list)

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("expected one line (use YAML comments for more)")
        # it is printed on terminals: no escape sequences
        if not value.strip().isprintable():
            raise ValueError("expected printable text (no control characters)")
        return masked(value.strip())  # free text (H-4), as Name and Identifier are

    @field_validator("policy")
    @classmethod
    def _policy_overrides(cls, overrides: dict[str, Any]) -> dict[str, Any]:
        problems = [(name, policy_problem(name, value)) for name, value in overrides.items()]
        found = [(name, problem) for name, problem in problems if problem]
        found += policy_units_problems(overrides)
        if found:
            raise FieldProblems(found)
        values = {name: policy_value(name, value) for name, value in overrides.items()}
        related = list(policy_relations(Policy().with_overrides(**values), values))
        if related:
            raise FieldProblems(related)
        return values

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        problems = list(scenario_problems(self))
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def end(self) -> datetime:
        return self.duration.end_from(self.start)

    def make_policy(self, base: Policy | None = None) -> Policy:
        """The policy of this run: `base` (default Policy()) with the scenario's overrides."""
        return (base or Policy()).with_overrides(**self.policy)


def free_text_of(scenario: Scenario, accounts: Iterable[AccountSpec]) -> Iterator[tuple[str, str]]:
    """(where, text) for the free text a run of `scenario` shows, over `accounts` (generated
    ones too, made without validation): no_card_data looks for card-like runs of digits there
    and nowhere else (H-4). Lazy: a population has a million accounts."""
    yield "name", scenario.name
    yield "description", scenario.description
    for plan in scenario.make_policy().plan_prices:
        yield "policy.plan_prices", plan
    for i, account in enumerate(accounts):
        yield f"accounts[{i}].id", account.id
        for k, (_, entry) in enumerate(account.link_attempts(scenario.start)):
            if entry.card is not None:
                yield f"accounts[{i}] link {k}: card.name", entry.card.name
            if entry.paypal is not None:
                yield f"accounts[{i}] link {k}: paypal.email", entry.paypal.email
        for k, usage in enumerate(account.usage):
            yield f"accounts[{i}].usage[{k}].product", usage.product
        for k, action in enumerate(account.actions):
            if action.activate is not None:
                yield f"accounts[{i}].actions[{k}].activate.product", action.activate.product
            if action.buy_plan is not None:
                yield f"accounts[{i}].actions[{k}].buy_plan.plan", action.buy_plan.plan


def cvvs_typed(accounts: Iterable[AccountSpec], start: datetime) -> set[str]:
    """Every CVV these customers type in a run starting at `start` (for the H-4 output check)."""
    return {
        entry.card.cvv
        for spec in accounts
        for _, entry in spec.link_attempts(start)
        if entry.card is not None
    }
