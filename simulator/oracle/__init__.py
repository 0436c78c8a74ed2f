"""The harness as the oracle: its own model of what the rules say should have happened in a run,
worked out from what the scenario declared and what the gateways recorded."""
