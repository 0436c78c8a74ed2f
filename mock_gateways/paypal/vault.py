"""The vault side of the mock PayPal: setup tokens, the buyer's approval (PAYPAL-1..3) and
payment tokens, as PayPal's Vault v3 API takes and answers them."""

from __future__ import annotations

from typing import Any

from mock_gateways.paypal import requests, shapes
from mock_gateways.paypal.errors import not_found, unprocessable
from mock_gateways.paypal.ids import paypal_id
from mock_gateways.paypal.model import ApprovalOutcome, PaymentToken, SetupToken, email_key
from mock_gateways.paypal.store import PayPalStore


class VaultApi(PayPalStore):
    # --- vault: setup tokens ---------------------------------------------------------------

    def create_setup_token(self, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v3/vault/setup-tokens -> 201 setup token with its `approve` link."""
        params = requests.setup_token_request(body)
        base = self.public_url

        def execute(_decline: str | None) -> dict[str, Any]:
            token_id = self._made_id("setup_token", self.setup_tokens)
            token = SetupToken(
                id=token_id,
                customer_id=params["customer_id"] or paypal_id("customer", self.seed, token_id),
                merchant_customer_id=params["merchant_customer_id"],
                created_at=self.now(),
                return_url=params["return_url"],
                cancel_url=params["cancel_url"],
                brand_name=params["brand_name"],
                description=params["description"],
                usage_type=params["usage_type"],
                usage_pattern=params["usage_pattern"],
                customer_type=params["customer_type"],
                permit_multiple_payment_tokens=params["permit_multiple_payment_tokens"],
            )
            self.setup_tokens[token.id] = token
            return shapes.setup_token(token, base)

        # nothing names a payer yet: the customer the body names, if any
        subject = params["customer_id"] or params["merchant_customer_id"] or ""
        return self._write("setup-tokens.create", request_id, params, execute, subject=subject)

    def get_setup_token(self, setup_token_id: str) -> dict[str, Any]:
        base = self.public_url
        return self._fetch(
            "setup-tokens.get",
            setup_token_id,
            lambda: shapes.setup_token(self._live_setup_token(setup_token_id), base),
            subject=self._payer_of_setup_token(setup_token_id),
        )

    def _live_setup_token(self, setup_token_id: str, *, field: str | None = None) -> SetupToken:
        """An expired setup token is gone, as at PayPal (3 days, unless vaulted)."""
        found = self.setup_tokens.get(setup_token_id)
        if found is None or found.expired(self.now()):
            raise not_found(
                f"Setup token {setup_token_id[:64]} does not exist or has expired.",
                field=field,
                location="body" if field else "path",
            )
        return found

    # --- the approval page, buyer side -----------------------------------------------------

    def approval_session(self, setup_token_id: str) -> SetupToken:
        """The setup token behind an approval page (404 if unknown or expired)."""
        with self.lock:
            return self._live_setup_token(setup_token_id)

    def approve(self, setup_token_id: str, email: str) -> ApprovalOutcome:
        """The buyer logs in with `email` and agrees to the merchant's payment agreement. A buyer
        without a funding source cannot agree (PAYPAL-2): the result is NO_FUNDING_SOURCE and
        the setup token stays unapproved, marked so that vaulting it fails with PAYER_CANNOT_PAY."""
        with self.lock:
            token = self._live_setup_token(setup_token_id)
            buyer = self.buyers.get(email_key(email))
            if buyer is None:
                return ApprovalOutcome(
                    token.id,
                    "UNKNOWN_BUYER",
                    f"There is no PayPal account for {email[:254]}. Check the email address.",
                )
            if token.status != "PAYER_ACTION_REQUIRED":
                if token.buyer_email == buyer.email:
                    return ApprovalOutcome(
                        token.id, "APPROVED", "You already agreed.", self._return_url(token)
                    )
                return ApprovalOutcome(
                    token.id,
                    "ALREADY_COMPLETED",
                    "This agreement was already approved with another PayPal account.",
                )
            token.buyer_email = buyer.email
            if not buyer.funding_source:
                token.last_action = "no_funding_source"
                return ApprovalOutcome(
                    token.id,
                    "NO_FUNDING_SOURCE",
                    "Your PayPal account has no bank account or card to pay with. Add one to "
                    "your PayPal account, then come back to this page to agree.",
                )
            token.status = "APPROVED"
            token.last_action = "approved"
            return ApprovalOutcome(
                token.id,
                "APPROVED",
                "You agreed to pay this merchant with PayPal.",
                self._return_url(token),
            )

    def cancel(self, setup_token_id: str, email: str | None = None) -> ApprovalOutcome:
        """The buyer leaves without agreeing ("Cancel and return to merchant")."""
        with self.lock:
            token = self._live_setup_token(setup_token_id)
            if token.status != "PAYER_ACTION_REQUIRED":
                return ApprovalOutcome(
                    token.id,
                    "ALREADY_COMPLETED",
                    "This agreement was already approved; it can no longer be cancelled here.",
                )
            buyer = self.buyers.get(email_key(email)) if email else None
            if buyer is not None:
                token.buyer_email = buyer.email
            token.last_action = "cancelled"
            return ApprovalOutcome(
                token.id, "CANCELLED", "You cancelled; nothing was agreed.", token.cancel_url
            )

    def _return_url(self, token: SetupToken) -> str:
        separator = "&" if "?" in token.return_url else "?"
        return (
            f"{token.return_url}{separator}approval_token_id={token.id}"
            f"&approval_session_id={token.id}"
        )

    # --- vault: payment tokens -------------------------------------------------------------

    def create_payment_token(self, body: object, *, request_id: object) -> dict[str, Any]:
        """POST /v3/vault/payment-tokens from an approved setup token (PAYPAL-1). Refusals:
        422 PAYER_ACTION_REQUIRED (not approved, or cancelled; PAYPAL-3), 422 PAYER_CANNOT_PAY
        (the buyer has no funding source; PAYPAL-2), 422 SETUP_TOKEN_ALREADY_TOKENIZED, 404."""
        params = requests.payment_token_request(body)
        base = self.public_url

        def execute(_decline: str | None) -> dict[str, Any]:
            field = "/payment_source/token/id"
            setup = self._live_setup_token(params["setup_token_id"], field=field)
            if setup.status == "VAULTED":
                raise unprocessable(
                    "SETUP_TOKEN_ALREADY_TOKENIZED",
                    "The setup token has been used previously to generate a payment token.",
                    field=field,
                )
            if setup.status != "APPROVED":
                if setup.last_action == "no_funding_source":
                    raise unprocessable(
                        "PAYER_CANNOT_PAY",
                        "The payer's PayPal account has no funding source (bank account or "
                        "card); the agreement cannot be completed until one is added.",
                        field=field,
                    )
                why = " (the payer cancelled)" if setup.last_action == "cancelled" else ""
                raise unprocessable(
                    "PAYER_ACTION_REQUIRED",
                    f"The payer has not approved the setup token{why}; complete the approval "
                    "flow first.",
                    field=field,
                )
            assert setup.buyer_email is not None  # approve() sets it
            token = PaymentToken(
                id=self._made_id("payment_token", self.payment_tokens),
                setup_token=setup,
                buyer_email=setup.buyer_email,
                created_at=self.now(),
            )
            setup.status = "VAULTED"
            setup.payment_token_id = token.id
            self.payment_tokens[token.id] = token
            return shapes.payment_token(token, self.buyers[token.buyer_email], base)

        subject = self._payer_of_setup_token(params["setup_token_id"])
        return self._write("payment-tokens.create", request_id, params, execute, subject=subject)

    def get_payment_token(self, payment_token_id: str) -> dict[str, Any]:
        base = self.public_url

        def fetch() -> dict[str, Any]:
            token = self._payment_token(payment_token_id)
            return shapes.payment_token(token, self.buyers[token.buyer_email], base)

        subject = self._payer_of_payment_token(payment_token_id)
        return self._fetch("payment-tokens.get", payment_token_id, fetch, subject=subject)
