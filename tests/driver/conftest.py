"""A served reference engine and the three mocks on real sockets, for the protocol's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_gateways.common.server import RunningServer
from mock_gateways.serve import Gateways, start_gateways
from simulator.driver.server import create_app


@pytest.fixture
def gateways() -> Iterator[Gateways]:
    with start_gateways(seed=7) as running:
        yield running


@pytest.fixture
def engine_url() -> Iterator[str]:
    with RunningServer(create_app()) as server:
        yield server.url
