"""A run's id (the scenario's digest, the seed, billing-sim's version), which every output file
carries, so that files of different runs are never read as one run."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

#: events.jsonl's first line: shaped as a run-wide event numbered 0 (so a tool reading every
#: line as an event reads it too), of this type, with the id under "run"
HEADER_TYPE = "run.started"
HEADER_START = '{"seq":0,'


def _version() -> str:
    try:
        return metadata.version("billing-sim")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@dataclass(frozen=True)
class RunId:
    scenario_sha256: str
    seed: int
    version: str

    @property
    def text(self) -> str:
        """What a reader compares: the same for every file of one run."""
        return f"{self.scenario_sha256[:16]}-seed{self.seed}-v{self.version}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.text,
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "version": self.version,
        }

    def header_line(self, start: str) -> str:
        """events.jsonl's first line, at the scenario's `start` (ISO 8601 UTC)."""
        record = {"seq": 0, "at": start, "type": HEADER_TYPE, "account": None}
        return json.dumps({**record, "run": self.as_dict()}, separators=(",", ":")) + "\n"


def run_id_of(scenario: Any, seed: int) -> RunId:
    """The scenario as loaded (not its file's bytes: comments and layout do not change a run)."""
    text = scenario.model_dump_json(warnings=False)
    return RunId(hashlib.sha256(text.encode("utf-8")).hexdigest(), seed, _version())


def id_in_header(line: str) -> str | None:
    """The run id a header line of events.jsonl carries; None if `line` is no such header."""
    try:
        record = json.loads(line)
        found = record["run"]["id"] if record["type"] == HEADER_TYPE else None
    except (ValueError, KeyError, TypeError):
        return None
    return found if isinstance(found, str) else None
