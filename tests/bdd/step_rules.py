"""The rule each Then step checks, so a failing scenario blames the rule of the step that failed
rather than every tag of the scenario. A step states its rules with `@checks(...)` under its
`@then(...)`; a step whose rule depends on its words (a deduction by the threshold or by the
month end) also gives `by`, which picks the rule from the step's arguments. A step that does
not say (what a gateway took, say) blames the scenario's tags."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_ATTRIBUTE = "_billing_rules"


def checks(
    *rules: str, by: Callable[..., str | Collection[str] | None] | None = None
) -> Callable[[F], F]:
    """Mark a step definition with the rules it checks; `by(**step_args)` may name the rule
    (or the few rules) its words check (None: it cannot tell)."""

    def mark(func: F) -> F:
        setattr(func, _ATTRIBUTE, (frozenset(rules), by))
        return func

    return mark


def declared_rules(step_func: Callable[..., Any]) -> frozenset[str]:
    """The rules a step definition says it checks, whatever its words."""
    rules, _ = getattr(step_func, _ATTRIBUTE, (frozenset(), None))
    return frozenset(rules)


def rules_of_step(step_func: Callable[..., Any], args: Mapping[str, Any]) -> frozenset[str]:
    """The rules a step checks, narrowed by its words when it says how (none if unmarked)."""
    rules, by = getattr(step_func, _ATTRIBUTE, (frozenset(), None))
    if by is not None:
        chosen = by(**args)
        if chosen is not None:
            return frozenset({chosen} if isinstance(chosen, str) else chosen)
    return frozenset(rules)


def blame(step_rules: Collection[str], tags: Collection[str]) -> frozenset[str]:
    """The rules a scenario that failed at a step checking `step_rules` blames: the step's one
    rule; of several, those the scenario is tagged with; else (a step of no single rule, such
    as a Given or a When) the scenario's tags."""
    step, tagged = frozenset(step_rules), frozenset(tags)
    if len(step) == 1:
        return step
    return (step & tagged) or tagged
