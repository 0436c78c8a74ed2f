"""The scenario file schema (DESIGN.md "Scenario files") as pydantic models, and `load_scenario`,
which reads YAML without float rounding and reports every problem as file, field path, expectation.

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
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from billing_engine.policy import Policy
from billing_engine.ports import CardDetails
from mock_gateways.operations import OPERATIONS
from simulator.calendar import add_months, hours_in_month


class ScenarioError(Exception):
    """A scenario that cannot be used. `problems` holds one line per problem, each naming the
    file, the field path and what was expected; str() joins them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- scalar types ---------------------------------------------------------------------------


def _exact_decimal(value: object) -> Decimal:
    """A finite Decimal from a decimal string, int or Decimal; floats are refused because they
    have already lost the value written (the loader never produces them)."""
    if isinstance(value, bool | float):
        raise ValueError(f'expected a decimal amount such as "12.50", got {value!r}')
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, int):
        parsed = Decimal(value)
    elif isinstance(value, str):
        try:
            parsed = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValueError(f'expected a decimal amount such as "12.50", got {value!r}') from None
    else:
        raise ValueError(f"expected a decimal amount, got {type(value).__name__}")
    if not parsed.is_finite():
        raise ValueError(f"expected a finite amount, got {value!r}")
    return parsed


def _non_negative(value: object) -> Decimal:
    parsed = _exact_decimal(value)
    if parsed < 0:
        raise ValueError(f"expected an amount >= 0, got {parsed}")
    return parsed


def _share(value: object) -> Decimal:
    parsed = _exact_decimal(value)
    if not 0 <= parsed <= 1:
        raise ValueError(f"expected a share between 0 and 1 (e.g. 0.15), got {parsed}")
    return parsed


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _utc_time(value: object) -> datetime:
    """Aware datetimes are converted to UTC; a bare date is 00:00 UTC; naive times refused."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                date.fromisoformat(text) if _DATE_ONLY.match(text) else datetime.fromisoformat(text)
            )
        except ValueError:
            raise ValueError(
                f"expected an ISO 8601 UTC time such as 2026-01-01T00:00:00Z, got {text!r}"
            ) from None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"time {value.isoformat()} has no time zone: add Z for UTC "
                "(e.g. 2026-01-01T00:00:00Z)"
            )
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"expected a UTC time such as 2026-01-01T00:00:00Z, got {value!r}")


def _index(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a payment-method INDEX (0, 1, ...), got {value!r}")
    return value


def _index_or_default(value: object) -> int | Literal["default"]:
    if value == "default":
        return "default"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected `default` or a payment-method INDEX (0, 1, ...), got {value!r}")
    return value


def _amount_or_all(value: object) -> Decimal | Literal["all"]:
    # the sign is the engine's business (PAY-2): a scenario may show a refused repayment
    return "all" if value == "all" else _exact_decimal(value)


def _positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"expected a whole number > 0, got {value!r}")
    return value


Amount = Annotated[Decimal, PlainValidator(_exact_decimal)]
NonNegativeAmount = Annotated[Decimal, PlainValidator(_non_negative)]
Share = Annotated[Decimal, PlainValidator(_share)]
UtcTime = Annotated[datetime, PlainValidator(_utc_time)]
MethodIndex = Annotated[int, PlainValidator(_index)]
MethodChoice = Annotated[int | Literal["default"], PlainValidator(_index_or_default)]
PositiveInt = Annotated[int, PlainValidator(_positive_int)]


def _country(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValueError(f"expected an ISO 3166 alpha-2 country code such as US, got {value!r}")
    return value.upper()


CountryCode = Annotated[str, PlainValidator(_country)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _exactly_one(model: BaseModel, names: tuple[str, ...]) -> str:
    given = [name for name in names if getattr(model, name) is not None]
    if len(given) != 1:
        choices = ", ".join(f"{n}:" for n in names)
        found = ", ".join(f"{n}:" for n in given) or "none"
        raise ValueError(f"expected exactly one of {choices} (found {found})")
    return given[0]


# --- payment methods ------------------------------------------------------------------------


class CardEntry(_Model):
    """A card as the customer types it. Number and CVV never appear in a repr (H-4)."""

    number: str = Field(repr=False)
    exp: str  # MM/YY; valid through the end of that month (CARD-4)
    cvv: str = Field(repr=False)
    name: str = Field(min_length=1)

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: object) -> str:
        # Luhn and brand are CARD-4 checks for the gateway and engine: a scenario may show them
        digits = re.sub(r"[ -]", "", str(value)) if isinstance(value, int | str) else None
        if digits is None or not re.fullmatch(r"\d{12,19}", digits):
            raise ValueError("expected a card number of 12 to 19 digits (spaces allowed)")
        return digits

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
        if not isinstance(value, str) or not re.fullmatch(r"\d{3,4}", value):
            raise ValueError("expected a CVV of 3 or 4 digits in quotes")
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


class PayPalEntry(_Model):
    """A PayPal account and what its owner does on the approval page."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    #: AUTO-3: None means the policy default; the range is the engine's to check
    threshold: Amount | None = None
    #: PAYPAL-2: False = the PayPal account has no bank card or other funding source
    funding_source: bool = True
    #: PAYPAL-3: False = the customer leaves the payment agreement unapproved
    approve: bool = True


