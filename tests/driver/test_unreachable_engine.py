"""An engine that cannot be reached is one error: every command that takes --engine-url probes
it before running anything and stops with one line naming the URL and what failed, exit 3."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mock_gateways.common.server import RunningServer
from simulator.cli import app
from simulator.driver.connections import EngineUnreachable, probe
from simulator.driver.server import create_app

ROOT = Path(__file__).resolve().parents[2]
#: a name that never resolves (RFC 2606 reserves .invalid)
NO_SUCH_HOST = "http://no-such-engine.invalid:8000"


@pytest.fixture(scope="module")
def gone() -> Iterator[str]:
    """The URL of an engine served, then stopped: nothing listens there any more."""
    with RunningServer(create_app()) as server:
        url = server.url
    yield url


def test_the_probe_passes_an_engine_that_answers(engine_url: str) -> None:
    probe(engine_url)


@pytest.mark.parametrize(
    ("url", "failure"),
    [
        (None, "connection refused"),
        (NO_SUCH_HOST, "its host name no-such-engine.invalid does not resolve"),
        ("ftp://engine.test", "not an http:// or https:// URL with a host"),
        ("engine.test:8000", "not an http:// or https:// URL with a host"),
    ],
)
def test_the_probe_says_what_failed(url: str | None, failure: str, gone: str) -> None:
    url = url or gone
    with pytest.raises(EngineUnreachable) as raised:
        probe(url)
    assert str(raised.value).startswith(f"cannot reach the engine at {url}: {failure}")
    assert raised.value.url == url


COMMANDS = {
    "run": ["run", "month-end", "-q"],
    "diff": ["diff", "month-end"],
    "baseline record": ["baseline", "record", "month-end"],
    "baseline check": ["baseline", "check", "--dir", str(ROOT / "baselines")],
    "sweep": ["sweep", "month-end", "--seeds", "1..3", "-q"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("dead", ["refused", "unresolved"])
def test_each_command_stops_at_once_with_one_line(
    command: str, dead: str, gone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # whatever a command would write lands here, and must not
    url = gone if dead == "refused" else NO_SUCH_HOST
    result = CliRunner().invoke(app, [*COMMANDS[command], "--engine-url", url])
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"cannot reach the engine at {url}: ")
    assert not list(tmp_path.iterdir())  # nothing ran: no outputs, no baseline, no sweep files


def test_the_engine_url_is_taken_from_the_environment(
    gone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILLING_SIM_ENGINE_URL", gone)
    monkeypatch.chdir(tmp_path)
    for args in (COMMANDS["baseline check"], COMMANDS["sweep"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 3, result.output
        assert f"cannot reach the engine at {gone}: connection refused" in result.output
