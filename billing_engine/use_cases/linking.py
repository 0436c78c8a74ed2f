"""Linking payment methods: a card through CARD-4 checks, tokenization, the one-account registry
(LINK-1), 3D Secure (CARD-3, 3DS-1/2) and the USD 1.00 hold (CARD-5/6); PayPal through approval,
the vaulted agreement (PAYPAL-1..3) and the same registry; unlink and the default method."""

from __future__ import annotations

from fractions import Fraction

from billing_engine.domain.account import Account
from billing_engine.domain.card_validation import brand_of, check_shape, digits_of, rejection_reason
from billing_engine.domain.outcomes import LinkOutcome
from billing_engine.domain.payment_methods import CardMethod, PaymentMethod, PayPalMethod
from billing_engine.errors import InvalidCard, InvalidThreshold, UnknownPaymentMethod
from billing_engine.money import ZERO, format_amount, parse_amount
from billing_engine.ports import CardDetails, GatewayUnavailable, ThreeDSResult
from billing_engine.use_cases.challenges import result_at_timeout, result_on_return
from billing_engine.use_cases.context import EngineContext
from billing_engine.use_cases.deductions import Deductions
from billing_engine.use_cases.lifecycle import (
    Lifecycle,
    change_default,
    require_active,
    unlink_method,
)
from billing_engine.use_cases.verification import Verification


def threeds_reason(result: ThreeDSResult, challenged: bool) -> str:
    """The reason a 3DS outcome other than Y/A refuses the link (3DS-2)."""
    if result.trans_status == "U" and result.reason == "not_enrolled":
        return "threeds_not_supported"  # CARD-3: the card must support 3D Secure
    if challenged and result.trans_status == "U":
        return "threeds_abandoned"  # cancelled or timed out at the challenge page
    return "threeds_failed"


