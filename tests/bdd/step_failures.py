"""How a failed scenario reads: the step that failed and its expected/seen block first, then only
this repository's frames, never pytest-bdd's; and, in the cucumber JSON, the steps after it
skipped (pytest-bdd marks them failed)."""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest._code.code import TerminalRepr  # what pytest prints a report's longrepr with
from pytest_bdd.exceptions import StepDefinitionNotFoundError

if TYPE_CHECKING:
    from _pytest._io import TerminalWriter

from .customer_words import AuthoringError

#: where the scenario failed: "features/x.feature:12: Then ..." (or after its last step)
FAILED_AT = pytest.StashKey[str]()
#: exceptions whose message is the whole explanation: a failed expectation, a feature's mistake
EXPLAINED = (AssertionError, AuthoringError, StepDefinitionNotFoundError)
_SITE = ("site-packages", "dist-packages")


def location(root: Path, filename: str, line: int, text: str) -> str:
    """`features/x.feature:12: text`, the file relative to `root` (the rootdir) when it can be."""
    try:
        path = Path(os.path.relpath(filename, root))
    except ValueError:  # another drive
        path = Path(filename)
    return f"{path.as_posix()}:{line}: {text}"


def step_location(root: Path, feature: Any, step: Any) -> str:
    """`features/x.feature:12: Then Ada's ...`, the step as its file spells it."""
    return location(root, feature.filename, step.line_number, f"{step.keyword} {step.name}")


def _our_frames(excinfo: pytest.ExceptionInfo[BaseException], root: Path) -> list[str]:
    """The traceback's frames in this repository's code (the test tools' own left out)."""
    frames = []
    for entry in excinfo.traceback:
        path = Path(entry.path)
        if any(part in _SITE for part in path.parts) or not path.is_relative_to(root):
            continue
        if entry.name.startswith("pytest_"):  # a hook wrapping the test, not the step's code
            continue
        frames.append(f"  {path.relative_to(root).as_posix()}:{entry.lineno + 1} in {entry.name}")
    return frames


def failure_text(where: str, excinfo: pytest.ExceptionInfo[BaseException], root: Path) -> str:
    """What QA reads first: the step, why it failed, then where in our code."""
    error = excinfo.value
    why = str(error) if isinstance(error, EXPLAINED) else f"{type(error).__name__}: {error}"
    lines = [where, why.rstrip("\n") or type(error).__name__]
    frames = _our_frames(excinfo, root)
    if frames:
        lines += ["raised at:", *frames]
    return "\n".join(lines)


@dataclass(eq=False)
class StepFailureRepr(TerminalRepr):
    """A report's longrepr that prints `text`, keeping the original crash line (the one-line
    reason of `-ra` and of JUnit's `message`)."""

    text: str
    reprcrash: Any

    def toterminal(self, tw: TerminalWriter) -> None:
        for line in self.text.splitlines():
            tw.line(line, red=line.startswith("  expected:"), bold=line.startswith("features/"))


def wants_full_traceback(config: pytest.Config) -> bool:
    """`--tb=long`, `--tb=native` or `--full-trace` keep pytest's whole traceback."""
    return bool(config.option.fulltrace) or config.option.tbstyle in ("long", "native")


class StepFailures:
    """A pytest plugin: notes where a scenario failed, leads its report with that step and why,
    and marks the steps after it skipped in the cucumber JSON."""

    def pytest_bdd_step_error(
        self, request: pytest.FixtureRequest, feature: Any, step: Any, exception: Exception
    ) -> None:
        request.node.stash[FAILED_AT] = step_location(request.config.rootpath, feature, step)

    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, feature: Any, step: Any
    ) -> None:
        request.node.stash[FAILED_AT] = step_location(request.config.rootpath, feature, step)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """pytest's own traceback (mostly pytest-bdd's and pytest's frames) stays only with
        --tb=long or --full-trace."""
        report = yield
        where = item.stash.get(FAILED_AT, None)
        if (
            report.when == "call"
            and report.failed
            and where is not None
            and call.excinfo is not None
            and not wants_full_traceback(item.config)
        ):
            crash = getattr(report.longrepr, "reprcrash", None)
            text = failure_text(where, call.excinfo, item.config.rootpath)
            report.longrepr = StepFailureRepr(text, crash)
        return report

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """After pytest-bdd wrote the cucumber JSON (its own sessionfinish comes first)."""
        path = session.config.option.cucumber_json_path
        if path and Path(path).exists():
            skip_steps_after_failures(Path(path))


def skip_steps_after_failures(cucumber_json: Path) -> None:
    """Rewrite pytest-bdd's cucumber JSON so a scenario's steps after its failed one are
    `skipped` (they never ran), not `failed`."""
    features = json.loads(cucumber_json.read_text(encoding="utf-8"))
    for feature in features:
        for element in feature.get("elements", []):
            failed = False
            for step in element.get("steps", []):
                result = step.get("result", {})
                if failed:
                    step["result"] = {"status": "skipped", "duration": 0}
                elif result.get("status") == "failed":
                    failed = True
    cucumber_json.write_text(json.dumps(features), encoding="utf-8")
