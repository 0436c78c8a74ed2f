"""The protocol's optional features: an engine that does not offer one answers its calls with
501 and an error of type NotOffered whose reason names it (docs/driver.md)."""

from __future__ import annotations

#: each optional feature, by the name a NotOffered refusal gives as its reason, and its calls
OPTIONAL_FEATURES: dict[str, str] = {
    "paypal": "linking PayPal: POST .../payment-methods with kind paypal, and its completion",
    "repayments": "repaying by hand: POST .../repayments and .../repayments/complete",
    "coding_plan": "ordering a Coding Plan: POST .../plan-orders and its completion",
}

#: the error type of the refusal
NOT_OFFERED = "NotOffered"
