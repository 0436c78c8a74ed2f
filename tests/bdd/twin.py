"""The twin of a scenario run against a remote engine: the same story (customers, actions,
clock moves, gateway faults) told again with the reference engine in process, and the two event
logs compared rule by rule as `billing-sim diff` compares them (`compare_events`)."""

from __future__ import annotations

import json

from simulator.differential.compare import Comparison, Divergence, compare_events

from .billing_world import BillingWorld

#: the reference twin runs in process on the cheapest transport (every transport writes the same
#: event log, H-2)
TWIN_TRANSPORT = "direct"


def twin_comparison(billing: BillingWorld) -> Comparison:
    """The remote engine's event log so far against the reference engine's on the same story."""
    reference = billing.replay(seed=billing.seed, transport=TWIN_TRANSPORT, reference=True)
    return compare_events([json.loads(line) for line in reference], billing.events())


def divergence_text(first: Divergence) -> str:
    """The first diverging event, as `billing-sim diff` prints it."""
    return (
        f"the engine under test parted from the reference engine at "
        f"{first.at:%Y-%m-%dT%H:%M:%SZ}, account {first.account}\n"
        f"  rule:     {first.rule}\n"
        f"  expected: {first.expected}\n"
        f"  seen:     {first.seen}"
    )
