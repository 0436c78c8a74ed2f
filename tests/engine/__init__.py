"""Unit and property tests of the billing engine (issue 2)."""
