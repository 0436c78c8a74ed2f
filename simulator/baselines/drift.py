"""What moved between a recorded baseline and a fresh run: the first event that diverged and
the rules it touches, then every figure that changed, appeared or disappeared (a readable
table, folded past FIGURE_LINES), and whether the event log's digest changed."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.baselines.figures import Figures, split_name
from simulator.baselines.store import Baseline
from simulator.differential.compare import Comparison, divergence_lines

ABSENT = "—"
#: figure rows shown before the rest are folded into "... and N more"
FIGURE_LINES = 20


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
    #: the recorded events against the fresh ones, when the log changed and was kept
    events: Comparison | None = None
    #: why the events could not be compared, when the log changed
    events_note: str | None = None

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
    """The first diverging event and the rules it touches, then the moves as an aligned table
    (the first FIGURE_LINES, then how many more), then the event log's digest if it changed."""
    lines = _event_lines(drift)
    header = Move("account", "month", "figure", "before", "after")
    rows = [header, *drift.moves[:FIGURE_LINES]] if drift.moves else []
    columns = ("account", "month", "figure")
    widths = [max((len(getattr(r, col)) for r in rows), default=0) for col in columns]
    for row in rows:
        lines.append(
            f"  {row.account:<{widths[0]}}  {row.month:<{widths[1]}}  {row.figure:<{widths[2]}}"
            f"  {row.before} -> {row.after}"
        )
    if len(drift.moves) > FIGURE_LINES:
        lines.append(f"  ... and {len(drift.moves) - FIGURE_LINES} more")
    if drift.log_changed:
        note = "" if drift.moves else " (no recorded figure moved: compare the event logs)"
        lines.append(
            f"  events.jsonl sha256 {drift.digest_before[:12]}… -> {drift.digest_after[:12]}…{note}"
        )
    return lines


def _event_lines(drift: Drift) -> list[str]:
    """Where the recorded and fresh logs part: the first diverging event (time, account, the
    rule it bears witness to, recorded and now) and every rule a diverging account touches."""
    if drift.events_note is not None:
        return [f"  first diverging event unknown: {drift.events_note}"]
    comparison = drift.events
    first = None if comparison is None else comparison.first()
    if comparison is None or first is None:
        return []
    diverging = [(rule, count) for rule, _, count in comparison.table() if count]
    touched = ", ".join(
        f"{rule} ({count} account{'s' if count > 1 else ''})" for rule, count in diverging
    )
    shown = divergence_lines(comparison, "recorded", "now")
    return [f"  {line}" for line in shown] + [f"  rules touched: {touched}"]
