"""These tests judge the reference engine in process: a BILLING_SIM_ENGINE_URL set in the shell
(to run the features against another engine) would otherwise become `--engine-url`."""

from __future__ import annotations

import pytest

from simulator.driver.served_suite import ENGINE_URL_ENV


@pytest.fixture(autouse=True)
def in_process_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_URL_ENV, raising=False)
