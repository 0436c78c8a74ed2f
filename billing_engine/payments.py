"""Customer payments: manual repayment (PAY-1..5) and the Coding Plan, bought at once from a
chosen method and renewed monthly from the default one (PLAN-1, 3DS-1)."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from billing_engine.account import Account
from billing_engine.charging import charge_method, take_payment
from billing_engine.collection import Collection
from billing_engine.context import EngineContext
from billing_engine.errors import PaymentRefused, UnknownProduct
from billing_engine.lifecycle import require_active
from billing_engine.linking import threeds_reason
from billing_engine.money import format_amount, parse_amount, round_cents, to_decimal
from billing_engine.months import month_of
from billing_engine.outcomes import PlanOutcome, RepaymentOutcome
from billing_engine.payment_methods import CardMethod, PaymentMethod
from billing_engine.plan import Subscription, split_tax_inclusive
from billing_engine.ports import GatewayUnavailable
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
        """PAY-4: any active method; none given means the default (may be None when the
        balance covers the whole amount)."""
        if method_id is None:
            return account.default_method
        return account.active_method(method_id)

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

    # --- Coding Plan ----------------------------------------------------------------------

    def buy_plan(self, account: Account, plan: str, method_id: int) -> PlanOutcome:
        """PLAN-1: an order paid at once from the chosen method; a card order passes through
        3D Secure (3DS-1). Then a monthly renewal from the default method."""
        require_active(account, "buy a Coding Plan")
        price = self._price(plan)
        method = account.active_method(method_id)
        if plan in account.subscriptions and account.subscriptions[plan].status == "active":
            raise PaymentRefused(
                f"account {account.id} already has the {plan} plan", reason="already_subscribed"
            )
        key = account.next_id("plan")
        failure = self._charge_order(account, method, price, key)
        if failure is not None:
            self.ctx.emit(
                "plan.purchase_refused", account.id, plan=plan, amount=price, reason=failure
            )
            return PlanOutcome(plan, "refused", price, failure)
        subscription = Subscription(plan=plan, price=price, started_at=self.ctx.now())
        account.subscriptions[plan] = subscription
        self._record_charge(account, subscription)
        self.ctx.emit("plan.purchased", account.id, plan=plan, amount=price, method=method.id)
        self._schedule_renewal(account, subscription)
        return PlanOutcome(plan, "purchased", price)

    def _price(self, plan: object) -> Fraction:
        prices = self.ctx.policy.plan_prices
        if not isinstance(plan, str) or plan not in prices:
            raise UnknownProduct(f"unknown Coding Plan {plan!r}; known: {sorted(prices)}")
        return prices[plan]

    def _charge_order(
        self, account: Account, method: PaymentMethod, price: Fraction, key: str
    ) -> str | None:
        """A customer-initiated order: a card goes through 3DS first (challenge not mandated,
        the issuer decides); None when paid, else the reason."""
        threeds_id = None
        if isinstance(method, CardMethod):
            assert method.token is not None
            try:
                result = self.ctx.threeds.authenticate(
                    method.token,
                    to_decimal(price),
                    challenge_mandated=False,
                    return_url=self.ctx.return_url,
                    idempotency_key=account.next_id("3ds"),
                )
            except GatewayUnavailable:
                return "gateway_unavailable"
            if result.trans_status == "C":
                return "threeds_challenged"
            if result.trans_status not in ("Y", "A"):
                return threeds_reason(result, challenged=False)
            threeds_id = result.transaction_id
        charge = charge_method(
            self.ctx,
            method,
            price,
            key,
            merchant_initiated=False,
            threeds_transaction_id=threeds_id,
        )
        return None if charge.ok else charge.reason

    def _record_charge(self, account: Account, subscription: Subscription) -> None:
        pretax, tax = split_tax_inclusive(subscription.price, account.tax_rate)
        account.ledger.record_plan_charge(month_of(self.ctx.now()), subscription.plan, pretax, tax)

    def _schedule_renewal(self, account: Account, subscription: Subscription) -> None:
        self.ctx.call_at(
            subscription.next_renewal, lambda: self._renew(account, subscription), account.id
        )

    def _renew(self, account: Account, subscription: Subscription) -> None:
        """A merchant-initiated charge of the default method; a failure lapses the plan."""
        if subscription.status != "active":
            return
        method = account.default_method
        if account.is_deactivated:
            failure: str | None = "account_deactivated"
        elif method is None:
            failure = "no_payment_method"
        else:
            charge = charge_method(
                self.ctx,
                method,
                subscription.price,
                account.next_id("plan"),
                merchant_initiated=True,
            )
            failure = None if charge.ok else charge.reason
        subscription.renewals += 1
        if failure is not None:
            subscription.status = "lapsed"
            self.ctx.emit(
                "plan.renewal_failed",
                account.id,
                plan=subscription.plan,
                amount=subscription.price,
                reason=failure,
            )
            return
        self._record_charge(account, subscription)
        self.ctx.emit(
            "plan.renewed",
            account.id,
            plan=subscription.plan,
            amount=subscription.price,
            method=method.id if method is not None else None,
        )
        self._schedule_renewal(account, subscription)
