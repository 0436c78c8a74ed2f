"""A failed scenario's report leads with the step that failed and its expected/seen block, with
none of pytest-bdd's frames unless asked (--tb=long); the cucumber JSON shows the steps after it
skipped; JUnit names its suite as told and carries the scenario's rule IDs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from .test_failure_report import FAILING_FEATURE, run_failing

pytest_plugins = ["pytester"]

THEN = "Ada's Total Amount Due is USD 61.00"
#: the failing scenario with steps after the failed one
FEATURE_WITH_MORE = FAILING_FEATURE + (
    "    When 30 minutes pass\n    Then Ada's Total Amount Due is USD 0.00\n"
)


def test_the_failed_step_and_its_expectation_come_first(pytester, monkeypatch):
    result = run_failing(pytester, monkeypatch, THEN)
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "_ test_adas_card_is_charged" in line)
    assert lines[start + 1 : start + 5] == [
        f"bddcopy/failing.feature:8: Then {THEN}",
        "Ada's Total Amount Due",
        "  expected: USD 61.00",
        "  actual:   USD 0.00",
    ]
    assert lines[start + 5] == "raised at:"
    assert lines[start + 6].startswith("  bddcopy/steps_then.py:")
    result.stdout.no_fnmatch_line("*site-packages*")
    result.stdout.no_fnmatch_line("*def call_fixture_func*")


def test_tb_long_keeps_pytests_whole_traceback(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "--tb=long")
    result = run_failing(pytester, monkeypatch, THEN)
    result.stdout.fnmatch_lines(["*def call_fixture_func*", "E*AssertionError: Ada's Total*"])


def test_an_error_not_an_expectation_names_its_type(pytester, monkeypatch):
    feature = FAILING_FEATURE.replace(
        "When the clock reaches 1 February 2026 00:30 UTC",
        "When the clock reaches 31 January 2026 21:00 UTC",
    )  # back in time: the world refuses it with a plain error, not a failed expectation
    result = run_failing(pytester, monkeypatch, THEN, feature=feature)
    result.stdout.fnmatch_lines(
        [
            "bddcopy/failing.feature:7: When the clock reaches 31 January 2026 21:00 UTC",
            "ValueError: cannot go back in time *",
            "raised at:",
            "  bddcopy/steps_when.py:* in clock_reaches",
        ]
    )


def test_the_steps_after_a_failed_one_are_skipped_in_cucumber_json(pytester, monkeypatch):
    report = pytester.path / "cucumber.json"
    monkeypatch.setenv("PYTEST_ADDOPTS", f"--cucumberjson={report}")
    run_failing(pytester, monkeypatch, THEN, feature=FEATURE_WITH_MORE)
    ((feature,),) = [json.loads(report.read_text(encoding="utf-8"))]
    ((scenario,),) = [feature["elements"]]
    statuses = [step["result"]["status"] for step in scenario["steps"]]
    assert statuses == ["passed"] * 4 + ["failed", "skipped", "skipped"]
    failed = scenario["steps"][4]["result"]["error_message"]
    assert failed.startswith(f"bddcopy/failing.feature:8: Then {THEN}\nAda's Total Amount Due\n")


@pytest.mark.parametrize("suite", ["features", "bdd-http"])
def test_junit_names_its_suite_and_the_scenarios_rules(pytester, monkeypatch, suite):
    report = pytester.path / "junit.xml"
    monkeypatch.setenv("PYTEST_ADDOPTS", f"--junitxml={report} -o junit_suite_name={suite}")
    run_failing(pytester, monkeypatch, THEN, "@OV-2")
    root = ET.parse(report).getroot()
    (testsuite,) = root.iter("testsuite")
    assert testsuite.get("name") == suite
    (case,) = root.iter("testcase")
    rules = [p.get("value") for p in case.iter("property") if p.get("name") == "rule"]
    assert rules == ["AUTO-2", "OV-2"]
    (failure,) = case.iter("failure")
    assert (failure.text or "").startswith(f"bddcopy/failing.feature:8: Then {THEN}")


@pytest.mark.parametrize(
    ("written", "complaint"),
    [
        ("31 February 2026 22:00 UTC", "day is out of range for month"),
        ("25:00 UTC on 31 January 2026", "hour must be in 0..23"),
    ],
)
def test_an_impossible_moment_is_an_authoring_error(pytester, monkeypatch, written, complaint):
    feature = FAILING_FEATURE.replace(
        "Given it is 31 January 2026 22:00 UTC", f"Given it is {written}"
    )
    result = run_failing(pytester, monkeypatch, THEN, feature=feature)
    result.stdout.fnmatch_lines(
        [
            f"bddcopy/failing.feature:4: Given it is {written}",
            f"'{written}' is no moment of the calendar: {complaint}",
            "*billing rules*",
            "authoring errors (scenarios no rule is blamed for): 1",
        ]
    )
    result.stdout.no_fnmatch_line("rules with failing scenarios*")
