"""What the engine tells: one event per thing that happened (a deduction initiated, a method
linked, an account suspended...), with its time, type, account and the fields of its type. The
event types and their fields are declared once in `billing_engine.event_types` (shown in
docs/scenarios.md); the simulator's event log writes them as JSON (`simulator.event_json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    at: datetime
    type: str  # e.g. "deduction.initiated"
    account: str | None
    fields: dict[str, Any] = field(default_factory=dict)