ThreeDSBehaviour = Literal["pass", "fail", "abandon"]


class PaymentMethodEntry(_Model):
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
        kind = _exactly_one(self, ("card", "paypal"))
        if kind == "paypal" and self.threeds != "pass":
            raise ValueError("threeds: applies to card: entries only")
        return self

    @property
    def kind(self) -> Literal["card", "paypal"]:
        return "card" if self.card is not None else "paypal"


# --- usage ----------------------------------------------------------------------------------


class UsageEntry(_Model):
    """Metered PAYG usage of one product at a pretax rate given per hour, day or month. The
    product is activated at `from` (default: the scenario start), when AUTO-5 applies."""

    product: str = Field(min_length=1)
    hourly: NonNegativeAmount | None = None
    daily: NonNegativeAmount | None = None  # spread evenly over 24 hours
    monthly: NonNegativeAmount | None = None  # spread evenly over the month's hours
    from_: UtcTime | None = Field(default=None, alias="from")
    until: UtcTime | None = None

    @model_validator(mode="after")
    def _one_rate(self) -> UsageEntry:
        _exactly_one(self, ("hourly", "daily", "monthly"))
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


class MethodRef(_Model):
    method: MethodIndex


class RepayAction(_Model):
    amount: Annotated[Decimal | Literal["all"], PlainValidator(_amount_or_all)]
    method: MethodChoice = "default"
    #: 3DS-1: what the customer does if the card's bank challenges the repayment
    threeds: ThreeDSBehaviour = "pass"


class ActivateAction(_Model):
    product: str = Field(min_length=1)


class BuyPlanAction(_Model):
    plan: str = Field(min_length=1)  # a key of Policy.plan_prices
    method: MethodIndex
    #: 3DS-1: what the customer does if the bank challenges the order
    threeds: ThreeDSBehaviour = "pass"


class DeactivateAction(_Model):
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


class Action(_Model):
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
        _exactly_one(self, ACTION_KINDS)
        return self

    @property
    def kind(self) -> ActionKind:
        return next(k for k in ACTION_KINDS if getattr(self, k) is not None)

    @property
    def payload(self) -> BaseModel:
        """The body of the action's KIND (e.g. the RepayAction of a `repay:` action)."""
        return getattr(self, self.kind)

    @property
    def method(self) -> int | Literal["default"] | None:
        """The payment-method INDEX the action refers to, if any."""
        return getattr(self.payload, "method", None)


# --- accounts -------------------------------------------------------------------------------


class AccountSpec(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    #: ISO 3166 alpha-2: decides the 3DS rule (CARD-3) and holidays
    country: CountryCode
    #: None: the engine's default
    tax_rate: NonNegativeAmount | None = None
    #: prepaid account balance (PAY-3)
    balance: NonNegativeAmount = Decimal(0)
    payment_methods: list[PaymentMethodEntry] = Field(default_factory=list)
    usage: list[UsageEntry] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)

    def link_attempts(self, start: datetime) -> list[tuple[datetime, PaymentMethodEntry]]:
        """Every link attempt in method-id order (= INDEX): `payment_methods` (at their `at`, or
        `start`), then `link` actions. The scenario check guarantees this is time order; at one
        instant, attempt them in this order and before other actions."""
        attempts = [(entry.at or start, entry) for entry in self.payment_methods]
        attempts += [(a.at, a.link) for a in self.actions if a.link is not None]
        return attempts


# --- population -----------------------------------------------------------------------------


class PaymentMix(_Model):
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


