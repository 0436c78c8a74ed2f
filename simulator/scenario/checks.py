"""Checks that span fields: policy overrides against Policy, and times, ids and payment-method
indices against the run and each other."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from billing_engine.policy import Policy
from simulator.scenario.types import format_time

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


def policy_problem(name: str, value: object) -> str | None:
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
        defaults.with_overrides(**{name: policy_value(name, value)})
    except ValueError as exc:  # InvalidAmount is a ValueError
        return str(exc).removeprefix(f"policy.{name}: ")
    return None


def policy_value(name: str, value: object) -> object:
    """YAML gives lists; a tuple-valued Policy field wants a tuple."""
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
