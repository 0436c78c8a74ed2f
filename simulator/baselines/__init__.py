"""Regression baselines: per scenario and seed the figures that matter and the event log's
digest (`billing-sim baseline record`), checked by running again (`billing-sim baseline check`)."""
