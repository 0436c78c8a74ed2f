"""Which billing rule (docs/rules.md) an event of the log bears witness to. Read from the event
and what the account's earlier events said (a deduction's trigger, a method's kind, an account
in its cool-down), so the diff can say which rule a divergence breaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: a rejected link's reason -> the rule that refuses it
LINK_REJECTIONS = {
    "online_disabled": "CARD-1",
    "international_disabled": "CARD-1",
    "insufficient_funds": "CARD-2",
    "threeds_not_supported": "CARD-3",
    "authentication_required": "CARD-3",
    "invalid_number": "CARD-4",
    "unsupported_brand": "CARD-4",
    "expired": "CARD-4",
    "expires_this_month": "CARD-4",
    "invalid_cvv": "CARD-4",
    "name_mismatch": "CARD-4",
    "threeds_failed": "3DS-2",
    "threeds_abandoned": "3DS-2",
    "paypal_no_funding_source": "PAYPAL-2",
    "paypal_agreement_not_approved": "PAYPAL-3",
}
#: event types whose rule the type alone says
BY_TYPE = {
    "paypal.approval_requested": "PAYPAL-1",
    "threeds.challenged": "3DS-1",
    "threeds.completed": "3DS-2",
    "product.activated": "AUTO-5",
    "product.activation_refused": "AUTO-5",
    "payment_method.unlinked": "LINK-2",
    "payment_method.default_changed": "CARD-6",
    "account.overdue": "AUTO-7",
    "account.suspended": "AUTO-7",
    "account.resumed": "AUTO-7",
    "account.deactivated": "LINK-2",
    "account.cooldown_ended": "LINK-2",
    "month.closed": "AUTO-4",
}
#: a rejected repayment's reason -> its rule; any other repayment event is PAY-1
REPAYMENT_REJECTIONS = {"payment_pending": "PAY-5", "invalid_amount": "PAY-2"}


@dataclass
class RuleReader:
    """Reads one run's events in order, remembering what later events need."""

    #: (account, deduction id) -> the rule of its trigger
    deductions: dict[tuple[str, Any], str] = field(default_factory=dict)
    #: (account, method) -> card | paypal
    kinds: dict[tuple[str, Any], str] = field(default_factory=dict)
    #: accounts in their LINK-2 cool-down
    cooling: set[str] = field(default_factory=set)

    def rule(self, event: dict[str, Any]) -> str | None:
        """The event's rule (None for set-up such as account.opened), noting what it says."""
        kind, account = event["type"], event.get("account") or ""
        if kind in ("payment_method.linked", "payment_method.link_rejected"):
            self.kinds[(account, event.get("method"))] = event.get("kind", "card")
        if kind == "account.deactivated":
            self.cooling.add(account)
        elif kind == "account.cooldown_ended":
            self.cooling.discard(account)
        if kind in BY_TYPE:
            return BY_TYPE[kind]
        family = kind.split(".")[0]
        if kind == "payment_method.linked":
            return "CARD-6" if event.get("kind") == "card" else "PAYPAL-1"
        if kind == "payment_method.link_rejected":
            reason = event.get("reason")
            if reason == "already_linked":  # held by a closed account in its cool-down?
                return "LINK-2" if self.cooling else "LINK-1"
            return LINK_REJECTIONS.get(str(reason), "CARD-6")
        if family == "preauth":
            paypal = self.kinds.get((account, event.get("method"))) == "paypal"
            if paypal:
                return "PAYPAL-1"
            return "CARD-2" if kind == "preauth.authorized" else "CARD-5"
        if family == "deduction":
            return self._deduction_rule(event, account)
        if family == "repayment":
            return REPAYMENT_REJECTIONS.get(str(event.get("reason")), "PAY-1")
        if family == "plan":
            return "PLAN-1"
        return None

    def _deduction_rule(self, event: dict[str, Any], account: str) -> str:
        """A deduction's events all count under the rule that triggered it."""
        key = (account, event.get("deduction"))
        if event["type"] == "deduction.initiated":
            if event.get("trigger") != "threshold":
                rule = "AUTO-4"
            elif self.kinds.get((account, event.get("method"))) == "paypal":
                rule = "AUTO-3"
            else:
                rule = "AUTO-2"
            self.deductions[key] = rule
        return self.deductions.get(key, "AUTO-4")
