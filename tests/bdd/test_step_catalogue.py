"""The step catalogue: docs/steps.md is what the step definitions say today (and what
`billing-sim steps` prints), every feature step has a definition, step patterns read as words;
and `-m`/`-k` with a feature file's name runs that file's scenarios."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pytest_bdd.scenario import make_python_name
from typer.testing import CliRunner

from simulator import cli
from simulator.rules import read_scenarios

from .step_catalogue import FEATURES_DIR, REGENERATE, ROOT, STEPS_MD, feature_steps, markdown
from .step_catalogue import step_definitions as definitions
from .step_templates import template


def test_docs_steps_md_is_the_catalogue_of_the_step_definitions():
    assert STEPS_MD.read_text(encoding="utf-8") == markdown(), (
        f"docs/steps.md is out of date with tests/bdd: run `{REGENERATE}`"
    )


def test_billing_sim_steps_prints_the_catalogue():
    result = CliRunner().invoke(cli.app, ["steps"])
    assert result.exit_code == 0, result.output
    assert result.output == STEPS_MD.read_text(encoding="utf-8")


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
