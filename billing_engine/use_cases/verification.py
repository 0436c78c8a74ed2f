"""The USD 1.00 verification pre-authorization: on a card at link (CARD-2, CARD-5: a hold the
issuer releases), on PayPal at link and at the first PAYG activation (PAYPAL-1, AUTO-5: voided
by the merchant at once). Never captured."""

from __future__ import annotations

from datetime import datetime

from billing_engine.domain.account import Account
from billing_engine.domain.payment_methods import CardMethod, PayPalMethod
from billing_engine.domain.preauth import PreAuthorization
from billing_engine.ports import GatewayUnavailable
from billing_engine.use_cases.context import EngineContext


class Verification:
    def __init__(self, ctx: EngineContext) -> None:
        self.ctx = ctx

    def card(
        self, account: Account, method: CardMethod, threeds_transaction_id: str | None
    ) -> str | None:
        """Place the hold; None on success, else the reason. The hold is checked at the
        release time the gateway gives."""
        policy = self.ctx.policy
        assert method.token is not None
        try:
            result = self.ctx.cards.authorize(
                method.token,
                policy.preauth.decimal,
                descriptor=policy.preauth_descriptor,
                idempotency_key=account.next_id("auth"),
                threeds_transaction_id=threeds_transaction_id,
            )
        except GatewayUnavailable:
            return "gateway_unavailable"
        if not result.ok or result.id is None:
            return result.reason or "declined"
        preauth = self._authorized(account, method.id, result.id)
        preauth.release_at = result.release_at
        if result.release_at is not None:
            self._check_hold_at(account, preauth, result.release_at)
        return None

    def paypal(self, account: Account, method: PayPalMethod) -> str | None:
        """Authorize and void at once; None on success, else the reason."""
        assert method.payment_token_id is not None
        try:
            result = self.ctx.paypal.authorize(
                method.payment_token_id,
                self.ctx.policy.preauth.decimal,
                request_id=account.next_id("auth"),
            )
        except GatewayUnavailable:
            return "gateway_unavailable"
        if not result.ok or result.id is None:
            return result.reason or "declined"
        preauth = self._authorized(account, method.id, result.id)
        try:
            voided = self.ctx.paypal.void(result.id, request_id=account.next_id("void")).ok
        except GatewayUnavailable:
            voided = False  # PayPal lets an unused authorization expire by itself
        if voided:
            self._released(account, preauth, "merchant")
        return None

    def _authorized(
        self, account: Account, method_id: int, authorization_id: str
    ) -> PreAuthorization:
        preauth = PreAuthorization(
            method_id=method_id,
            authorization_id=authorization_id,
            amount=self.ctx.policy.preauth,
            authorized_at=self.ctx.now(),
        )
        account.preauths.append(preauth)
        self.ctx.emit(
            "preauth.authorized",
            account.id,
            method=method_id,
            amount=preauth.amount,
            authorization=authorization_id,
            descriptor=self.ctx.policy.preauth_descriptor,
        )
        return preauth

    def _released(self, account: Account, preauth: PreAuthorization, by: str) -> None:
        preauth.status = "released"
        preauth.released_by = by  # type: ignore[assignment]
        self.ctx.emit(
            "preauth.released",
            account.id,
            method=preauth.method_id,
            authorization=preauth.authorization_id,
            by=by,
        )

    def _check_hold_at(self, account: Account, preauth: PreAuthorization, when: datetime) -> None:
        self.ctx.call_at(when, lambda: self._check_hold(account, preauth), account.id)

    def _check_hold(self, account: Account, preauth: PreAuthorization) -> None:
        """CARD-5: the issuer releases the hold; ask the gateway rather than assume."""
        now = self.ctx.now()
        # no answer, or no release time given: ask again after a payment's status delay
        retry = now + self.ctx.policy.settlement_delay
        try:
            hold = self.ctx.cards.hold(preauth.authorization_id)
        except GatewayUnavailable:
            self._check_hold_at(account, preauth, retry)
            return
        if hold.status == "held":
            later = hold.released_at if hold.released_at and hold.released_at > now else retry
            self._check_hold_at(account, preauth, later)
            return
        self._released(account, preauth, "issuer")
