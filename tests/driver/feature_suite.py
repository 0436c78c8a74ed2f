"""The feature suite run in a subprocess against an engine at a URL, and what its end says: the
outcome counts, the rules its `billing rules` section names, why scenarios were skipped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from simulator.driver.served_suite import ENGINE_URL_ENV

ROOT = Path(__file__).resolve().parents[2]
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?)\b")
_RULE = re.compile(r"^  (\S+)\s+\d+ failing  ", re.MULTILINE)
_NOT_OFFERED = re.compile(r"^not offered by the engine under test [^:]*: (.+)$", re.MULTILINE)
_SKIPPED = re.compile(r"^SKIPPED \[(\d+)\] \S+?:\d+: (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class SuiteRun:
    output: str
    #: "passed", "failed", "skipped", "error(s)" -> how many
    counts: Counter[str]
    #: the rules the `billing rules` section names
    rules: set[str]
    #: feature -> how many scenarios it skipped, as the section says
    not_offered: dict[str, int]
    #: why scenarios were skipped -> how many, from pytest's short summary
    skipped: Counter[str]


def run_features(engine_url: str, *pytest_args: str) -> SuiteRun:
    command = [sys.executable, "-m", "pytest", "tests/bdd/test_features.py", "-q", "-rs"]
    command += ["-p", "no:cacheprovider", *pytest_args]
    # a wide terminal, so pytest cuts no summary line short
    env = {**os.environ, ENGINE_URL_ENV: engine_url, "COLUMNS": "250"}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    output = done.stdout + done.stderr
    section = _section(output)
    not_offered: dict[str, int] = {}
    for line in _NOT_OFFERED.findall(section):
        for part in line.split(", "):
            feature, count = part.rsplit(" ", 1)
            not_offered[feature] = int(count)
    skipped: Counter[str] = Counter()
    for count, reason in _SKIPPED.findall(output):
        skipped[reason] += int(count)
    last = output.strip().splitlines()[-1] if output.strip() else ""
    return SuiteRun(
        output=output,
        counts=Counter({kind: int(n) for n, kind in _COUNT.findall(last)}),
        rules=set(_RULE.findall(section)),
        not_offered=not_offered,
        skipped=skipped,
    )


def _section(output: str) -> str:
    """The `billing rules` section's lines (empty when it was not printed)."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if re.fullmatch(r"=+ billing rules =+", line)]
    if not starts:
        return ""
    body = lines[starts[0] + 1 :]
    ends = [i for i, line in enumerate(body) if line.startswith("==")]
    return "\n".join(body[: ends[0] if ends else len(body)])