class Linking:
    def __init__(
        self,
        ctx: EngineContext,
        lifecycle: Lifecycle,
        verification: Verification,
        deductions: Deductions,
    ) -> None:
        self.ctx = ctx
        self.lifecycle = lifecycle
        self.verification = verification
        self.deductions = deductions

    # --- cards ----------------------------------------------------------------------------

    def link_card(self, account: Account, card: CardDetails) -> LinkOutcome:
        require_active(account, "link a payment method")
        if not isinstance(card, CardDetails):
            raise InvalidCard(f"link_card expects CardDetails, got {type(card).__name__}")
        check_shape(card)
        digits = digits_of(card.number)
        method = CardMethod(
            id=len(account.methods),
            brand=brand_of(digits) if digits else None,
            last4=(digits or card.number)[-4:],
            exp_month=card.exp_month,
            exp_year=card.exp_year,
        )
        account.methods.append(method)
        reason = rejection_reason(card, self.ctx.policy.supported_brands, self.ctx.now())
        if reason is not None:
            return self._reject(account, method, reason)
        try:
            tokenized = self.ctx.cards.tokenize(card, idempotency_key=account.next_id("tok"))
        except GatewayUnavailable:
            return self._reject(account, method, "gateway_unavailable")
        if not tokenized.ok or tokenized.card is None:
            return self._reject(account, method, tokenized.reason or "declined")
        token = tokenized.card
        method.token, method.fingerprint = token.token, token.fingerprint
        method.brand, method.last4 = token.brand, token.last4
        if self.lifecycle.holder_elsewhere(method.registry_key):
            return self._reject(account, method, "already_linked")
        try:
            result = self.ctx.threeds.authenticate(
                token.token,
                self.ctx.policy.preauth.decimal,
                challenge_mandated=self.ctx.policy.threeds_required(account.country),
                return_url=self.ctx.return_url,
                idempotency_key=account.next_id("3ds"),
            )
        except GatewayUnavailable:
            return self._reject(account, method, "gateway_unavailable")
        if result.trans_status == "C":
            method.threeds_transaction_id = result.transaction_id
            method.acs_url = result.acs_url
            self.ctx.emit("threeds.challenged", account.id, method=method.id)
            self.ctx.call_at(
                self.ctx.now() + self.ctx.policy.threeds_timeout,
                lambda: self._challenge_timed_out(account, method),
                account.id,
            )
            return self.outcome(method)
        return self._after_threeds(account, method, result, challenged=False)

    def complete_threeds(self, account: Account, method_id: int) -> LinkOutcome:
        """The customer is back from the challenge page (passed, failed or cancelled)."""
        method = account.method(method_id)
        if not isinstance(method, CardMethod):
            raise UnknownPaymentMethod(f"account {account.id}: method {method_id} is not a card")
        if method.status != "pending" or method.threeds_transaction_id is None:
            return self.outcome(method)
        result = result_on_return(self.ctx.threeds, method.threeds_transaction_id)
        if result is None:
            return self.outcome(method)
        return self._after_challenge(account, method, result)

    def _challenge_timed_out(self, account: Account, method: CardMethod) -> None:
        """3DS-2: a challenge not completed in time is abandoned."""
        if method.status != "pending" or method.threeds_transaction_id is None:
            return
        result = result_at_timeout(self.ctx.threeds, method.threeds_transaction_id)
        self._after_challenge(account, method, result)

    def _after_challenge(
        self, account: Account, method: CardMethod, result: ThreeDSResult
    ) -> LinkOutcome:
        method.threeds_transaction_id = None
        method.acs_url = None
        return self._after_threeds(account, method, result, challenged=True)

    def _after_threeds(
        self, account: Account, method: CardMethod, result: ThreeDSResult, *, challenged: bool
    ) -> LinkOutcome:
        self.ctx.emit(
            "threeds.completed", account.id, method=method.id, trans_status=result.trans_status
        )
        if result.trans_status not in ("Y", "A"):
            return self._reject(account, method, threeds_reason(result, challenged))
        if account.is_deactivated:  # deactivated while the customer was at the challenge
            return self._reject(account, method, "account_deactivated")
        # another account may have linked the card while the customer was at the challenge
        if challenged and self.lifecycle.holder_elsewhere(method.registry_key):
            return self._reject(account, method, "already_linked")
        reason = self.verification.card(account, method, result.transaction_id)
        if reason is not None:
            return self._reject(account, method, reason)
        return self._linked(account, method)

    # --- PayPal ---------------------------------------------------------------------------

    def start_paypal_link(self, account: Account, threshold: object = None) -> LinkOutcome:
        require_active(account, "link a payment method")
        try:
            amount = self._paypal_threshold(threshold)
        except InvalidThreshold:
            # The attempt keeps its method id (scenario INDEXes count attempts) and the refusal
            # is on record; the caller gets the error that says why.
            refused = PayPalMethod(id=len(account.methods), threshold_amount=ZERO)
            account.methods.append(refused)
            self._reject(account, refused, "invalid_threshold")
            raise
        method = PayPalMethod(id=len(account.methods), threshold_amount=amount)
        account.methods.append(method)
        try:
            setup = self.ctx.paypal.create_setup_token(
                return_url=self.ctx.return_url, request_id=account.next_id("pp")
            )
        except GatewayUnavailable:
            return self._reject(account, method, "gateway_unavailable")
        method.setup_token_id, method.approve_url = setup.setup_token_id, setup.approve_url
        self.ctx.emit("paypal.approval_requested", account.id, method=method.id, threshold=amount)
        return self.outcome(method)

    def complete_paypal_link(self, account: Account, method_id: int) -> LinkOutcome:
        """After the approval page: the vaulted agreement (PAYPAL-2/3), LINK-1 on the payer,
        then authorize and void USD 1.00 (PAYPAL-1)."""
        method = account.method(method_id)
        if not isinstance(method, PayPalMethod):
            raise UnknownPaymentMethod(f"account {account.id}: method {method_id} is not PayPal")
        if method.status != "pending":
            return self.outcome(method)
        require_active(account, "link a payment method")
        assert method.setup_token_id is not None
        try:
            vault = self.ctx.paypal.create_payment_token(
                method.setup_token_id, request_id=account.next_id("pp")
            )
        except GatewayUnavailable:
            return self._reject(account, method, "gateway_unavailable")
        if not vault.ok:
            if vault.reason == "paypal_agreement_not_approved":
                method.agreement = "not_approved"
            return self._reject(account, method, vault.reason or "declined")
        method.agreement = "approved"
        method.payment_token_id = vault.payment_token_id
        method.payer_id, method.payer_email = vault.payer_id, vault.payer_email
        if self.lifecycle.holder_elsewhere(method.registry_key):
            return self._reject(account, method, "already_linked")
        reason = self.verification.paypal(account, method)
        if reason is not None:
            return self._reject(account, method, reason)
        return self._linked(account, method)

    def _paypal_threshold(self, threshold: object) -> Fraction:
        policy = self.ctx.policy
        if threshold is None:
            return policy.paypal_threshold_default
        low, high = policy.paypal_threshold_min, policy.paypal_threshold_max
        try:
            amount = parse_amount(threshold, field="PayPal threshold")
        except ValueError as exc:
            raise InvalidThreshold(str(exc)) from None
        if not low <= amount <= high:
            raise InvalidThreshold(
                f"PayPal threshold {format_amount(amount)} is outside "
                f"{format_amount(low)}..{format_amount(high)} USD (AUTO-3)"
            )
        return amount

    # --- outcome, default, unlink ---------------------------------------------------------

    def outcome(self, method: PaymentMethod) -> LinkOutcome:
        """The link outcome as the method stands now."""
        if method.status == "active":
            return LinkOutcome("linked", method.id, method.kind)
        if method.status in ("rejected", "unlinked"):
            return LinkOutcome("rejected", method.id, method.kind, method.reason or "unlinked")
        if isinstance(method, CardMethod):
            return LinkOutcome(
                "challenge",
                method.id,
                "card",
                acs_url=method.acs_url,
                threeds_transaction_id=method.threeds_transaction_id,
            )
        return LinkOutcome("approval", method.id, "paypal", approve_url=method.approve_url)

    def _reject(self, account: Account, method: PaymentMethod, reason: str) -> LinkOutcome:
        """Nothing linked, nothing held, nothing in the registry (CARD-*, 3DS-2, LINK-1)."""
        method.status = "rejected"
        method.reason = reason
        self.ctx.emit(
            "payment_method.link_rejected",
            account.id,
            method=method.id,
            kind=method.kind,
            reason=reason,
        )
        return self.outcome(method)

    def _linked(self, account: Account, method: PaymentMethod) -> LinkOutcome:
        """CARD-6: active, held in the registry; the first active method becomes default."""
        method.status = "active"
        assert method.registry_key is not None
        self.ctx.registry.claim(method.registry_key, account.id, method.id)
        becomes_default = account.default_method_id is None
        if becomes_default:
            account.default_method_id = method.id
        self.ctx.emit(
            "payment_method.linked",
            account.id,
            method=method.id,
            **method.describe(),
            default=becomes_default,
        )
        if becomes_default:
            self.deductions.check_threshold(account)
        return self.outcome(method)

    def set_default(self, account: Account, method_id: int) -> None:
        require_active(account, "change the default method")
        method = account.active_method(method_id)
        if account.default_method_id != method.id:
            self._change_default(account, method.id)

    def unlink(self, account: Account, method_id: int) -> None:
        """LINK-2: the registry frees the method at once."""
        method = account.method(method_id)
        if method.status not in ("active", "pending"):
            raise UnknownPaymentMethod(
                f"account {account.id}: payment method {method_id} is {method.status}; "
                "nothing to unlink"
            )
        unlink_method(self.ctx, account, method)
        if account.default_method_id == method.id:
            successor = next((m.id for m in account.methods if m.status == "active"), None)
            self._change_default(account, successor)

    def _change_default(self, account: Account, method_id: int | None) -> None:
        change_default(self.ctx, account, method_id)
        # a lower threshold may already be reached (AUTO-2/3)
        self.deductions.check_threshold(account)