class SpendSpec(_Model):
    """Lognormal monthly pretax spend per account: `median` (the lognormal's exp(mu)) and
    `sigma` (the spread of its log)."""

    median: NonNegativeAmount = Decimal("300.00")
    sigma: NonNegativeAmount = Decimal("1.0")


DEFAULT_OTHER_COUNTRIES = ("US", "GB", "JP", "SG", "AU", "CA")


class Population(_Model):
    """Generated accounts for scale runs (simulator.population). Each account links its one
    payment method at the start and uses one product at its monthly spend for the whole run."""

    count: PositiveInt
    id_prefix: str = Field(default="pop-", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
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
    products: list[str] = Field(default_factory=lambda: ["qwen-max"], min_length=1)
    #: AUTO-3 threshold given when PayPal is linked; None: the policy default
    paypal_threshold: Amount | None = None
    tax_rate: NonNegativeAmount | None = None
    #: faker locale for names
    locale: str = "en_US"


# --- faults and the scenario ----------------------------------------------------------------


class Fault(_Model):
    """A gateway fault during a window of simulated time, hitting calls at `rate` (seeded)."""

    gateway: Literal["card", "threeds", "paypal"]
    #: e.g. "charge", "authorize"; None: every endpoint of the gateway
    endpoint: str | None = None
    kind: Literal["latency", "decline", "server_error", "timeout", "reset"]
    rate: Share = Decimal(1)
    from_: UtcTime = Field(alias="from")
    until: UtcTime
    #: for kind latency: added delay
    latency_ms: PositiveInt | None = None
    #: for kind decline: the reason code the issuer gives (default: declined)
    decline_code: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")

    @model_validator(mode="after")
    def _shape(self) -> Fault:
        if self.until <= self.from_:
            raise ValueError("until: must be after from:")
        if (self.kind == "latency") != (self.latency_ms is not None):
            raise ValueError("latency_ms: is required for kind latency and only for it")
        if self.decline_code is not None and self.kind != "decline":
            raise ValueError("decline_code: applies to kind decline only")
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
            "start": _fmt(self.from_),
            "end": _fmt(self.until),
        }
        if self.latency_ms is not None:
            rule["latency_ms"] = self.latency_ms
        if self.decline_code is not None:
            rule["decline_code"] = self.decline_code
        return rule


class Duration(_Model):
    """How long the run lasts: `{months: N}` or `{days: N}`."""

    months: PositiveInt | None = None
    days: PositiveInt | None = None

    @model_validator(mode="after")
    def _one_unit(self) -> Duration:
        _exactly_one(self, ("months", "days"))
        return self

    def end_from(self, start: datetime) -> datetime:
        if self.months is not None:
            return add_months(start, self.months)
        assert self.days is not None
        return start + timedelta(days=self.days)


class _Problems(ValueError):
    """Cross-field problems, each with its own field path; load_scenario lists them one a line."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in problems))
        self.problems = problems


class Scenario(_Model):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    #: one line, shown by `billing-sim scenarios`
    description: str = ""
    seed: int = 0
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
        return value.strip()

    @field_validator("policy")
    @classmethod
    def _policy_overrides(cls, overrides: dict[str, Any]) -> dict[str, Any]:
        problems = [(name, _policy_problem(name, value)) for name, value in overrides.items()]
        found = [(name, problem) for name, problem in problems if problem]
        if found:
            raise _Problems(found)
        return {name: _policy_value(name, value) for name, value in overrides.items()}

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        problems = list(_scenario_problems(self))
        if problems:
            raise _Problems(problems)
        return self

    @property
    def end(self) -> datetime:
        return self.duration.end_from(self.start)

    def make_policy(self, base: Policy | None = None) -> Policy:
        """The policy of this run: `base` (default Policy()) with the scenario's overrides."""
        return (base or Policy()).with_overrides(**self.policy)


# --- cross-field checks ---------------------------------------------------------------------

_UNITS = ("_days", "_hours", "_minutes")


def _policy_names() -> list[str]:
    defaults = Policy()
    names = []
    for name in Policy.__dataclass_fields__:
        if isinstance(getattr(defaults, name), timedelta):
            names += [name + unit for unit in _UNITS]
        else:
            names.append(name)
    return names


