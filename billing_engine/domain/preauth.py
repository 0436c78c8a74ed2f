"""Verification pre-authorizations (CARD-2, CARD-5, PAYPAL-1, AUTO-5): a USD 1.00 hold never
captured, released by the issuer (cards) or voided by the merchant at once (PayPal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from billing_engine.money import Cents


@dataclass
class PreAuthorization:
    method_id: int
    authorization_id: str
    amount: Cents
    authorized_at: datetime
    release_at: datetime | None = None
    status: Literal["held", "released"] = "held"
    released_by: Literal["issuer", "merchant"] | None = None
