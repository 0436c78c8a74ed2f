"""H-4 on sweep.html, by what a field is: a seed that passes Luhn and the command reproducing
its run are shown as they are; a failure's detail or error, free text, is masked."""

from __future__ import annotations

from simulator.sweep.page import render
from simulator.sweep.records import INTERNAL_ERROR

#: the issue's chaos seed: Luhn-valid, as about 10% of random 63-bit seeds are
LUHN_SEED = 4242424242424242


def test_a_luhn_valid_seed_and_its_command_are_shown_and_an_error_is_masked():
    record = {
        "scenario_index": 0,
        "scenario": "quickstart",
        "fault_rate": None,
        "seed": LUHN_SEED,
        "exit": INTERNAL_ERROR,
        "figures": None,
        "invariants": [],
        "error": "RuntimeError: gateway said card 5555 5555 5555 4444 was odd",
    }
    command = f"billing-sim run scenarios/quickstart.yaml --seed {LUHN_SEED}"
    page = render([record], title="sweep", commands={0: command})
    assert f"seed {LUHN_SEED}" in page and f"--seed {LUHN_SEED}" in page
    assert "card •••• 4444 was odd" in page and "5555 5555" not in page
