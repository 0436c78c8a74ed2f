"""A simulated cardholder at the ACS challenge page: in process (the `direct` transport) or as a
browser over httpx (wsgi/http) that loads the page and submits its form."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import httpx

from mock_gateways.card.test_cards import CHALLENGE_CODE
from mock_gateways.threeds.core import ThreeDSServer

#: pass: types the right code; fail: a wrong one; cancel: presses Cancel; abandon: does nothing
#: (the challenge times out after 10 simulated minutes)
Action = Literal["pass", "fail", "cancel", "abandon"]
WRONG_CODE = "000000"


def transaction_id(acs_url: str) -> str:
    """The threeDSServerTransID at the end of an acsURL."""
    return urlsplit(acs_url).path.rstrip("/").rsplit("/", 1)[-1]


class DirectCustomer:
    """Completes challenges by calling the core, as the page's form would."""

    def __init__(self, core: ThreeDSServer) -> None:
        self.core = core

    def act(self, acs_url: str, action: Action) -> str | None:
        """Do `action` on the challenge; returns the merchant return URL the browser would be
        sent to (None for abandon)."""
        trans_id = transaction_id(acs_url)
        if action == "abandon":
            return None
        if action == "cancel":
            self.core.cancel_challenge(trans_id)
        else:
            self.core.complete_challenge(
                trans_id, CHALLENGE_CODE if action == "pass" else WRONG_CODE
            )
        return self.core.return_url(trans_id)


class BrowserCustomer:
    """Loads the challenge page and posts its form with httpx, like a real browser. `client`
    reaches the 3DS app: `httpx.Client(transport=httpx.WSGITransport(app=app))` or a plain
    client for a real server (the acsURL is absolute)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def act(self, acs_url: str, action: Action) -> str | None:
        page = self.client.get(acs_url)
        page.raise_for_status()
        if action == "abandon":
            return None
        form = (
            {"action": "cancel"}
            if action == "cancel"
            else {
                "action": "submit",
                "otp": CHALLENGE_CODE if action == "pass" else WRONG_CODE,
            }
        )
        response = self.client.post(acs_url, data=form, follow_redirects=False)
        if response.status_code != 303:
            raise RuntimeError(f"challenge form answered {response.status_code}, expected 303")
        return response.headers["Location"]
