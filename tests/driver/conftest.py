"""A served reference engine, the naive example engine and the three mocks on real sockets, for
the protocol's tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_gateways.common.server import RunningServer
from mock_gateways.serve import Gateways, start_gateways
from simulator.driver.server import create_app

NAIVE_ENGINE = Path(__file__).resolve().parents[2] / "examples" / "naive-engine"


@pytest.fixture
def gateways() -> Iterator[Gateways]:
    with start_gateways(seed=7) as running:
        yield running


@pytest.fixture
def engine_url() -> Iterator[str]:
    with RunningServer(create_app()) as server:
        yield server.url


@pytest.fixture(scope="module")
def naive_engine() -> Iterator[str]:
    """examples/naive-engine served, by its URL."""
    spec = importlib.util.spec_from_file_location("naive_engine", NAIVE_ENGINE / "naive_engine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their class's module up by its name
    spec.loader.exec_module(module)
    with RunningServer(module.create_app()) as server:
        yield server.url
