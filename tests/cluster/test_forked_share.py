"""A share on a Dask worker lives in a child forked for its task: its progress, its result
and its failure come back over a pipe, and a child that ends without a result is an error."""

from __future__ import annotations

import os
import pickle
from types import SimpleNamespace
from typing import Any, NoReturn

import pytest

from simulator import cluster
from simulator.world import RunError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="processes cannot be forked")


def share_with(monkeypatch: pytest.MonkeyPatch, live: Any) -> Any:
    """live_share as `live` in the child (it inherits the patched module), and a stand-in
    share: `live` and the error that names the share are all that look at it."""
    monkeypatch.setattr(cluster, "live_share", live)
    return SimpleNamespace(number=0)


def test_the_childs_result_and_progress_come_back(monkeypatch: pytest.MonkeyPatch):
    def live(share: Any, report: Any) -> tuple[Any, list[Any], bool]:
        report(0.5)
        return {"pid": os.getpid()}, [], True

    heard: list[float] = []
    result = pickle.loads(cluster._live_share_forked(share_with(monkeypatch, live), heard.append))
    assert heard == [0.5]
    assert result.tally["pid"] != os.getpid()  # it lived in a child
    assert result.part_clean and result.peak_mib > 0


def test_the_childs_failure_is_raised_in_the_task(monkeypatch: pytest.MonkeyPatch):
    def live(share: Any, report: Any) -> NoReturn:
        raise ValueError("no such plan")

    with pytest.raises(ValueError, match="no such plan"):
        cluster._live_share_forked(share_with(monkeypatch, live), lambda fraction: None)


def test_a_child_that_ends_without_a_result_is_an_error(monkeypatch: pytest.MonkeyPatch):
    def live(share: Any, report: Any) -> NoReturn:
        os._exit(3)

    with pytest.raises(RunError, match="share 0 ended without a result"):
        cluster._live_share_forked(share_with(monkeypatch, live), lambda fraction: None)
