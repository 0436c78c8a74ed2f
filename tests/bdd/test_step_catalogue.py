"""The step catalogue: docs/steps.md is what the step definitions say today (when it is not, the
failure leads with the one command that writes it again), `billing-sim steps` prints it the same
whatever the hash seed or terminal, every feature step has a definition, step patterns read as
words; the suite's scenario count is one figure everywhere; and `-m`/`-k` with a feature file's
name runs that file's scenarios."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.scenario import make_python_name
from typer.testing import CliRunner

from simulator import cli
from simulator.rules import read_scenarios, scenario_count

from .step_catalogue import (
    FEATURES_DIR,
    REGENERATE,
    ROOT,
    STEPS_MD,
    feature_steps,
    markdown,
    scenarios_line,
)
from .step_catalogue import step_definitions as definitions
from .step_templates import template

#: how many lines of the difference a stale catalogue's failure shows
DIFF_LINES = 12


def stale(current: str, wanted: str) -> str | None:
    """What to tell whoever finds docs/steps.md out of date (adding a feature file or a step
    does that): the one command first, then the start of the difference; None when current."""
    if current == wanted:
        return None
    diff = list(
        difflib.unified_diff(
            current.splitlines(), wanted.splitlines(), "docs/steps.md", "generated", lineterm=""
        )
    )
    more = [f"... {len(diff) - DIFF_LINES} more lines"] if len(diff) > DIFF_LINES else []
    command = f"docs/steps.md is out of date with the features and tests/bdd; run:  {REGENERATE}"
    return "\n".join([command, *diff[:DIFF_LINES], *more])


def test_docs_steps_md_is_the_catalogue_of_the_step_definitions():
    why = stale(STEPS_MD.read_text(encoding="utf-8"), markdown())
    if why is not None:
        pytest.fail(why, pytrace=False)


def test_a_stale_catalogue_names_the_command_first_and_shows_only_the_start():
    wanted = markdown()
    current = wanted.replace("Ada", "Bea")  # changes many lines
    why = stale(current, wanted)
    assert why is not None
    lines = why.splitlines()
    assert lines[0].endswith(f"run:  {REGENERATE}")
    assert len(lines) == 1 + DIFF_LINES + 1 and lines[-1].endswith("more lines")
    assert stale(wanted, wanted) is None


def test_billing_sim_steps_prints_the_catalogue_the_same_every_time():
    """What the regenerating command writes is what the test wants, whatever the hash seed
    and terminal width (so regenerating is stable: no reordering, no wrapping)."""
    env = {**os.environ, "PYTHONHASHSEED": "1", "COLUMNS": "40"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "billing-sim"), "steps"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == markdown()


OUTLINES = """\
Feature: Counting
  @PAY-1
  Scenario: Plain
    Given it is 1 January 2026

  Scenario Outline: Two blocks of examples
    Given it is <day> January 2026

    Examples:
      | day |
      # a comment between rows
      | 1   |
      | 2   |

    @PAY-2
    Examples: More
      | day |
      | 3   |

  Scenario Outline: No examples
    Given it is 1 January 2026
"""


def _pytest_bdd_runs(features_dir: Path) -> int:
    """How many tests pytest-bdd makes of the feature files: a template's Examples rows, or one."""
    paths = [str(path) for path in sorted(features_dir.rglob("*.feature"))]
    return sum(
        max(1, sum(len(block.examples) for block in template.examples))
        for feature in get_features(paths)
        for template in feature.scenarios.values()
    )


def test_the_scenario_count_is_what_pytest_bdd_makes_of_the_features(tmp_path):
    (tmp_path / "counting.feature").write_text(OUTLINES, encoding="utf-8")
    assert [s.runs for s in read_scenarios(tmp_path)] == [1, 3, 1]
    assert scenario_count(tmp_path) == _pytest_bdd_runs(tmp_path) == 5
    assert scenario_count(FEATURES_DIR) == _pytest_bdd_runs(FEATURES_DIR)


def test_the_catalogue_and_billing_sim_rules_give_the_one_count(tmp_path):
    count = scenario_count(FEATURES_DIR)
    assert f"hold {count} scenarios" in scenarios_line()
    assert scenarios_line() in markdown()
    result = CliRunner().invoke(
        cli.app, ["rules", "--report", str(tmp_path / "none")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert f" covered, {count} scenarios" in result.output


def test_every_step_of_the_features_has_a_definition():
    used = {(step.keyword, step.text) for d in definitions() for step in d.uses}
    unmatched = [str(s) for s in feature_steps() if (s.keyword, s.text) not in used]
    assert unmatched == []


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"it is (?P<when>.+)", "it is <when>"),
        (r"(?P<name>[A-Z]\w+) links (?:a|an) (?!card with )(?P<c>.+?)", "<name> links (a|an) <c>"),
        (r"(?P<n>\d+|an?) (?P<unit>day|hour)s? pass(?:es)?", "<n> (day|hour)[s] pass[es]"),
        (r"x(?: and (?P<does>completes|fails) 3D Secure)?", "x[ and (completes|fails) 3D Secure]"),
        (r'the check was made for "(?P<d>[^"]+)"', 'the check was made for "<d>"'),
        (r"PayPal has held USD 1\.00 (?P<t>\d+) times?", "PayPal has held USD 1.00 <t> time[s]"),
    ],
)
def test_a_step_pattern_reads_as_words(pattern, words):
    assert template(pattern) == words


def test_a_feature_files_name_selects_its_scenarios():
    """`-k manual_payment` matches the marker each scenario gets from its feature file, so
    `-m manual_payment` selects the same (one subprocess: pytest's start-up is the cost)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/bdd/test_features.py", "--collect-only", "-q",
         "-p", "no:cacheprovider", "-k", "manual_payment"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    selected = {
        line.split("::")[1].split("[")[0] for line in done.stdout.splitlines() if "::" in line
    }
    scenarios = read_scenarios(FEATURES_DIR)
    wanted = {
        f"test_{make_python_name(s.name)}"
        for s in scenarios
        if s.feature == "manual_payment.feature"
    }
    assert selected == wanted