def _policy_problem(name: str, value: object) -> str | None:
    """Why `policy: {name: value}` cannot override Policy, or None when it can."""
    defaults = Policy()
    known = _policy_names()
    if name not in known:
        if name in Policy.__dataclass_fields__:  # a duration given without its unit
            return f"give a unit: {name}_days, {name}_hours or {name}_minutes"
        return f"unknown policy setting; known: {', '.join(known)}"
    if name.endswith(_UNITS) and name not in Policy.__dataclass_fields__:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"expected a whole number >= 0, got {value!r}"
        return None
    current = getattr(defaults, name)
    if isinstance(current, tuple):
        ok = isinstance(value, list) and len(value) == len(current)
        ok = ok and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        return None if ok else f"expected a list of {len(current)} whole numbers, got {value!r}"
    if isinstance(current, frozenset):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else f"expected a list of names, got {value!r}"
    if isinstance(current, dict) and not isinstance(value, Mapping):
        return f"expected a mapping of name to amount, got {value!r}"
    if isinstance(current, str) and not isinstance(value, str):
        return f"expected text, got {value!r}"
    if isinstance(current, bool) and not isinstance(value, bool):
        return f"expected true or false, got {value!r}"
    if isinstance(value, float):
        return "expected an exact amount"
    try:
        defaults.with_overrides(**{name: _policy_value(name, value)})
    except ValueError as exc:  # InvalidAmount is a ValueError
        return str(exc).removeprefix(f"policy.{name}: ")
    return None


def _policy_value(name: str, value: object) -> object:
    """YAML gives lists; a tuple-valued Policy field wants a tuple."""
    current = getattr(Policy(), name, None)
    return tuple(value) if isinstance(current, tuple) else value  # type: ignore[arg-type]


def _fmt(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def _scenario_problems(s: Scenario) -> Iterator[tuple[str, str]]:
    end = s.end
    span = f"the run [{_fmt(s.start)}, {_fmt(end)})"

    def inside(path: str, at: datetime | None) -> Iterator[tuple[str, str]]:
        if at is not None and not s.start <= at < end:
            yield path, f"{_fmt(at)} is outside {span}"

    plans = sorted(s.make_policy().plan_prices)

    seen: dict[str, int] = {}
    for i, account in enumerate(s.accounts):
        base = f"accounts[{i}]"
        if account.id in seen:
            yield f"{base}.id", f"{account.id!r} is already the id of accounts[{seen[account.id]}]"
        seen.setdefault(account.id, i)
        if s.population is not None and account.id.startswith(s.population.id_prefix):
            yield (
                f"{base}.id",
                (
                    f"ids starting with {s.population.id_prefix!r} are reserved for population "
                    "accounts (change population.id_prefix or this id)"
                ),
            )
        yield from _account_problems(account, base, s.start, inside, plans)

    for i, fault in enumerate(s.faults):
        if fault.until <= s.start or fault.from_ >= end:
            yield f"faults[{i}]", f"window [{_fmt(fault.from_)}, {_fmt(fault.until)}) misses {span}"


def _account_problems(
    account: AccountSpec, base: str, start: datetime, inside: Any, plans: list[str]
) -> Iterator[tuple[str, str]]:
    for k, entry in enumerate(account.payment_methods):
        yield from inside(f"{base}.payment_methods[{k}].at", entry.at)
    for k, usage in enumerate(account.usage):
        path = f"{base}.usage[{k}]"
        yield from inside(f"{path}.from", usage.from_)
        if usage.until is not None and usage.until <= (usage.from_ or start):
            yield f"{path}.until", "must be after from: (or the scenario start)"

    # link attempts must be listed in time order so that INDEX is the engine's method id
    sources = [f"{base}.payment_methods[{k}]" for k in range(len(account.payment_methods))]
    sources += [f"{base}.actions[{j}]" for j, a in enumerate(account.actions) if a.link]
    attempts = account.link_attempts(start)
    for n in range(1, len(attempts)):
        if attempts[n][0] < attempts[n - 1][0]:
            yield (
                f"{sources[n]}.at",
                (
                    f"link attempt {n} at {_fmt(attempts[n][0])} comes before link attempt {n - 1} "
                    f"({sources[n - 1]}) at {_fmt(attempts[n - 1][0])}: list payment methods and "
                    "link actions in time order, so that INDEX counts them in the order they happen"
                ),
            )

    previous: datetime | None = None
    for j, action in enumerate(account.actions):
        path = f"{base}.actions[{j}]"
        yield from inside(f"{path}.at", action.at)
        if previous is not None and action.at < previous:
            yield (
                f"{path}.at",
                f"actions must be in time order ({_fmt(action.at)} < {_fmt(previous)})",
            )
        previous = action.at
        if action.link is not None and action.link.at is not None:
            yield f"{path}.link.at", "not allowed here: the action's at: is when it is linked"
        method = action.method
        if isinstance(method, int):
            known = sum(1 for at, _ in attempts if at <= action.at)
            if method >= known:
                have = f"indices 0..{known - 1}" if known else "none"
                yield (
                    f"{path}.{action.kind}.method",
                    (
                        f"no payment method {method}: by {_fmt(action.at)} this account "
                        f"has attempted {known} link(s) ({have})"
                    ),
                )
        if action.buy_plan is not None and action.buy_plan.plan not in plans:
            yield (
                f"{path}.buy_plan.plan",
                (
                    f"unknown plan {action.buy_plan.plan!r}; known (policy.plan_prices): "
                    f"{', '.join(plans)}"
                ),
            )


# --- loading --------------------------------------------------------------------------------


class _ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that keeps numbers exact, reads only true/false as booleans (so country NO
    stays Norway) and refuses duplicate keys."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type]
    lowered = text.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        return Decimal("NaN") if "nan" in lowered else Decimal(lowered.replace(".inf", "Infinity"))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read {text!r} as an exact number", node.start_mark
        ) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_ScenarioLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(text: str, *, source: str = "<string>") -> Any:
    """Parse YAML the scenario way (exact numbers). Syntax errors become ScenarioError naming
    line and column; the offending line is not echoed (it might hold a card number)."""
    try:
        return yaml.load(text, Loader=_ScenarioLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise ScenarioError([f"{where}: YAML: {exc.problem or exc.context}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{source}: YAML: {exc}"]) from None


def parse_scenario(
    text: str, *, source: str = "<string>", default_name: str | None = None
) -> Scenario:
    """Validate scenario YAML text; `source` names it in error messages."""
    data = read_yaml(text, source=source)
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: expected a mapping of scenario fields at the top level"])
    if default_name is not None and "name" not in data:
        data["name"] = default_name
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(list(_problem_lines(exc, source))) from None
    # a file without accounts runs nothing (a Scenario built in code may start empty: the BDD
    # steps add accounts to the world as they go)
    if not scenario.accounts and scenario.population is None:
        raise ScenarioError([f"{source}: accounts: no accounts: give accounts: or population:"])
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; `name` defaults to the file's stem. Raises
    ScenarioError (one line per problem) for a missing or unreadable file too."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, expected a scenario YAML file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot read: {exc}"]) from None
    return parse_scenario(text, source=str(path), default_name=path.stem)


