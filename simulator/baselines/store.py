"""Baseline files: one per scenario and seed (NAME-seedN.json), JSON with sorted keys and one
figure per line, so an intended change shows in review as the lines of the figures it moved;
beside it the run's event log, gzipped (NAME-seedN.events.jsonl.gz), to tell the first event
that diverged."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simulator.baselines.figures import Figures


class BaselineError(Exception):
    """A baseline file or directory that cannot be used; the message names it and the fault."""


@dataclass(frozen=True)
class Baseline:
    scenario: str  # the scenario's name
    source: str  # its file, relative to the working directory when it lies below it
    seed: int
    events_sha256: str
    figures: Figures

    @property
    def file_name(self) -> str:
        return file_name(self.scenario, self.seed)

    def to_text(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def file_name(scenario: str, seed: int) -> str:
    return f"{scenario}-seed{seed}.json"


def events_path(baseline_path: Path) -> Path:
    """Where the event log of the baseline at `baseline_path` is kept."""
    return baseline_path.with_name(baseline_path.name.removesuffix(".json") + EVENTS_SUFFIX)


#: the kept event log's name after the baseline's stem (not `*.json`: not a baseline itself)
EVENTS_SUFFIX = ".events.jsonl.gz"


def write(baseline: Baseline, directory: Path, events: bytes | None = None) -> Path:
    """The baseline file, and with `events` (the log's lines after its run header, whose
    digest is `events_sha256`) the log beside it, gzipped with no name or time inside so the
    same events give the same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / baseline.file_name
    path.write_text(baseline.to_text(), encoding="utf-8")
    if events is not None:
        packed = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0) as handle:
            handle.write(events)
        events_path(path).write_bytes(packed.getvalue())
    return path


def read_events(baseline_path: Path, recorded: Baseline) -> list[dict[str, Any]] | None:
    """The events of the run the baseline recorded, as logged; None when none were kept
    (a baseline recorded before logs were kept). Raises BaselineError when the kept log is
    unreadable or is not the one whose digest the baseline holds."""
    path = events_path(baseline_path)
    if not path.is_file():
        return None
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise BaselineError(f"{path}: cannot read: {exc}") from None
    if hashlib.sha256(data).hexdigest() != recorded.events_sha256:
        raise BaselineError(
            f"{path}: not the event log {baseline_path.name} recorded (another digest); "
            "record the baseline again"
        )
    try:
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not an event log ({exc})") from None


def read(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise BaselineError(f"{path}: expected a JSON object")
    shapes = {"scenario": str, "source": str, "seed": int, "events_sha256": str, "figures": dict}
    for key, kind in shapes.items():
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise BaselineError(f"{path}: `{key}` is missing or not a {kind.__name__}")
    for name, value in data["figures"].items():
        if len(name.split(" ")) < 3 or not isinstance(value, str | int):
            raise BaselineError(f"{path}: figure {name!r} = {value!r} is not ACCOUNT MONTH FIGURE")
    return Baseline(**{key: data[key] for key in shapes})


def baselines_in(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise BaselineError(f"{directory}: no such baseline directory")
    found = sorted(directory.glob("*.json"))
    if not found:
        raise BaselineError(f"{directory}: no baseline files (*.json); record some first")
    return found
