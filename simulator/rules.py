"""The project's rule registry (every RULES.md ID with a one-line summary in our own words) and
the conformance matrix: which feature scenarios carry each rule's tag, and how they last fared
according to a cucumber JSON report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

#: rule ID -> one line in our own words (the catalogue itself is RULES.md)
RULES: dict[str, str] = {
    "OV-1": "A month's Total Spend shows the pre-tax amount, the tax and the two added up",
    "OV-2": "Total Amount Due is every billed fee not yet paid; a payment brings it down",
    "OV-3": "Spending Trend lists spend per month over a range, by product or billing mode",
    "OV-4": "The overview covers both billing modes: pay-as-you-go and Coding Plan",
    "AUTO-1": "Fees are taken automatically from the default method; no repayment date exists",
    "AUTO-2": "With a card as default, a deduction of all undeducted fees starts at USD 1,000.00",
    "AUTO-3": "With PayPal as default, the trigger is the account's threshold, USD 8 to 500",
    "AUTO-4": "Each month end makes one deduction per account for every fee not yet deducted",
    "AUTO-5": "With PayPal as default, the first PAYG activation needs a USD 1.00 PayPal check",
    "AUTO-6": "A failed deduction stays owed; the next trigger tries the whole amount again",
    "AUTO-7": "Fees unpaid 15 days after a failed deduction suspend PAYG products until paid",
    "AUTO-8": "Automatic deductions are merchant-initiated and never ask for 3D Secure",
    "PAY-1": "The customer can pay by hand at any time, after a failure or by choice",
    "PAY-2": "A manual payment shows what is owed; any amount above 0 and up to it is accepted",
    "PAY-3": "Prepaid balance pays first, for manual and automatic payments alike",
    "PAY-4": "Any active linked card or PayPal account can pay",
    "PAY-5": "A payment settles about 30 minutes later; meanwhile a second one is refused",
    "CARD-1": "A card must be enabled for online and for international payments",
    "CARD-2": "A card must have room for the USD 1.00 verification hold",
    "CARD-3": "A card must support 3D Secure; EU and Malaysian accounts always go through it",
    "CARD-4": "Card details must be valid, and a card expiring this month or earlier is refused",
    "CARD-5": "The USD 1.00 hold is never captured; the bank frees it in 1-5 business days",
    "CARD-6": "A card is linked once its hold succeeds; the first linked card becomes default",
    "CARD-7": "Card payments carry no service fee; only the bank may add a conversion fee",
    "3DS-1": "3D Secure runs when linking or ordering if the bank sees risk, and under CARD-3",
    "3DS-2": "The customer verifies on the bank's page; a failed or abandoned check stops it all",
    "PAYPAL-1": "Linking PayPal means approving an agreement, then a USD 1.00 check",
    "PAYPAL-2": "A PayPal account without a funding source cannot finish the agreement",
    "PAYPAL-3": "An authorized but unapproved agreement links nothing and says why",
    "LINK-1": "A card number or PayPal account can be linked to one account only",
    "LINK-2": "A closed account holds its methods for a 30-day cool-down; unlinking frees them",
    "PLAN-1": "A Coding Plan is paid at once, renews monthly, and never counts toward thresholds",
    "H-1": "The engine and every mock gateway read one simulated clock",
    "H-2": "The same scenario and seed give a byte-identical event log",
    "H-3": "Money is exact: rounding only when charged or shown, and no cent is lost",
    "H-4": "No full card number or CVV appears anywhere; cards show brand and last four",
}

#: what a tag naming a rule looks like (anything else is not a rule tag)
RULE_TAG = re.compile(r"^@([A-Z0-9]+-\d+)$")
_SCENARIO = re.compile(r"^\s*(Scenario Outline|Scenario Template|Scenario|Example):\s*(.+?)\s*$")
_FEATURE = re.compile(r"^\s*Feature:")
_EXAMPLES = re.compile(r"^\s*(Examples|Scenarios):")


@dataclass(frozen=True)
class TaggedScenario:
    """A scenario of a feature file and the tags that apply to it (its own and its feature's)."""

    feature: str  # the file name, e.g. "automatic_payment.feature"
    name: str
    line: int
    tags: tuple[str, ...]
    outline: bool = False  # a Scenario Outline: one run per Examples row

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(m.group(1) for tag in self.tags if (m := RULE_TAG.match(tag)))


def read_scenarios(features_dir: Path) -> list[TaggedScenario]:
    """Every scenario of every .feature file under `features_dir`, with its tags. Tags on an
    Examples block belong to the outline (they apply to its rows)."""
    found: list[TaggedScenario] = []
    for path in sorted(features_dir.rglob("*.feature")):
        feature_tags: list[str] = []
        pending: list[str] = []
        outline: int | None = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("@"):
                pending += stripped.split("#")[0].split()
            elif _FEATURE.match(line):
                feature_tags, pending = pending, []
            elif match := _SCENARIO.match(line):
                tags = tuple(dict.fromkeys(feature_tags + pending))
                outlined = match.group(1) in ("Scenario Outline", "Scenario Template")
                found.append(TaggedScenario(path.name, match.group(2), number, tags, outlined))
                outline, pending = len(found) - 1, []
            elif _EXAMPLES.match(line) and pending and outline is not None:
                owner = found[outline]
                tags = tuple(dict.fromkeys(owner.tags + tuple(pending)))
                found[outline] = replace(owner, tags=tags)
                pending = []
    return found


def unknown_rule_tags(scenarios: Iterable[TaggedScenario]) -> list[tuple[TaggedScenario, str]]:
    """Tags that are not a rule of the registry: (scenario, tag)."""
    return [
        (scenario, tag)
        for scenario in scenarios
        for tag in scenario.tags
        if not ((m := RULE_TAG.match(tag)) and m.group(1) in RULES)
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


def conformance_matrix(features_dir: Path, cucumber_json: Path | None = None) -> list[MatrixRow]:
    """One row per registry rule, in registry order, with the scenarios tagged with it and,
    when `cucumber_json` exists, each scenario's last result."""
    scenarios = read_scenarios(features_dir)
    results = read_results(cucumber_json) if cucumber_json and cucumber_json.exists() else None
    rows = []
    for rule, summary in RULES.items():
        covering = [s for s in scenarios if rule in s.rules]
        row = MatrixRow(rule, summary, covering)
        if results is not None:
            row.results = [results.get((s.feature, s.name)) for s in covering]
        rows.append(row)
    return rows
