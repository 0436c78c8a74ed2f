"""Hostile scenario files are refused cleanly: `validate` and `run` exit 2 with one line per
problem naming the file (and the field, or the YAML position), never a traceback, in bounded
memory. The corpus is tests/simulator/hostile/ (each file's first line says what its message
must name) plus the few files too big or too odd to keep in the repository, made here."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.scenario.limits import MAX_FILE_BYTES, MAX_NODES

CORPUS = Path(__file__).parent / "hostile"
CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))
#: what one run of the CLI on a hostile file may allocate (the issue's bound)
MEMORY_BOUND = 200 * 1024 * 1024
#: no problem line quotes a huge value back
LONGEST_LINE = 600
VALID_HEAD = "name: made\nstart: 2026-01-01T00:00:00Z\nduration: {days: 1}\n"


def expected_in_message(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8-sig")
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: TEXT'"
    return first.removeprefix("# expect: ")


def cli_in_bounded_memory(*args: str) -> Result:
    """The CLI run in-process; fails if it allocated more than MEMORY_BOUND at its peak."""
    tracemalloc.start()
    try:
        result = CliRunner().invoke(cli.app, list(args))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak / 2**20:.0f} MiB"
    return result


def assert_refused_cleanly(result: Result, path: Path, expected: str) -> None:
    assert result.exit_code == 2, result.output
    # a traceback would leave an exception other than the exit itself
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines, "no problem printed"
    for line in lines:
        assert line.startswith(str(path)), f"line does not name the file: {line}"
        assert len(line) <= LONGEST_LINE, f"{len(line)} characters: {line[:200]}"
    assert expected in result.stderr, result.stderr


def run_command(path: Path, out: Path) -> tuple[str, ...]:
    return ("run", str(path), "--transport", "direct", "--quiet", "--out", str(out))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_validate_refuses_a_hostile_file_cleanly(path: Path):
    result = cli_in_bounded_memory("validate", str(path))
    assert_refused_cleanly(result, path, expected_in_message(path))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_run_refuses_a_hostile_file_cleanly(path: Path, tmp_path: Path):
    result = cli_in_bounded_memory(*run_command(path, tmp_path / "out"))
    assert_refused_cleanly(result, path, expected_in_message(path))
    assert not (tmp_path / "out").exists()


def test_the_corpus_covers_the_issue_classes():
    names = {p.stem for p in CORPUS_FILES}
    for needed in ("alias-bomb", "nesting-flow-deep", "amount-exponent-huge", "start-feb-30",
                   "country-xx", "policy-card-threshold-zero", "binary-junk", "non-utf8-latin1",
                   "tabs", "duplicate-keys", "python-object-tag", "amount-nan", "amount-inf",
                   "duration-days-negative", "start-before-1970", "start-year-10000",
                   "usage-until-before-from", "list-at-top", "empty",
                   # issue 19: exponents, strict booleans, one unit, ASCII digits, masking
                   "amount-exponent-bomb", "paypal-funding-source-no",
                   "policy-duration-two-units", "seed-sexagesimal", "card-number-fullwidth",
                   "cvv-arabic-indic", "ids-alike-once-masked", "tax-rate-percent",
                   "card-number-spaced-in-bad-field"):  # fmt: skip
        assert needed in names


# --- files made here: too big to keep, or not regular files ---------------------------------


def too_large(path: Path) -> str:
    path.write_text(VALID_HEAD + "#" * MAX_FILE_BYTES + "\n")
    return "KiB"


def empty(path: Path) -> str:
    path.write_bytes(b"")
    return "empty"


def many_values(path: Path) -> str:
    # small enough to read, too many values to build
    path.write_text(VALID_HEAD + "description: [" + "1," * (MAX_NODES + 10) + "1]\n")
    return "values"


def long_string(path: Path) -> str:
    path.write_text(VALID_HEAD + "description: " + "d" * (MAX_FILE_BYTES - 200) + "\n")
    return "description"


def directory(path: Path) -> str:
    path.mkdir()
    return "directory"


def missing(path: Path) -> str:
    return "no such file"


def fifo(path: Path) -> str:
    os.mkfifo(path)  # opening it to read would wait for a writer forever
    return "not a regular file"


MADE: list[Callable[[Path], str]] = [
    too_large,
    empty,
    many_values,
    long_string,
    directory,
    missing,
    pytest.param(fifo, marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")),  # type: ignore[list-item]
]


@pytest.mark.parametrize("make", MADE)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_made_hostile_file_is_refused_cleanly(make, command: str, tmp_path: Path):
    path = tmp_path / "made.yaml"
    expected = make(path)
    args = ("validate", str(path)) if command == "validate" else run_command(path, tmp_path / "o")
    assert_refused_cleanly(cli_in_bounded_memory(*args), path, expected)
