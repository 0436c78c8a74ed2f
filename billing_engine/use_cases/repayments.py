"""Manual repayment (PAY-1..5): an amount the customer chose, the balance first, the rest charged
to a method, one pending at a time."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal, NoReturn

from billing_engine.domain.account import Account
from billing_engine.domain.outcomes import RepaymentOutcome
from billing_engine.domain.payment_methods import CardMethod, PaymentMethod
from billing_engine.domain.repayment import Repayment, RepaymentChallenge
from billing_engine.errors import PaymentRefused
from billing_engine.money import NO_CENTS, Cents, format_amount, parse_amount
from billing_engine.ports import GatewayResult
from billing_engine.use_cases.challenges import (
    authenticate_payment,
    result_at_timeout,
    result_on_return,
)
from billing_engine.use_cases.charging import take_payment
from billing_engine.use_cases.context import EngineContext
from billing_engine.use_cases.deductions import Deductions
from billing_engine.use_cases.linking import threeds_reason
from billing_engine.use_cases.reconciliation import reconcile_later


class Repayments:
    def __init__(self, ctx: EngineContext, deductions: Deductions) -> None:
        self.ctx = ctx
        self.deductions = deductions

    # --- manual repayment -----------------------------------------------------------------

    def repay(
        self, account: Account, amount: Fraction | Literal["all"] | str, method_id: int | None
    ) -> RepaymentOutcome:
        """PAY-2: 0 < amount <= outstanding not in flight; PAY-3: balance first; PAY-5: one
        pending repayment at a time. Refusals raise PaymentRefused and charge nothing."""
        method = self._repay_method(account, method_id)
        payable = account.ledger.payable
        asked = payable if amount == "all" else parse_amount(amount, field="repay amount")
        if account.repayment_pending is not None or account.repayment_challenge is not None:
            self._refuse(account, asked, "payment_pending", "a repayment is still pending (PAY-5)")
        wanted = asked if isinstance(asked, Cents) else Cents.exact(asked)
        if wanted is None or not 0 < wanted <= payable:
            self._refuse(
                account,
                asked,
                "invalid_amount",
                f"repay amount {format_amount(asked)} must be whole cents above 0.00 and at "
                f"most the outstanding {format_amount(payable)} (PAY-2)",
            )
        if method is not None and method.status != "active":
            self._refuse(
                account,
                wanted,
                "method_not_active",
                f"payment method {method.id} is {method.status}, not active (PAY-4)",
            )
        if method is None and account.balance < wanted:
            self._refuse(
                account, wanted, "no_payment_method", "no payment method given and no default"
            )
        repayment_id = account.next_id("rep")
        if isinstance(method, CardMethod) and wanted > account.balance:
            return self._authenticate(account, repayment_id, wanted, method)
        return self._submit(account, repayment_id, wanted, method, None)

    def _submit(
        self,
        account: Account,
        repayment_id: str,
        wanted: Cents,
        method: PaymentMethod | None,
        threeds_id: str | None,
    ) -> RepaymentOutcome:
        """Reserve the amount, take it (balance first) and await its status (PAY-5)."""
        from_billed, from_undeducted = account.ledger.start_repayment(wanted)
        payment = take_payment(
            self.ctx,
            account,
            wanted,
            method,
            repayment_id,
            merchant_initiated=False,
            threeds_transaction_id=threeds_id,
        )
        repayment = Repayment(
            id=repayment_id,
            amount=wanted,
            from_balance=payment.from_balance,
            charged=payment.charged,
            method_id=None if method is None else method.id,
            submitted_at=self.ctx.now(),
            from_billed=from_billed,
            from_undeducted=from_undeducted,
            outcome_reason=payment.failure,
            outcome_unknown=payment.unknown,
        )
        account.repayments.append(repayment)
        self.ctx.emit(
            "repayment.submitted",
            account.id,
            repayment=repayment_id,
            amount=wanted,
            from_balance=repayment.from_balance,
            charged=repayment.charged,
            method=repayment.method_id,
        )
        self.ctx.call_at(
            self.ctx.now() + self.ctx.policy.settlement_delay,
            lambda: self._settle(account, repayment),
            account.id,
        )
        return RepaymentOutcome(
            repayment_id,
            "pending",
            wanted,
            repayment.from_balance,
            repayment.charged,
            repayment.method_id,
        )

    # --- 3D Secure (3DS-1/2): a repayment is customer initiated ------------------------

    def _authenticate(
        self, account: Account, repayment_id: str, wanted: Cents, method: CardMethod
    ) -> RepaymentOutcome:
        """The card's bank decides: frictionless, or a challenge the customer answers (or the
        time-out ends); nothing is reserved or charged before it passes."""
        result = authenticate_payment(self.ctx, account, method, wanted)
        if result is None:
            return self._rejected(account, repayment_id, wanted, method.id, "gateway_unavailable")
        if result.trans_status in ("Y", "A"):
            return self._submit(account, repayment_id, wanted, method, result.transaction_id)
        if result.trans_status != "C":
            reason = threeds_reason(result, challenged=False)
            return self._rejected(account, repayment_id, wanted, method.id, reason)
        challenge = RepaymentChallenge(
            repayment_id, wanted, method.id, result.transaction_id, result.acs_url
        )
        account.repayment_challenge = challenge
        self.ctx.emit("threeds.challenged", account.id, method=method.id, repayment=repayment_id)

        def time_out() -> None:
            self._challenge_over(account, challenge, timed_out=True)

        self.ctx.call_at(
            self.ctx.now() + self.ctx.policy.threeds_timeout,
            time_out,
            account.id,
        )
        return RepaymentOutcome(
            repayment_id,
            "challenge",
            wanted,
            NO_CENTS,
            NO_CENTS,
            method.id,
            acs_url=result.acs_url,
        )

    def complete_threeds(self, account: Account) -> RepaymentOutcome | None:
        """The customer is back from the repayment's challenge page; None if none waits."""
        challenge = account.repayment_challenge
        if challenge is None:
            return None
        return self._challenge_over(account, challenge, timed_out=False)

    def _challenge_over(
        self, account: Account, challenge: RepaymentChallenge, *, timed_out: bool
    ) -> RepaymentOutcome | None:
        if account.repayment_challenge is not challenge:
            return None  # already ended (the customer came back before the time-out)
        if timed_out:
            result = result_at_timeout(self.ctx.threeds, challenge.transaction_id)
        else:
            found = result_on_return(self.ctx.threeds, challenge.transaction_id)
            if found is None:
                return None  # still open: the time-out check settles it
            result = found
        account.repayment_challenge = None
        self.ctx.emit(
            "threeds.completed",
            account.id,
            method=challenge.method_id,
            repayment=challenge.id,
            trans_status=result.trans_status,
        )
        wanted, method_id = challenge.amount, challenge.method_id
        if result.trans_status not in ("Y", "A"):
            reason = threeds_reason(result, challenged=True)
            return self._rejected(account, challenge.id, wanted, method_id, reason)
        method = account.method(method_id)
        if method.status != "active" or not wanted <= account.ledger.payable:
            # while the customer was at the bank's page the method went or the fees moved
            reason = "method_not_active" if method.status != "active" else "invalid_amount"
            return self._rejected(account, challenge.id, wanted, method_id, reason)
        outcome = self._submit(account, challenge.id, wanted, method, result.transaction_id)
        self.deductions.after_settlement(account)
        return outcome

    def _rejected(
        self, account: Account, repayment_id: str, wanted: Cents, method_id: int, reason: str
    ) -> RepaymentOutcome:
        """3DS-2: a failed or abandoned verification ends the repayment; nothing is charged."""
        self.ctx.emit("repayment.rejected", account.id, reason=reason, amount=wanted)
        return RepaymentOutcome(
            repayment_id, "refused", wanted, NO_CENTS, NO_CENTS, method_id, reason
        )

    def _repay_method(self, account: Account, method_id: int | None) -> PaymentMethod | None:
        """PAY-4: the method asked for (repay refuses it unless it is active); none given means
        the default (may be None when the balance covers the whole amount)."""
        if method_id is None:
            return account.default_method
        return account.method(method_id)

    def _refuse(
        self, account: Account, amount: Cents | Fraction, reason: str, message: str
    ) -> NoReturn:
        self.ctx.emit("repayment.rejected", account.id, reason=reason, amount=amount)
        raise PaymentRefused(f"account {account.id}: {message}", reason=reason)

    def _settle(self, account: Account, repayment: Repayment) -> None:
        """PAY-5: the status updates, unless the gateway never answered: then the amount stays
        reserved until a look-up by the repayment's key tells."""
        if repayment.outcome_unknown:
            self._unknown(account, repayment)
        else:
            paid = repayment.outcome_reason is None
            account.ledger.settle_repayment(paid, repayment.from_billed, repayment.from_undeducted)
            self._conclude(account, repayment, repayment.outcome_reason, "repayment.settled")
        self.deductions.after_settlement(account)

    def _unknown(self, account: Account, repayment: Repayment) -> None:
        repayment.status = "unknown"
        account.ledger.repayment_unknown(repayment.amount)
        self.ctx.emit(
            "repayment.unknown",
            account.id,
            repayment=repayment.id,
            amount=repayment.amount,
            charged=repayment.charged,
        )
        assert repayment.method_id is not None  # only a charge can go unanswered
        reconcile_later(
            self.ctx,
            account,
            key=repayment.id,
            purpose="repayment",
            method_id=repayment.method_id,
            charged=repayment.charged,
            settle=lambda found: self._reconciled(account, repayment, found),
        )

    def _reconciled(self, account: Account, repayment: Repayment, found: GatewayResult) -> None:
        account.ledger.resolve_unknown(found.ok, repayment.from_billed, repayment.from_undeducted)
        reason = None if found.ok else found.reason or "declined"
        self._conclude(account, repayment, reason, "repayment.reconciled")
        self.deductions.after_settlement(account)

    def _conclude(
        self, account: Account, repayment: Repayment, reason: str | None, event: str
    ) -> None:
        repayment.status = "paid" if reason is None else "failed"
        fields: dict[str, object] = {
            "repayment": repayment.id,
            "amount": repayment.amount,
            "status": repayment.status,
        }
        if reason is not None:
            repayment.reason = reason
            account.balance += repayment.from_balance
            fields["reason"] = reason
        self.ctx.emit(event, account.id, **fields)
