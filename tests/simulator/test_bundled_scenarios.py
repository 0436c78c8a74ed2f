"""Every bundled scenario (scenarios/*.yaml) is valid, named for its file, described in one line
and commented; card numbers are shared between accounts only where LINK-1 is what's taught."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from simulator.cli import SCENARIOS_DIR
from simulator.scenario import Scenario, load_scenario

BUNDLED = sorted(SCENARIOS_DIR.glob("*.yaml"))
TEACHING = {
    "quickstart", "card-threshold", "paypal-threshold", "month-end", "expiring-cards",
    "preauth-release", "duplicate-link-cooldown", "manual-repayment", "overdue-suspension",
    "threeds-by-region", "coding-plan", "gateway-faults", "population-10k-year",
}  # fmt: skip
#: scenarios where the same card on two accounts is the point (LINK-1)
SHARES_CARDS = {
    "quickstart", "duplicate-link-cooldown", "quickstart-cards", "duplicate-link-cooldown-cards",
}  # fmt: skip


def test_issue_4_scenarios_are_all_bundled():
    assert {path.stem for path in BUNDLED} >= TEACHING


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_scenario_is_valid_and_teaches(path: Path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert scenario.description and "\n" not in scenario.description
    comments = [line for line in path.read_text().splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 3, "a bundled scenario explains itself in comments"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_cards_shared_across_accounts_only_where_link1_is_taught(path: Path):
    """LINK-1: a card linked to one account is refused on another; elsewhere that would be an
    accident that changes what the scenario shows."""
    scenario: Scenario = load_scenario(path)
    owners: Counter[str] = Counter()
    for account in scenario.accounts:
        entries = [e for _, e in account.link_attempts(scenario.start)]
        owners.update({e.card.number for e in entries if e.card is not None})
    shared = [number[-4:] for number, n in owners.items() if n > 1]
    assert not shared or path.stem in SHARES_CARDS, f"cards ending {shared} on several accounts"
