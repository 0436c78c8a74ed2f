"""Account lifecycle: opening, PAYG product activation (AUTO-5), deactivation and the end of its
cool-down (LINK-2)."""

from __future__ import annotations

from billing_engine.domain.account import Account
from billing_engine.domain.outcomes import ActivationOutcome
from billing_engine.domain.payment_methods import CardMethod, PaymentMethod, PayPalMethod
from billing_engine.errors import AccountStateError, BillingError, InvalidAmount, UnknownProduct
from billing_engine.money import ZERO, Cents, parse_amount
from billing_engine.use_cases.context import EngineContext
from billing_engine.use_cases.verification import Verification


def require_active(account: Account, action: str) -> None:
    if account.is_deactivated:
        raise AccountStateError(
            f"account {account.id} is deactivated: cannot {action}", reason="account_deactivated"
        )


def check_product_name(product: object) -> str:
    if not isinstance(product, str) or not product.strip():
        raise UnknownProduct(f"product must be a non-empty name, got {product!r}")
    return product


def unlink_method(ctx: EngineContext, account: Account, method: PaymentMethod) -> None:
    """Unlinked, and free in the registry at once (LINK-2)."""
    was_active = method.status == "active"
    method.status = "unlinked"
    if isinstance(method, CardMethod):
        method.threeds_transaction_id = None
    if was_active and method.registry_key is not None:
        ctx.registry.release(method.registry_key)
    ctx.emit("payment_method.unlinked", account.id, method=method.id)


def change_default(ctx: EngineContext, account: Account, method_id: int | None) -> None:
    previous, account.default_method_id = account.default_method_id, method_id
    ctx.emit("payment_method.default_changed", account.id, method=method_id, previous=previous)


class Lifecycle:
    def __init__(self, ctx: EngineContext, verification: Verification) -> None:
        self.ctx = ctx
        self.verification = verification

    def open_account(
        self, account_id: str, *, country: str, tax_rate: object = ZERO, balance: object = ZERO
    ) -> Account:
        if not isinstance(account_id, str) or not account_id.strip():
            raise BillingError(f"account id must be a non-empty string, got {account_id!r}")
        if account_id in self.ctx.accounts:
            raise AccountStateError(f"account {account_id!r} is already open")
        if not isinstance(country, str) or len(country) != 2 or not country.isalpha():
            raise BillingError(
                f"account {account_id}: country must be ISO 3166 alpha-2, got {country!r}"
            )
        rate = parse_amount(tax_rate, field="tax_rate")
        if rate < 0:
            raise InvalidAmount(f"account {account_id}: tax_rate {tax_rate} is negative")
        prepaid = Cents.exact(parse_amount(balance, field="balance"))
        if prepaid is None or prepaid < 0:
            raise InvalidAmount(
                f"account {account_id}: balance {balance} must be whole cents and not negative"
            )
        account = Account(
            id=account_id,
            country=country.upper(),
            tax_rate=rate,
            balance=prepaid,
            opened_at=self.ctx.now(),
            key_style=self.ctx.key_style,
        )
        self.ctx.accounts[account_id] = account
        self.ctx.emit("account.opened", account_id, country=account.country, balance=prepaid)
        return account

    def activate_product(self, account: Account, product: object) -> ActivationOutcome:
        """AUTO-5: the first PAYG activation with PayPal as default makes a USD 1.00 check on
        PayPal; if it fails the activation is refused. Later activations make none."""
        name = check_product_name(product)
        require_active(account, f"activate {name}")
        if name in account.products:
            return ActivationOutcome(name, "activated")
        method = account.default_method
        if not account.payg_activated and isinstance(method, PayPalMethod):
            reason = self.verification.paypal(account, method)
            if reason is not None:
                self.ctx.emit("product.activation_refused", account.id, product=name, reason=reason)
                return ActivationOutcome(name, "refused", reason)
        account.payg_activated = True
        account.products.append(name)
        self.ctx.emit("product.activated", account.id, product=name)
        return ActivationOutcome(name, "activated")

    def deactivate(self, account: Account) -> None:
        """LINK-2: the account keeps its methods for the cool-down, then frees them."""
        require_active(account, "deactivate it again")
        now = self.ctx.now()
        account.status = "deactivated"
        account.deactivated_at = now
        account.cooldown_until = now + self.ctx.policy.cooldown
        self.ctx.emit("account.deactivated", account.id, cooldown_until=account.cooldown_until)
        self.ctx.call_at(account.cooldown_until, lambda: self.end_cooldown(account), account.id)

    def end_cooldown(self, account: Account) -> None:
        """LINK-2: the cool-down is over: the account's methods are unlinked and free."""
        if account.cooldown_over:
            return
        account.cooldown_over = True
        for method in account.methods:
            if method.status in ("active", "pending"):
                unlink_method(self.ctx, account, method)
        if account.default_method_id is not None:
            change_default(self.ctx, account, None)
        self.ctx.emit("account.cooldown_ended", account.id)

    def holder_elsewhere(self, key: str | None) -> bool:
        """LINK-1/2: is the card or payer held by a linked method (any account, this one too)?
        A deactivated holder past its cool-down holds nothing."""
        holder = None if key is None else self.ctx.registry.holder(key)
        if holder is None:
            return False
        holding = self.ctx.accounts[holder[0]]
        if holding.is_deactivated and not holding.in_cooldown(self.ctx.now()):
            self.end_cooldown(holding)
            return False
        return True
