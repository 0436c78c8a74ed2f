"""The mock PayPal (PayPalCore): its vault and payment operations, OAuth client credentials and
the buyer accounts. Operations take and return PayPal's JSON shapes, in process or over Flask."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mock_gateways.common.clock import Clock, format_instant
from mock_gateways.common.errors import bad_request, conflict
from mock_gateways.common.errors import not_found as admin_not_found
from mock_gateways.paypal.errors import OAuthError
from mock_gateways.paypal.model import (
    ACCESS_TOKEN_TTL,
    DECLINES,
    AccessToken,
    Buyer,
    Decline,
    email_key,
)
from mock_gateways.paypal.payments import PaymentsApi
from mock_gateways.paypal.vault import VaultApi

APP_ID = "APP-80W284485P519543T"
SCOPES = (
    "https://uri.paypal.com/services/payments/payment/authcapture "
    "https://uri.paypal.com/services/vault/payment-tokens/readwrite "
    "https://uri.paypal.com/services/payments/orders/readwrite"
)


class PayPalCore(VaultApi, PaymentsApi):
    """All state of one mock PayPal. Public operations are thread-safe."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        public_url: str | None = None,
        clients: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(clock=clock, seed=seed, public_url=public_url)
        #: the OAuth client credentials the mock accepts (client_id -> secret); None: any
        #: client id with any secret, as stripe-mock takes any key
        self.clients = None if clients is None else dict(clients)
        self._clear()

    # --- OAuth 2.0 client credentials ------------------------------------------------------

    def issue_access_token(
        self, client_id: str, secret: str, grant_type: str | None
    ) -> dict[str, Any]:
        """POST /v1/oauth2/token. Not subject to faults: only HTTP clients make this call, and
        the engine must see the same outcomes whether it talks HTTP or in process."""
        if grant_type != "client_credentials":
            raise OAuthError(
                "unsupported_grant_type",
                "Grant Type is NULL"
                if not grant_type
                else f"Grant Type {grant_type[:40]!r} is not supported; use client_credentials",
                status=400,
            )
        with self.lock:
            if self.clients is not None and self.clients.get(client_id) != secret:
                raise OAuthError("invalid_client", "Client Authentication failed", status=401)
            now = self.now()
            self._forget_access_tokens(now)
            token = AccessToken(
                token=self._fresh("access_token", self.access_tokens, self.access_tokens_issued),
                client_id=client_id,
                app_id=APP_ID,
                expires_at=now + ACCESS_TOKEN_TTL,
            )
            self.access_tokens[token.token] = token
            self.access_token_queue.append(token)
            self.access_tokens_issued += 1
            return {
                "scope": SCOPES,
                "access_token": token.token,
                "token_type": "Bearer",
                "app_id": token.app_id,
                "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
                "nonce": f"{format_instant(now)}{token.token[-43:]}",
            }

    def _forget_access_tokens(self, now: datetime) -> None:
        """Drop tokens expired for another lifetime: a long-running mock whose clients log in
        again and again stays flat. Until then an expired token is answered as expired."""
        queue = self.access_token_queue
        while queue and queue[0].expires_at + ACCESS_TOKEN_TTL <= now:
            gone = queue.popleft()
            if self.access_tokens.get(gone.token) is gone:
                del self.access_tokens[gone.token]

    def check_access_token(self, token: str) -> AccessToken:
        """The live access token, or 401 `invalid_token` (unknown or expired in simulated time)."""
        with self.lock:
            found = self.access_tokens.get(token)
            if found is None:
                raise OAuthError("invalid_token", "Token signature verification failed", status=401)
            if self.now() >= found.expires_at:
                raise OAuthError("invalid_token", "Access Token expired", status=401)
            return found

    # --- buyers (admin) --------------------------------------------------------------------

    def add_buyer(
        self,
        email: str,
        *,
        funding_source: bool = True,
        decline: Decline = "none",
        given_name: str | None = None,
        surname: str | None = None,
    ) -> Buyer:
        """A PayPal account simulated customers log in with. `decline`: "none", "charges"
        (authorizations pass, immediate payments fail) or "all". Adding the same buyer again
        returns it (several accounts may try one PayPal account, LINK-1); the same email with
        other settings is 409 `buyer_exists`."""
        key = email_key(email)
        if "@" not in key or len(key) > 254 or not key.isprintable():
            raise bad_request("invalid_field", "email: expected an email address")
        _check_decline(decline)
        local = key.split("@", 1)[0]
        given_name = given_name or local.split(".")[0].capitalize() or "Buyer"
        surname = surname or "Sim"
        with self.lock:
            existing = self.buyers.get(key)
            if existing is not None:
                current = (existing.funding_source, existing.decline, existing.given_name)
                if (*current, existing.surname) != (funding_source, decline, given_name, surname):
                    raise conflict(
                        "buyer_exists", f"a buyer with email {key} exists with other settings"
                    )
                return existing
            buyer = Buyer(
                email=key,
                payer_id=self._fresh("payer", {b.payer_id: b for b in self.buyers.values()}, key),
                given_name=given_name,
                surname=surname,
                funding_source=funding_source,
                decline=decline,
            )
            self.buyers[key] = buyer
            return buyer

    def update_buyer(
        self, email: str, *, funding_source: bool | None = None, decline: Decline | None = None
    ) -> Buyer:
        """Add or remove the buyer's funding source, or change how their payments fare."""
        if decline is not None:
            _check_decline(decline)
        with self.lock:
            buyer = self.buyer(email)
            if decline is not None:
                buyer.decline = decline
            if funding_source is not None:
                buyer.funding_source = funding_source
            return buyer

    def buyer(self, email: str) -> Buyer:
        with self.lock:
            found = self.buyers.get(email_key(email))
            if found is None:
                raise admin_not_found("unknown_buyer", f"no buyer has the email {email[:254]}")
            return found


def _check_decline(decline: object) -> None:
    if decline not in DECLINES:
        raise bad_request("invalid_field", f"decline: expected one of {', '.join(DECLINES)}")
