"""The rule registry (docs/rules.md, read by simulator.rules) against the feature files: every
rule has a scenario, every tag names a known rule, the boundary rules have Scenario Outlines;
and the tag reader and cucumber-report reader the conformance matrix is built from."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from simulator.rules import (
    RULES_MD,
    conformance_matrix,
    read_results,
    read_rules,
    read_scenarios,
    rule_registry,
    unknown_rule_tags,
)

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "features"
#: the rule families of the provider's billing page and how many rules each has
FAMILIES = {"OV": 4, "AUTO": 8, "PAY": 5, "CARD": 7, "3DS": 2, "PAYPAL": 3, "LINK": 2, "PLAN": 1,
            "H": 4}  # fmt: skip
#: rules whose boundaries docs/rules.md spells out: each needs a Scenario Outline over them
BOUNDARY_RULES = ("AUTO-2", "AUTO-3", "AUTO-4", "CARD-4", "CARD-5", "LINK-1", "LINK-2", "PAY-5")


def test_every_rule_has_a_scenario():
    uncovered = [row.rule for row in conformance_matrix(FEATURES) if not row.scenarios]
    assert uncovered == []


def test_every_tag_names_a_known_rule():
    unknown = [
        f"{s.feature}:{s.line} {tag}" for s, tag in unknown_rule_tags(read_scenarios(FEATURES))
    ]
    assert unknown == []


def test_every_scenario_checks_at_least_one_rule():
    untagged = [f"{s.feature}: {s.name}" for s in read_scenarios(FEATURES) if not s.rules]
    assert untagged == []


@pytest.mark.parametrize("rule", BOUNDARY_RULES)
def test_boundary_rules_have_a_scenario_outline(rule):
    assert any(s.outline and rule in s.rules for s in read_scenarios(FEATURES))


def test_registry_has_every_rule_of_every_family_in_order():
    ids = list(rule_registry())
    assert Counter(rule.rpartition("-")[0] for rule in ids) == FAMILIES
    families = list(dict.fromkeys(rule.rpartition("-")[0] for rule in ids))
    expected = [f"{family}-{n}" for family in families for n in range(1, FAMILIES[family] + 1)]
    assert ids == expected


def test_every_rule_has_a_one_line_summary_and_a_statement():
    sections = re.split(r"^### ", RULES_MD.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    assert len(sections) == len(rule_registry())
    for section in sections:
        heading, _, body = section.partition("\n")
        assert len(heading) <= 100 and body.strip(), heading


# --- the readers, on files made here ----------------------------------------------------------

FEATURE = """\
@AUTO-1
Feature: Sample
  @AUTO-2 @AUTO-99
  Scenario: Plain
    Given it is 1 January 2026 00:00 UTC

  @PAY-5
  Scenario Outline: Outlined
    When <wait> pass

    @PAY-1
    Examples:
      | wait |
      | 1    |
"""


@pytest.fixture
def sample_features(tmp_path: Path) -> Path:
    (tmp_path / "sample.feature").write_text(FEATURE)
    return tmp_path


def test_reader_applies_feature_and_examples_tags(sample_features):
    plain, outlined = read_scenarios(sample_features)
    assert plain.rules == ("AUTO-1", "AUTO-2", "AUTO-99") and not plain.outline
    assert outlined.rules == ("AUTO-1", "PAY-5", "PAY-1") and outlined.outline


def test_rules_are_read_from_their_headings(tmp_path):
    catalogue = tmp_path / "rules.md"
    catalogue.write_text(
        "# Rules\n\n## X: a family\n\n### X-1 — Short words\n\nMore.\n\n"
        "### X-2 — More words\n\n#### X-3 is not a rule\n"
    )
    assert read_rules(catalogue) == {"X-1": "Short words", "X-2": "More words"}


def test_a_tag_naming_an_unknown_rule_is_reported(sample_features):
    assert [tag for _, tag in unknown_rule_tags(read_scenarios(sample_features))] == ["@AUTO-99"]


def test_a_rule_without_scenario_is_uncovered(sample_features):
    rows = {row.rule: row for row in conformance_matrix(sample_features)}
    assert rows["AUTO-3"].status == "uncovered"
    assert rows["AUTO-2"].status == "unknown"  # covered, but no report was read


def cucumber_report(path: Path, statuses: dict[str, list[list[str]]]) -> Path:
    """A cucumber JSON report as pytest-bdd writes it: scenario name -> each run's steps."""
    elements = [
        {"name": name, "steps": [{"result": {"status": s}} for s in run]}
        for name, runs in statuses.items()
        for run in runs
    ]
    path.write_text(json.dumps([{"uri": "features/sample.feature", "elements": elements}]))
    return path


def test_results_count_every_outline_row_and_a_failed_step_fails_the_run(sample_features):
    report = cucumber_report(
        sample_features / "cucumber.json",
        {"Plain": [["passed"]], "Outlined": [["passed", "passed"], ["passed", "failed"]]},
    )
    results = read_results(report)
    assert str(results[("sample.feature", "Plain")]) == "passed"
    assert str(results[("sample.feature", "Outlined")]) == "failed 1/2"
    rows = {row.rule: row for row in conformance_matrix(sample_features, report)}
    assert (rows["AUTO-2"].status, rows["PAY-5"].status) == ("passed", "failed")


def test_a_scenario_missing_from_the_report_is_not_run(sample_features):
    report = cucumber_report(sample_features / "cucumber.json", {"Plain": [["passed"]]})
    rows = {row.rule: row for row in conformance_matrix(sample_features, report)}
    assert rows["PAY-5"].status == "not run"