# --- error formatting -----------------------------------------------------------------------

_SENSITIVE = {"number", "cvv"}


def format_path(loc: tuple[int | str, ...]) -> str:
    """("accounts", 0, "payment_methods", 1, "paypal") -> accounts[0].payment_methods[1].paypal"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _fields_at(loc: tuple[int | str, ...]) -> list[str] | None:
    """The field names the model at `loc` accepts (for "unknown field" messages)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        model = _model_in(field.annotation)
        if model is None:
            return None
    return [f.alias or n for n, f in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


_CARD_LIKE = re.compile(r"\d(?:[ -]?\d){11,18}")


def redact(text: str) -> str:
    """Anything shaped like a card number becomes its last four digits (H-4): a value may land
    in an unexpected field and be quoted back."""
    return _CARD_LIKE.sub(lambda m: f"<card ending {re.sub(r'[ -]', '', m.group())[-4:]}>", text)


def _problem_lines(exc: ValidationError, source: str) -> Iterator[str]:
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        error = (err.get("ctx") or {}).get("error")
        if isinstance(error, _Problems):
            prefix = format_path(loc)
            for path, msg in error.problems:
                full = path if prefix == "(top level)" else f"{prefix}.{path}"
                yield redact(f"{source}: {full}: {msg}")
            continue
        yield redact(f"{source}: {format_path(loc)}: {_describe(err, loc)}")


def _describe(err: Any, loc: tuple[int | str, ...]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field missing"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        known = _fields_at(loc)
        return "expected a mapping" + (f" with fields {', '.join(known)}" if known else "")
    if kind == "extra_forbidden":
        known = _fields_at(loc[:-1])
        return "unknown field" + (f"; expected one of: {', '.join(known)}" if known else "")
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error" or _SENSITIVE & {p for p in loc if isinstance(p, str)}:
        return message
    shown = err.get("input")
    if isinstance(shown, str | int | Decimal | bool | date) and len(repr(shown)) <= 60:
        return f"{message}, got {shown!r}"
    return message
