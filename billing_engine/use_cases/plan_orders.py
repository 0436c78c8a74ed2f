"""Coding Plan orders (PLAN-1): bought at once from a chosen method, a card order passing through
3D Secure when the issuer asks (3DS-1/2), then renewed monthly from the default method."""

from __future__ import annotations

from billing_engine.domain.account import Account
from billing_engine.domain.months import month_of
from billing_engine.domain.outcomes import PlanOutcome
from billing_engine.domain.payment_methods import CardMethod
from billing_engine.domain.plan import PlanOrder, Subscription, split_tax_inclusive
from billing_engine.errors import PaymentRefused, UnknownProduct
from billing_engine.money import Cents, round_cents
from billing_engine.ports import GatewayResult, ThreeDSResult
from billing_engine.use_cases.challenges import (
    authenticate_payment,
    result_at_timeout,
    result_on_return,
)
from billing_engine.use_cases.charging import charge_method
from billing_engine.use_cases.context import EngineContext
from billing_engine.use_cases.lifecycle import require_active
from billing_engine.use_cases.linking import threeds_reason
from billing_engine.use_cases.reconciliation import reconcile_later


class PlanOrders:
    def __init__(self, ctx: EngineContext) -> None:
        self.ctx = ctx

    def buy(self, account: Account, plan: str, method_id: int) -> PlanOutcome:
        """Customer initiated: a card order asks 3DS (challenge not mandated, the issuer
        decides); a challenge waits for the customer (`complete_threeds`) or times out."""
        require_active(account, "buy a Coding Plan")
        price = self._price(plan)
        method = account.active_method(method_id)
        if plan in account.subscriptions and account.subscriptions[plan].status == "active":
            raise PaymentRefused(
                f"account {account.id} already has the {plan} plan", reason="already_subscribed"
            )
        previous = account.plan_orders.get(plan)
        if previous is not None and previous.status in ("pending", "unknown"):
            waits_for = "3D Secure" if previous.status == "pending" else "its payment's outcome"
            raise PaymentRefused(
                f"account {account.id}: the {plan} order awaits {waits_for}",
                reason="payment_pending",
            )
        order = PlanOrder(plan=plan, price=price, method_id=method.id, key=account.next_id("plan"))
        account.plan_orders[plan] = order
        if not isinstance(method, CardMethod):
            return self._pay(account, order, None)
        result = authenticate_payment(self.ctx, account, method, price)
        if result is None:
            return self._refuse(account, order, "gateway_unavailable")
        if result.trans_status != "C":
            return self._after_threeds(account, order, result, challenged=False)
        order.threeds_transaction_id, order.acs_url = result.transaction_id, result.acs_url
        self.ctx.emit("threeds.challenged", account.id, method=method.id, plan=plan)
        self.ctx.call_at(
            self.ctx.now() + self.ctx.policy.threeds_timeout,
            lambda: self._timed_out(account, order),
            account.id,
        )
        return self.outcome(order)

    def complete_threeds(self, account: Account, plan: str) -> PlanOutcome:
        """The customer is back from the order's challenge page."""
        order = account.plan_orders.get(plan)
        if order is None:
            raise UnknownProduct(f"account {account.id} has no order of the Coding Plan {plan!r}")
        if order.status != "pending":
            return self.outcome(order)
        assert order.threeds_transaction_id is not None
        result = result_on_return(self.ctx.threeds, order.threeds_transaction_id)
        if result is None:
            return self.outcome(order)
        return self._after_threeds(account, order, result, challenged=True)

    def _timed_out(self, account: Account, order: PlanOrder) -> None:
        """3DS-2: an unanswered challenge is abandoned; the order ends."""
        if order.status != "pending":
            return
        assert order.threeds_transaction_id is not None
        result = result_at_timeout(self.ctx.threeds, order.threeds_transaction_id)
        self._after_threeds(account, order, result, challenged=True)

    def _after_threeds(
        self, account: Account, order: PlanOrder, result: ThreeDSResult, *, challenged: bool
    ) -> PlanOutcome:
        self.ctx.emit(
            "threeds.completed",
            account.id,
            method=order.method_id,
            plan=order.plan,
            trans_status=result.trans_status,
        )
        if result.trans_status not in ("Y", "A"):
            return self._refuse(account, order, threeds_reason(result, challenged))
        return self._pay(account, order, result.transaction_id)

    def _pay(self, account: Account, order: PlanOrder, threeds_id: str | None) -> PlanOutcome:
        method = account.method(order.method_id)
        if account.is_deactivated:  # while the customer was at the challenge page
            return self._refuse(account, order, "account_deactivated")
        if method.status != "active":
            return self._refuse(account, order, "no_payment_method")
        charge = charge_method(
            self.ctx,
            method,
            order.price,
            order.key,
            merchant_initiated=False,
            threeds_transaction_id=threeds_id,
        )
        if charge.unknown:
            order.status = "unknown"
            self.ctx.emit("plan.purchase_unknown", account.id, plan=order.plan, amount=order.price)
            reconcile_later(
                self.ctx,
                account,
                key=order.key,
                purpose="plan",
                method_id=method.id,
                charged=order.price,
                settle=lambda found: self._purchase(account, order, found),
            )
            return self.outcome(order)
        return self._purchase(account, order, charge)

    def _purchase(self, account: Account, order: PlanOrder, charge: GatewayResult) -> PlanOutcome:
        if not charge.ok:
            return self._refuse(account, order, charge.reason or "declined")
        order.status = "purchased"
        subscription = Subscription(plan=order.plan, price=order.price, started_at=self.ctx.now())
        account.subscriptions[order.plan] = subscription
        self._record_charge(account, subscription)
        self.ctx.emit(
            "plan.purchased",
            account.id,
            plan=order.plan,
            amount=order.price,
            method=order.method_id,
        )
        self._schedule_renewal(account, subscription)
        return self.outcome(order)

    def _refuse(self, account: Account, order: PlanOrder, reason: str) -> PlanOutcome:
        """3DS-2: nothing charged."""
        order.status, order.reason = "refused", reason
        self.ctx.emit(
            "plan.purchase_refused", account.id, plan=order.plan, amount=order.price, reason=reason
        )
        return self.outcome(order)

    @staticmethod
    def outcome(order: PlanOrder) -> PlanOutcome:
        if order.status == "pending":
            return PlanOutcome(
                order.plan,
                "challenge",
                order.price,
                acs_url=order.acs_url,
                threeds_transaction_id=order.threeds_transaction_id,
            )
        return PlanOutcome(order.plan, order.status, order.price, order.reason)

    def _price(self, plan: object) -> Cents:
        prices = self.ctx.policy.plan_prices
        if not isinstance(plan, str) or plan not in prices:
            raise UnknownProduct(f"unknown Coding Plan {plan!r}; known: {sorted(prices)}")
        return round_cents(prices[plan])

    # --- renewals -------------------------------------------------------------------------

    def _record_charge(self, account: Account, subscription: Subscription) -> None:
        pretax, tax = split_tax_inclusive(subscription.price, account.tax_rate)
        account.ledger.record_plan_charge(
            month_of(self.ctx.now()), subscription.plan, subscription.price, pretax, tax
        )

    def _schedule_renewal(self, account: Account, subscription: Subscription) -> None:
        self.ctx.call_at(
            subscription.next_renewal, lambda: self._renew(account, subscription), account.id
        )

    def _renew(self, account: Account, subscription: Subscription) -> None:
        """A merchant-initiated charge of the default method; a failure lapses the plan, an
        unanswered one waits to be reconciled."""
        if subscription.status != "active":
            return
        method = account.default_method
        subscription.renewals += 1
        if account.is_deactivated:
            self._renewed(account, subscription, None, "account_deactivated")
        elif method is None:
            self._renewed(account, subscription, None, "no_payment_method")
        else:
            key = account.next_id("plan")
            charge = charge_method(
                self.ctx, method, subscription.price, key, merchant_initiated=True
            )
            if charge.unknown:
                self.ctx.emit(
                    "plan.renewal_unknown",
                    account.id,
                    plan=subscription.plan,
                    amount=subscription.price,
                )
                reconcile_later(
                    self.ctx,
                    account,
                    key=key,
                    purpose="plan",
                    method_id=method.id,
                    charged=subscription.price,
                    settle=lambda found: self._renewed(
                        account, subscription, method.id, found.reason
                    ),
                )
                return
            self._renewed(account, subscription, method.id, charge.reason)

    def _renewed(
        self,
        account: Account,
        subscription: Subscription,
        method_id: int | None,
        failure: str | None,
    ) -> None:
        """The renewal's outcome: the plan lapses on a failure, else the next renewal is set."""
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
            method=method_id,
        )
        self._schedule_renewal(account, subscription)
