"""Checks that span fields: policy overrides against Policy, and times, ids and payment-method
indices against the run and each other."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from billing_engine.money import Cents
from billing_engine.policy import Policy
from simulator.card_text import card_like_runs, masked
from simulator.scenario.errors import shown
from simulator.scenario.limits import MAX_DAYS, MAX_NAME_CHARS
from simulator.scenario.types import format_time, parse_amount, parse_country

if TYPE_CHECKING:
    from simulator.scenario.schema import AccountSpec, Scenario

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


#: the longest policy duration in each unit (10 years)
_MOST_IN_UNIT = {"_days": MAX_DAYS, "_hours": MAX_DAYS * 24, "_minutes": MAX_DAYS * 24 * 60}
#: amounts that must be above zero for any account to reach or pay them
_POSITIVE = frozenset(
    {
        "card_threshold",
        "paypal_threshold_min",
        "paypal_threshold_max",
        "paypal_threshold_default",
        "preauth_amount",
    }
)
#: amounts a gateway is asked for as they are: whole cents (plan prices too)
_CHARGED = frozenset({"preauth_amount"})
#: an issuer releases a hold within days, never months
_MOST_RELEASE_DAYS = 30
_MOST_PLANS = 20
_MOST_NAMES = 300
#: printable ASCII of PayPal's soft_descriptor length, which card statements also fit
_DESCRIPTOR = re.compile(r"[ -~]{1,22}")
_BRAND = re.compile(r"[a-z][a-z_]{0,19}")


def policy_problem(name: str, value: object) -> str | None:
    """Why `policy: {name: value}` cannot override Policy, or None when it can. Every number is
    range-checked here, before Policy does any arithmetic with it."""
    known = _policy_names()
    if name not in known:
        if name in Policy.__dataclass_fields__:  # a duration given without its unit
            return f"give a unit: {name}_days, {name}_hours or {name}_minutes"
        return f"unknown policy setting; known: {', '.join(known)}"
    if name not in Policy.__dataclass_fields__:  # a duration in a unit
        most = _MOST_IN_UNIT[next(u for u in _UNITS if name.endswith(u))]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
            return f"expected a whole number from 0 to {most:,}, got {shown(value)}"
        return None
    current = getattr(Policy(), name)
    if name == "preauth_release_business_days":
        return _release_days_problem(value)
    if name == "threeds_required_countries":
        return _names_problem(value, parse_country)
    if name == "supported_brands":
        return _names_problem(value, _brand)
    if name == "plan_prices":
        return _plan_prices_problem(value)
    if name == "currency":
        return None if value == "USD" else f"the gateways take USD only, got {shown(value)}"
    if name == "preauth_descriptor":
        if not isinstance(value, str) or not _DESCRIPTOR.fullmatch(value):
            return f"expected 1 to 22 printable ASCII characters, got {shown(value)}"
        # it is on every statement: no card number (H-4), and masking would make it non-ASCII
        return "expected no card number in the descriptor" if any(card_like_runs(value)) else None
    if isinstance(current, bool):
        return None if isinstance(value, bool) else f"expected true or false, got {shown(value)}"
    return _amount_problem(value, positive=name in _POSITIVE, charged=name in _CHARGED)


def _amount_problem(value: object, *, positive: bool, charged: bool = False) -> str | None:
    try:
        amount = parse_amount(value)
    except ValueError as exc:
        return str(exc)
    if charged and Cents.exact(Fraction(amount)) is None:
        return f"expected whole cents (it is charged as it is), got {shown(value)}"
    if positive and amount <= 0:
        return f"expected an amount > 0 (no account could use {amount}), got {shown(value)}"
    if amount < 0:
        return f"expected an amount >= 0, got {shown(value)}"
    return None


def _release_days_problem(value: object) -> str | None:
    days = value if isinstance(value, list) else []
    ok = len(days) == 2 and all(isinstance(d, int) and not isinstance(d, bool) for d in days)
    if not (ok and 0 <= days[0] <= days[1] <= _MOST_RELEASE_DAYS):
        return (
            f"expected [FEWEST, MOST] business days, 0 <= FEWEST <= MOST <= {_MOST_RELEASE_DAYS}, "
            f"got {shown(value)}"
        )
    return None


def _brand(value: object) -> str:
    if not isinstance(value, str) or not _BRAND.fullmatch(value):
        raise ValueError(f"expected a card brand such as visa, got {shown(value)}")
    return value


def _names_problem(value: object, parse: Callable[[object], str]) -> str | None:
    if not isinstance(value, list) or len(value) > _MOST_NAMES:
        return f"expected a list of at most {_MOST_NAMES} names, got {shown(value)}"
    for item in value:
        try:
            parse(item)
        except ValueError as exc:
            return str(exc)
    return None


def _plan_prices_problem(value: object) -> str | None:
    if not isinstance(value, Mapping) or not 1 <= len(value) <= _MOST_PLANS:
        return f"expected a mapping of 1 to {_MOST_PLANS} plan names to prices, got {shown(value)}"
    for plan, price in value.items():
        if not isinstance(plan, str) or not 1 <= len(plan) <= MAX_NAME_CHARS:
            return f"expected plan names of 1 to {MAX_NAME_CHARS} characters, got {shown(plan)}"
        problem = _amount_problem(price, positive=True, charged=True)
        if problem:
            return f"{plan}: {problem}"
    return None


def policy_relations(policy: Policy, given: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Problems between policy settings that are each fine alone, at the first one `given`."""
    names = ("paypal_threshold_min", "paypal_threshold_default", "paypal_threshold_max")
    low, default, high = (getattr(policy, name) for name in names)
    if not low <= default <= high:
        where = next((name for name in names if name in given), names[1])
        yield (
            where,
            f"expected paypal_threshold_min <= paypal_threshold_default <= paypal_threshold_max, "
            f"got {low} <= {default} <= {high}",
        )


