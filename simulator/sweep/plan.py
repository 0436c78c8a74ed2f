"""What a sweep runs: every scenario × fault-rate scale × seed, cut into batches, one Dask task
each, so that a task's scheduling costs little against its runs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from simulator.scenario import Scenario

#: a batch never holds more runs than this, so the progress bar moves and work spreads evenly
MAX_BATCH = 50
#: batches per worker slot at least (while batches stay above one run): a slow batch then
#: holds up the end of the sweep by a fraction of it only
BATCHES_PER_SLOT = 4


@dataclass(frozen=True)
class Batch:
    """Runs of one scenario, at one fault scale, one a seed."""

    #: position of the scenario on the command line: records sort by it
    scenario_index: int
    #: the scenario file as given on the command line (for the command that reproduces a run)
    source: str
    #: the scenario as run (its faults already scaled)
    scenario: Scenario
    #: the factor each fault's rate was scaled by; None: the faults as written
    fault_rate: Decimal | None
    seeds: tuple[int, ...]
    transport: str
    #: the engine the runs are on, one that speaks the driver protocol; None: the reference
    #: engine in the worker
    engine_url: str | None = None


def parse_seeds(text: str) -> range:
    """`A..B` (both included) or a single seed `N`."""
    first, dots, last = text.strip().partition("..")
    try:
        low = int(first)
        high = int(last) if dots else low
    except ValueError:
        raise ValueError(f"--seeds: expected A..B or N (whole numbers), not {text!r}") from None
    if high < low:
        raise ValueError(f"--seeds: {text!r} is empty (B is below A)")
    return range(low, high + 1)


def parse_fault_rates(text: str | None) -> tuple[Decimal | None, ...]:
    """`R,R,...`: factors each fault's rate is multiplied by; none given: the faults as written."""
    if text is None:
        return (None,)
    rates = []
    for part in text.split(","):
        try:
            rate = Decimal(part.strip())
        except InvalidOperation:
            raise ValueError(f"--fault-rates: {part.strip()!r} is not a number") from None
        if not rate.is_finite() or rate < 0:
            raise ValueError(f"--fault-rates: {part.strip()!r} must be 0 or more")
        rates.append(rate)
    if len(set(rates)) != len(rates):
        raise ValueError("--fault-rates: a rate is given twice")
    return tuple(rates)


def scaled_faults(scenario: Scenario, factor: Decimal | None) -> Scenario:
    """The scenario with every fault's rate multiplied by `factor`, capped at 1."""
    if factor is None:
        return scenario
    faults = [
        fault.model_copy(update={"rate": min(fault.rate * factor, Decimal(1))})
        for fault in scenario.faults
    ]
    return scenario.model_copy(update={"faults": faults})


def batch_size(runs: int, slots: int) -> int:
    return max(1, min(MAX_BATCH, math.ceil(runs / (max(slots, 1) * BATCHES_PER_SLOT))))


def plan_batches(
    scenarios: Sequence[tuple[str, Scenario]],
    seeds: range,
    fault_rates: Sequence[Decimal | None],
    *,
    transport: str,
    slots: int,
    engine_url: str | None = None,
) -> list[Batch]:
    """Every (source, scenario) × fault rate × seed, in batches sized for `slots` worker threads.
    How the runs are cut changes no run: each has its own seeded world."""
    size = batch_size(len(scenarios) * len(fault_rates) * len(seeds), slots)
    batches = []
    for index, (source, scenario) in enumerate(scenarios):
        for rate in fault_rates:
            scaled = scaled_faults(scenario, rate)
            for at in range(0, len(seeds), size):
                chunk = tuple(seeds[at : at + size])
                batches.append(Batch(index, source, scaled, rate, chunk, transport, engine_url))
    return batches
