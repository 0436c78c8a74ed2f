"""PayPal's own Python SDK (paypal-server-sdk) runs the vault and payment flow against the mock
over real HTTP: a client written for PayPal's REST API works (PAYPAL-1, PAYPAL-3, AUTO-5)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from paypalserversdk.configuration import Configuration
from paypalserversdk.exceptions.error_exception import ErrorException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.capture_request import CaptureRequest
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.payment_token_request import PaymentTokenRequest
from paypalserversdk.models.payment_token_request_payment_source import (
    PaymentTokenRequestPaymentSource,
)
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.setup_token_request import SetupTokenRequest
from paypalserversdk.models.setup_token_request_payment_source import (
    SetupTokenRequestPaymentSource,
)
from paypalserversdk.models.vault_experience_context import VaultExperienceContext
from paypalserversdk.models.vault_paypal_wallet_request import VaultPaypalWalletRequest
from paypalserversdk.models.vault_token_request import VaultTokenRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from mock_gateways.common.server import RunningServer
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.examples import RETURN_URL


@pytest.fixture
def sdk(paypal_app, paypal_core: PayPalCore) -> Iterator[PaypalServersdkClient]:
    with RunningServer(paypal_app) as server:
        paypal_core.public_url = server.url

        class MockPayPal(Configuration):
            """The SDK's configuration with the mock's address instead of PayPal's."""

            def get_base_uri(self, server=None):
                return paypal_core.public_url

        credentials = ClientCredentialsAuthCredentials("billing-sim", "billing-sim-secret")
        yield PaypalServersdkClient(
            config=MockPayPal(client_credentials_auth_credentials=credentials)
        )


def setup_token(sdk: PaypalServersdkClient, request_id: str):
    wallet = VaultPaypalWalletRequest(
        description="Usage billing",
        usage_type="MERCHANT",
        customer_type="CONSUMER",
        experience_context=VaultExperienceContext(return_url=RETURN_URL, cancel_url=RETURN_URL),
    )
    body = SetupTokenRequest(payment_source=SetupTokenRequestPaymentSource(paypal=wallet))
    return sdk.vault.create_setup_token({"body": body, "paypal_request_id": request_id})


def payment_token(sdk: PaypalServersdkClient, setup_token_id: str, request_id: str):
    token = VaultTokenRequest(id=setup_token_id, mtype="SETUP_TOKEN")
    body = PaymentTokenRequest(payment_source=PaymentTokenRequestPaymentSource(token=token))
    return sdk.vault.create_payment_token({"body": body, "paypal_request_id": request_id})


def order(sdk: PaypalServersdkClient, intent: str, vault_id: str, value: str, request_id: str):
    body = OrderRequest(
        intent=intent,
        purchase_units=[
            PurchaseUnitRequest(amount=AmountWithBreakdown(currency_code="USD", value=value))
        ],
        payment_source=PaymentSource(paypal=PaypalWallet(vault_id=vault_id)),
    )
    return sdk.orders.create_order(
        {"body": body, "paypal_request_id": request_id, "prefer": "return=representation"}
    )


def test_paypal_sdk_vaults_authorizes_voids_and_captures(sdk, paypal_core: PayPalCore):
    """PAYPAL-1 and AUTO-5 through PayPal's SDK: setup token, the buyer approves at the page,
    payment token, USD 1.00 authorization voided, then an authorization captured."""
    paypal_core.add_buyer("ap@acme.test")
    setup = setup_token(sdk, "s1")
    assert (setup.status_code, setup.body.status) == (201, "PAYER_ACTION_REQUIRED")
    approve = next(link.href for link in setup.body.links if link.rel == "approve")
    form = {"approval_session_id": setup.body.id, "email": "ap@acme.test", "action": "approve"}
    assert httpx.post(approve.split("?")[0], data=form).status_code == 303

    vaulted = payment_token(sdk, setup.body.id, "v1")
    assert vaulted.status_code == 201
    assert vaulted.body.payment_source.paypal.email_address == "ap@acme.test"

    paid = order(sdk, "AUTHORIZE", vaulted.body.id, "1.00", "o1")
    assert (paid.status_code, paid.body.status) == (201, "COMPLETED")
    auth_id = paid.body.purchase_units[0].payments.authorizations[0].id
    voided = sdk.payments.void_payment({"authorization_id": auth_id, "paypal_request_id": "x1"})
    assert voided.status_code == 204
    fetched = sdk.payments.get_authorized_payment({"authorization_id": auth_id})
    assert fetched.body.status == "VOIDED"
    with pytest.raises(ErrorException) as again:
        sdk.payments.void_payment({"authorization_id": auth_id, "paypal_request_id": "x2"})
    assert (again.value.response_code, again.value.details[0].issue) == (422, "PREVIOUSLY_VOIDED")

    held = order(sdk, "AUTHORIZE", vaulted.body.id, "20.00", "o2")
    held_id = held.body.purchase_units[0].payments.authorizations[0].id
    captured = sdk.payments.capture_authorized_payment(
        {
            "authorization_id": held_id,
            "body": CaptureRequest(
                amount=Money(currency_code="USD", value="20.00"), final_capture=True
            ),
            "paypal_request_id": "c1",
            "prefer": "return=representation",
        }
    )
    assert (captured.status_code, captured.body.status) == (201, "COMPLETED")
    assert captured.body.amount.value == "20.00"


def test_paypal3_sdk_sees_an_unapproved_agreement_refused(sdk):
    """PAYPAL-3 through PayPal's SDK: vaulting a setup token nobody approved is 422
    PAYER_ACTION_REQUIRED."""
    setup = setup_token(sdk, "s1")
    with pytest.raises(ErrorException) as refused:
        payment_token(sdk, setup.body.id, "v1")
    assert refused.value.response_code == 422
    assert refused.value.details[0].issue == "PAYER_ACTION_REQUIRED"
