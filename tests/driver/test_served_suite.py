"""`python -m simulator.driver.served_suite COMMAND`: the command runs with
BILLING_SIM_ENGINE_URL naming a served reference engine, and its status is the exit status."""

from __future__ import annotations

import sys

from simulator.driver.served_suite import main

CHECK = (
    "import os, sys, urllib.request; "
    "url = os.environ['BILLING_SIM_ENGINE_URL']; "
    "sys.exit(0 if urllib.request.urlopen(url + '/v1/test-clock').status == 200 else 5)"
)


def test_the_command_sees_the_served_engine() -> None:
    assert main([sys.executable, "-c", CHECK]) == 0


def test_the_command_status_is_the_exit_status() -> None:
    assert main([sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert main([]) == 2
