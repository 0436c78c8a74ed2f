"""How the reference engine spells the ids and idempotency keys it chooses in a run: read from
BILLING_SIM_ENGINE_KEYS here only ("renamed" checks that no gateway draw depends on them)."""

from __future__ import annotations

import os

from billing_engine.domain.account import KEY_STYLES, KeyStyle

#: plain (the default) or renamed; docs/scenarios.md says what it is for
ENGINE_KEYS_VARIABLE = "BILLING_SIM_ENGINE_KEYS"


def engine_key_style() -> KeyStyle:
    """The style the environment asks for; a ValueError naming the variable if it is unknown."""
    value = os.environ.get(ENGINE_KEYS_VARIABLE) or "plain"
    for style in KEY_STYLES:
        if value == style:
            return style
    raise ValueError(
        f"{ENGINE_KEYS_VARIABLE} must be one of {', '.join(KEY_STYLES)}, got {value[:40]!r}"
    )
