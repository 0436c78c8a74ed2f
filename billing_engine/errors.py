"""Typed errors of the billing engine: each names what is wrong, and raising one leaves state
unchanged."""

from __future__ import annotations


class BillingError(Exception):
    """Base of every error the engine raises on bad input or a refused operation."""

    #: stable snake_case reason code (DESIGN.md), where one applies
    reason: str | None = None

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class InvalidAmount(BillingError, ValueError):
    reason = "invalid_amount"


class UnknownAccount(BillingError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownProduct(BillingError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


class UnknownPaymentMethod(BillingError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


class InvalidUsage(BillingError, ValueError):
    pass


class InvalidThreshold(BillingError, ValueError):
    reason = "invalid_threshold"


class InvalidCard(BillingError, ValueError):
    """Card data that fails CARD-4 before any gateway is asked."""


class PaymentRefused(BillingError):
    """A repayment or purchase the engine will not attempt (pending payment, bad amount...)."""


class AccountStateError(BillingError):
    """The account's status does not allow the operation (e.g. deactivated)."""
