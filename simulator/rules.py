"""The rule registry (the IDs and summaries of docs/rules.md) and the conformance matrix: which
feature scenarios carry each rule's tag, and how they last fared in a cucumber JSON report."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: the rule catalogue: each rule is a heading `### ID — summary`, its statement below it
RULES_MD = ROOT / "docs" / "rules.md"
_RULE_HEADING = re.compile(r"^### (?P<id>[A-Z0-9]+-\d+) — (?P<summary>.+?)\s*$", re.MULTILINE)


def read_rules(path: Path) -> dict[str, str]:
    """Rule ID -> one-line summary, in the catalogue's order, from the headings of `path`."""
    text = path.read_text(encoding="utf-8")
    return {m["id"]: m["summary"] for m in _RULE_HEADING.finditer(text)}


@cache
def rule_registry() -> dict[str, str]:
    """The rules of docs/rules.md (read once)."""
    return read_rules(RULES_MD)


#: what a tag naming a rule looks like (anything else is not a rule tag)
RULE_TAG = re.compile(r"^@([A-Z0-9]+-\d+)$")
_SCENARIO = re.compile(r"^\s*(Scenario Outline|Scenario Template|Scenario|Example):\s*(.+?)\s*$")
_FEATURE = re.compile(r"^\s*Feature:")
_EXAMPLES = re.compile(r"^\s*(Examples|Scenarios):")
_TABLE_ROW = re.compile(r"^\s*\|")


@dataclass(frozen=True)
class TaggedScenario:
    """A scenario of a feature file and the tags that apply to it (its own and its feature's)."""

    feature: str  # the file name, e.g. "automatic_payment.feature"
    name: str
    line: int
    tags: tuple[str, ...]
    outline: bool = False  # a Scenario Outline: one run per Examples row
    #: how many tests pytest-bdd makes of it: its Examples rows, or one when it has none
    runs: int = 1

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(m.group(1) for tag in self.tags if (m := RULE_TAG.match(tag)))


def read_scenarios(features_dir: Path) -> list[TaggedScenario]:
    """Every scenario of every .feature file under `features_dir`, with its tags and runs. Tags
    on an Examples block belong to the outline (they apply to its rows)."""
    found: list[TaggedScenario] = []
    #: a scenario's index in `found` -> the Examples rows read for it
    rows: Counter[int] = Counter()
    for path in sorted(features_dir.rglob("*.feature")):
        feature_tags: list[str] = []
        pending: list[str] = []
        outline: int | None = None
        #: inside an Examples block: whether its table's header row has been read
        header_read: bool | None = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if header_read is not None and outline is not None and _TABLE_ROW.match(line):
                if header_read:  # a row past the header: one more run of the outline
                    rows[outline] += 1
                header_read = True
                continue
            if stripped and not stripped.startswith("#"):
                header_read = None
            if stripped.startswith("@"):
                pending += stripped.split("#")[0].split()
            elif _FEATURE.match(line):
                feature_tags, pending = pending, []
            elif match := _SCENARIO.match(line):
                tags = tuple(dict.fromkeys(feature_tags + pending))
                outlined = match.group(1) in ("Scenario Outline", "Scenario Template")
                found.append(TaggedScenario(path.name, match.group(2), number, tags, outlined))
                outline, pending = len(found) - 1, []
            elif _EXAMPLES.match(line) and outline is not None:
                header_read = False
                if pending:
                    owner = found[outline]
                    tags = tuple(dict.fromkeys(owner.tags + tuple(pending)))
                    found[outline] = replace(owner, tags=tags)
                    pending = []
    return [replace(s, runs=rows[i]) if rows[i] else s for i, s in enumerate(found)]


def scenario_count(features_dir: Path) -> int:
    """How many scenarios the feature suite runs: each scenario once, an outline once per
    Examples row, as pytest-bdd makes them into tests. The one figure `billing-sim rules`, the
    step catalogue (docs/steps.md) and the test reports all give."""
    return sum(scenario.runs for scenario in read_scenarios(features_dir))


def unknown_rule_tags(
    scenarios: Iterable[TaggedScenario], rules: Mapping[str, str] | None = None
) -> list[tuple[TaggedScenario, str]]:
    """Tags that are not a rule of `rules` (default: the registry): (scenario, tag)."""
    known = rule_registry() if rules is None else rules
    return [
        (scenario, tag)
        for scenario in scenarios
        for tag in scenario.tags
        if not ((m := RULE_TAG.match(tag)) and m.group(1) in known)
    ]


# --- last results from a cucumber JSON report -------------------------------------------------


@dataclass
class Result:
    """How the runs of one scenario (every row of an outline) ended."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def status(self) -> str:
        return "failed" if self.failed else "passed" if self.passed else "skipped"

    def __str__(self) -> str:
        runs = self.passed + self.failed + self.skipped
        done = self.failed if self.failed else self.passed
        return f"{self.status} {done}/{runs}" if runs > 1 else self.status


def read_results(cucumber_json: Path) -> dict[tuple[str, str], Result]:
    """(feature file name, scenario name) -> result, from a cucumber JSON report (pytest-bdd's
    --cucumberjson). A scenario fails if any step failed; an outline counts each row."""
    report: list[dict[str, Any]] = json.loads(cucumber_json.read_text(encoding="utf-8"))
    results: dict[tuple[str, str], Result] = {}
    for feature in report:
        file_name = Path(str(feature.get("uri", ""))).name
        for element in feature.get("elements", []):
            statuses = [step.get("result", {}).get("status") for step in element.get("steps", [])]
            status = (
                "failed" if "failed" in statuses
                else "passed" if statuses and all(s == "passed" for s in statuses)
                else "skipped"
            )  # fmt: skip
            key = (file_name, str(element.get("name", "")))
            results.setdefault(key, Result()).add(status)
    return results


# --- the matrix -------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    rule: str
    summary: str
    scenarios: list[TaggedScenario] = field(default_factory=list)
    results: list[Result | None] = field(default_factory=list)

    @property
    def status(self) -> str:
        """uncovered (no scenario), unknown (no report read), not run (a scenario missing from
        the report), failed, skipped or passed."""
        if not self.scenarios:
            return "uncovered"
        if not self.results:
            return "unknown"
        if any(r is None for r in self.results):
            return "not run"
        statuses = {r.status for r in self.results if r is not None}
        return (
            "failed" if "failed" in statuses else "passed" if statuses == {"passed"} else "skipped"
        )


def conformance_matrix(
    features_dir: Path, cucumber_json: Path | None = None, rules: Mapping[str, str] | None = None
) -> list[MatrixRow]:
    """One row per rule of `rules` (default: the registry), in its order, with the scenarios
    tagged with it and, when `cucumber_json` exists, each scenario's last result."""
    scenarios = read_scenarios(features_dir)
    results = read_results(cucumber_json) if cucumber_json and cucumber_json.exists() else None
    rows = []
    for rule, summary in (rule_registry() if rules is None else rules).items():
        covering = [s for s in scenarios if rule in s.rules]
        row = MatrixRow(rule, summary, covering)
        if results is not None:
            row.results = [results.get((s.feature, s.name)) for s in covering]
        rows.append(row)
    return rows
