"""What `make test` and `make features` would run (`make -n`, nothing run): every JUnit file
names a suite of its own, so CI can merge them; Chromium is installed only where CI=true."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUNIT = re.compile(r"-o junit_suite_name=(\S+) --junitxml=(\S+)")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make on PATH")


def dry_run(*targets: str, ci: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    done = subprocess.run(
        ["make", "-n", *targets], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.replace("\\\n", " ")  # a recipe's continued lines as one


def test_each_junit_file_names_a_suite_of_its_own():
    suites = JUNIT.findall(dry_run("test", "features"))
    names = [name for name, _ in suites]
    files = [path for _, path in suites]
    assert len(suites) == 4
    assert len(set(names)) == len(names) and "pytest" not in names
    assert len(set(files)) == len(files)


def test_chromium_is_installed_only_in_ci():
    assert "apt-get" not in dry_run("test")
    assert "apt-get" not in dry_run("test", ci="false")
    if not Path("/usr/bin/chromium").exists():  # make installs it only when it is missing
        assert "apt-get install -y -qq chromium" in dry_run("test", ci="true")


def test_make_features_runs_only_the_features_and_writes_the_cucumber_json():
    (command,) = [line for line in dry_run("features").splitlines() if "pytest" in line]
    assert "tests/bdd/test_features.py" in command
    assert "--cucumberjson=reports/cucumber.json" in command
