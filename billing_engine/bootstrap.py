"""Composition root: wires a BillingEngine from a policy (with optional overrides), the time
ports, an event sink and the three gateways. The one place the engine's context is built."""

from __future__ import annotations

from collections.abc import Mapping

from billing_engine.domain.account import KEY_STYLES, KeyStyle
from billing_engine.policy import DEFAULT_POLICY, Policy
from billing_engine.ports import (
    CardGateway,
    Clock,
    EventSink,
    PayPalGateway,
    Scheduler,
    ThreeDSGateway,
)
from billing_engine.service import BillingEngine
from billing_engine.use_cases.context import EngineContext


def bootstrap(
    *,
    clock: Clock,
    scheduler: Scheduler,
    events: EventSink,
    cards: CardGateway,
    threeds: ThreeDSGateway,
    paypal: PayPalGateway,
    policy: Policy = DEFAULT_POLICY,
    policy_overrides: Mapping[str, object] | None = None,
    return_url: str = "https://billing.example/return",
    key_style: KeyStyle = "plain",
) -> BillingEngine:
    """The engine, with `policy_overrides` (e.g. {"overdue_grace_days": 10}) applied.
    `key_style="renamed"` spells every id and idempotency key the engine chooses otherwise
    ("DED000003.acme" for "acme-ded-3"): the gateways' draws must not notice."""
    if key_style not in KEY_STYLES:
        raise ValueError(f"key_style must be one of {', '.join(KEY_STYLES)}, got {key_style!r}")
    if policy_overrides:
        policy = policy.with_overrides(**policy_overrides)
    context = EngineContext(
        policy=policy,
        clock=clock,
        scheduler=scheduler,
        sink=events,
        cards=cards,
        threeds=threeds,
        paypal=paypal,
        return_url=return_url,
        key_style=key_style,
    )
    return BillingEngine(context)
