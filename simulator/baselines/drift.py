"""What moved between a recorded baseline and a fresh run: every figure that changed, appeared
or disappeared, and whether the event log's digest changed; printed as a readable table."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.baselines.figures import Figures, split_name
from simulator.baselines.store import Baseline

ABSENT = "—"


@dataclass(frozen=True)
class Move:
    account: str
    month: str
    figure: str
    before: str
    after: str


@dataclass(frozen=True)
class Drift:
    moves: list[Move]
    digest_before: str
    digest_after: str

    @property
    def log_changed(self) -> bool:
        return self.digest_before != self.digest_after

    @property
    def clean(self) -> bool:
        return not self.moves and not self.log_changed


def compare(recorded: Baseline, figures: Figures, digest: str) -> Drift:
    moves = []
    for name in sorted(recorded.figures.keys() | figures.keys(), key=split_name):
        before, after = recorded.figures.get(name), figures.get(name)
        if before != after:
            account, month, figure = split_name(name)
            moves.append(
                Move(
                    account,
                    month,
                    figure,
                    ABSENT if before is None else str(before),
                    ABSENT if after is None else str(after),
                )
            )
    return Drift(moves=moves, digest_before=recorded.events_sha256, digest_after=digest)


def drift_lines(drift: Drift) -> list[str]:
    """The moves as an aligned table, then the event log's digest if it changed."""
    header = Move("account", "month", "figure", "before", "after")
    rows = [header, *drift.moves] if drift.moves else []
    columns = ("account", "month", "figure")
    widths = [max((len(getattr(r, col)) for r in rows), default=0) for col in columns]
    lines = []
    for row in rows:
        lines.append(
            f"  {row.account:<{widths[0]}}  {row.month:<{widths[1]}}  {row.figure:<{widths[2]}}"
            f"  {row.before} -> {row.after}"
        )
    if drift.log_changed:
        note = "" if drift.moves else " (no recorded figure moved: compare the event logs)"
        lines.append(
            f"  events.jsonl sha256 {drift.digest_before[:12]}… -> {drift.digest_after[:12]}…{note}"
        )
    return lines
