"""Manual repayment (PAY-1..5): an amount the customer chose, the balance first, the rest charged
to a method, one pending at a time."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from billing_engine.account import Account
from billing_engine.charging import take_payment
from billing_engine.collection import Collection
from billing_engine.context import EngineContext
from billing_engine.errors import PaymentRefused
from billing_engine.money import format_amount, parse_amount, round_cents
from billing_engine.outcomes import RepaymentOutcome
from billing_engine.payment_methods import PaymentMethod
from billing_engine.repayment import Repayment


class Payments:
    def __init__(self, ctx: EngineContext, collection: Collection) -> None:
        self.ctx = ctx
        self.collection = collection

    # --- manual repayment -----------------------------------------------------------------

    def repay(
        self, account: Account, amount: Fraction | Literal["all"] | str, method_id: int | None
    ) -> RepaymentOutcome:
        """PAY-2: 0 < amount <= outstanding not in flight; PAY-3: balance first; PAY-5: one
        pending repayment at a time. Refusals raise PaymentRefused and charge nothing."""
        method = self._repay_method(account, method_id)
        payable = account.ledger.payable
        wanted = payable if amount == "all" else parse_amount(amount, field="repay amount")
        if account.repayment_pending is not None:
            self._refuse(account, wanted, "payment_pending", "a repayment is still pending (PAY-5)")
        if not 0 < wanted <= payable or round_cents(wanted) != wanted:
            self._refuse(
                account,
                wanted,
                "invalid_amount",
                f"repay amount {format_amount(wanted)} must be whole cents above 0.00 and at "
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
        from_billed, from_undeducted = account.ledger.start_repayment(wanted)
        payment = take_payment(
            self.ctx, account, wanted, method, repayment_id, merchant_initiated=False
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

    def _repay_method(self, account: Account, method_id: int | None) -> PaymentMethod | None:
        """PAY-4: the method asked for (repay refuses it unless it is active); none given means
        the default (may be None when the balance covers the whole amount)."""
        if method_id is None:
            return account.default_method
        return account.method(method_id)

    def _refuse(self, account: Account, amount: Fraction, reason: str, message: str) -> None:
        self.ctx.emit("repayment.rejected", account.id, reason=reason, amount=amount)
        raise PaymentRefused(f"account {account.id}: {message}", reason=reason)

    def _settle(self, account: Account, repayment: Repayment) -> None:
        paid = repayment.outcome_reason is None
        account.ledger.settle_repayment(paid, repayment.from_billed, repayment.from_undeducted)
        repayment.status = "paid" if paid else "failed"
        fields: dict[str, object] = {
            "repayment": repayment.id,
            "amount": repayment.amount,
            "status": repayment.status,
        }
        if not paid:
            repayment.reason = repayment.outcome_reason
            account.balance += repayment.from_balance
            fields["reason"] = repayment.reason
        self.ctx.emit("repayment.settled", account.id, **fields)
        self.collection.after_settlement(account)
