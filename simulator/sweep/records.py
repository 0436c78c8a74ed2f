"""One record per run (scenario, seed, fault scale, exit, invariants, figures: amounts as decimal
strings), their order, the tally by scenario, and sweep.json."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from simulator.scenario import redact

SWEEP_FILE = "sweep.json"
#: the exits a run has, as `billing-sim run` would give them
PASSED, INVARIANT_FAILED, STOPPED, INTERNAL_ERROR = 0, 1, 2, 3

Record = dict[str, Any]


def passed_record(summary: dict[str, Any]) -> dict[str, Any]:
    """The exit, invariants and figures of a run that reached its end (it may have failed an
    invariant); nothing that varies from one execution to the next (no wall time)."""
    invariants = summary["invariants"]
    totals = summary["totals"]
    deductions = totals["deductions"]
    return {
        "exit": PASSED if all(i["ok"] for i in invariants) else INVARIANT_FAILED,
        "invariants": invariants,
        "error": None,
        "figures": {
            "events": summary["run"]["events"],
            "fees": totals["fees"],
            "paid": totals["paid"],
            "outstanding": totals["outstanding"],
            "deductions_succeeded": sum(d["succeeded"] for d in deductions.values()),
            "deductions_failed": sum(d["failed"] for d in deductions.values()),
            "deductions": deductions,
        },
    }


#: how the error of a run whose remote engine failed a call starts: it is not ours to fix
BY_ENGINE = "the engine under test failed: "


def stopped_record(
    exc: BaseException, *, internal: bool, by_engine: bool = False
) -> dict[str, Any]:
    """A run that did not reach its end: the engine refused what the scenario asked (exit 2),
    or something broke (exit 3), `by_engine` the remote engine under test. The message is
    redacted like a scenario problem (H-4)."""
    told = f"{type(exc).__name__}: {exc}"
    return {
        "exit": INTERNAL_ERROR if internal else STOPPED,
        "invariants": [],
        "error": redact(BY_ENGINE + told if by_engine else told)[:500],
        "figures": None,
    }


def failures(record: Record) -> list[str]:
    """What went wrong in a run: the invariants it failed, or its error's kind."""
    if record["exit"] in (STOPPED, INTERNAL_ERROR):
        error: str = record["error"]
        if error.startswith(BY_ENGINE):
            return [f"engine failed: {error.removeprefix(BY_ENGINE).split(':', 1)[0]}"]
        kind = "internal error" if record["exit"] == INTERNAL_ERROR else "run stopped"
        return [f"{kind}: {error.split(':', 1)[0]}"]
    return [i["name"] for i in record["invariants"] if not i["ok"]]


def sort_key(record: Record) -> tuple[int, Decimal, int]:
    """Command-line scenario order, then fault scale, then seed: the file's order never
    depends on how many workers ran or which batch finished first."""
    rate = record["fault_rate"]
    scale = Decimal(-1) if rate is None else Decimal(rate)
    return (record["scenario_index"], scale, record["seed"])


@dataclass
class Tally:
    """One scenario's line of the sweep table."""

    scenario: str
    runs: int = 0
    passed: int = 0
    invariant_failures: int = 0
    errors: int = 0
    failed: list[Record] = field(default_factory=list)


def tally(records: Iterable[Record]) -> list[Tally]:
    """One Tally per scenario (in record order, i.e. command-line order)."""
    lines: dict[int, Tally] = {}
    for record in records:
        line = lines.setdefault(record["scenario_index"], Tally(record["scenario"]))
        line.runs += 1
        if record["exit"] == PASSED:
            line.passed += 1
            continue
        if record["exit"] == INVARIANT_FAILED:
            line.invariant_failures += 1
        else:
            line.errors += 1
        line.failed.append(record)
    return list(lines.values())


def write_sweep_json(path: Path, records: Sequence[Record], *, plan: dict[str, Any]) -> None:
    """sweep.json: what was swept (`plan`), then the records in sort_key order."""
    document = {"sweep": plan, "records": sorted(records, key=sort_key)}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