def policy_units_problems(names: Iterable[str]) -> Iterator[tuple[str, str]]:
    """A duration given in two units (overdue_grace_days and overdue_grace_hours): one would
    silently win, so both are refused, at the second."""
    given: dict[str, str] = {}
    for name in names:
        unit = next((u for u in _UNITS if name.endswith(u)), None)
        if unit is None or name.removesuffix(unit) not in Policy.__dataclass_fields__:
            continue
        duration = name.removesuffix(unit)
        if duration in given:
            yield name, f"{duration} is already given as {given[duration]}: give one unit"
        given.setdefault(duration, name)


def policy_value(name: str, value: object) -> object:
    """YAML gives lists; a tuple-valued Policy field wants a tuple; plan names are free text,
    masked as every name is (H-4)."""
    if name == "plan_prices" and isinstance(value, Mapping):
        return {masked(plan): price for plan, price in value.items()}
    current = getattr(Policy(), name, None)
    return tuple(value) if isinstance(current, tuple) else value  # type: ignore[arg-type]


def scenario_problems(s: Scenario) -> Iterator[tuple[str, str]]:
    end = s.end
    span = f"the run [{format_time(s.start)}, {format_time(end)})"

    def inside(path: str, at: datetime | None) -> Iterator[tuple[str, str]]:
        if at is not None and not s.start <= at < end:
            yield path, f"{format_time(at)} is outside {span}"

    plans = sorted(s.make_policy().plan_prices)

    seen: dict[str, int] = {}
    for i, account in enumerate(s.accounts):
        base = f"accounts[{i}]"
        if account.id in seen:
            alike = " once its card number is masked (H-4)" if "•" in account.id else ""
            yield (
                f"{base}.id",
                f"{account.id!r} is already the id of accounts[{seen[account.id]}]{alike}",
            )
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
            yield (
                f"faults[{i}]",
                f"window [{format_time(fault.from_)}, {format_time(fault.until)}) misses {span}",
            )


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
                    f"link attempt {n} at {format_time(attempts[n][0])} comes before link "
                    f"attempt {n - 1} ({sources[n - 1]}) at {format_time(attempts[n - 1][0])}: "
                    "list payment methods and link actions in time order, so that INDEX counts "
                    "them in the order they happen"
                ),
            )

    previous: datetime | None = None
    for j, action in enumerate(account.actions):
        path = f"{base}.actions[{j}]"
        yield from inside(f"{path}.at", action.at)
        if previous is not None and action.at < previous:
            yield (
                f"{path}.at",
                (
                    f"actions must be in time order "
                    f"({format_time(action.at)} < {format_time(previous)})"
                ),
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
                        f"no payment method {method}: by {format_time(action.at)} this account "
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
