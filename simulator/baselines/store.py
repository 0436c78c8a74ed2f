"""Baseline files: one per scenario and seed (NAME-seedN.json), JSON with sorted keys and one
figure per line, so an intended change shows in review as the lines of the figures it moved."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

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


def write(baseline: Baseline, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / baseline.file_name
    path.write_text(baseline.to_text(), encoding="utf-8")
    return path


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
