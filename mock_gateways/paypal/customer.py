"""A simulated PayPal buyer at the approval page: in process (`direct`) or as a browser over
httpx (wsgi/http) posting the page's form; both give the same `ApprovalOutcome`."""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs, urlsplit

import httpx

from mock_gateways.common.clock import Clock, format_instant
from mock_gateways.paypal.approval_page import GONE
from mock_gateways.paypal.core import PayPalCore
from mock_gateways.paypal.errors import PayPalError
from mock_gateways.paypal.model import ApprovalOutcome

#: approve: logs in and agrees; cancel: presses "Cancel and return to merchant"; abandon: closes
#: the page (the setup token stays unapproved)
Action = Literal["approve", "cancel", "abandon"]


def approval_session_id(approve_url: str) -> str:
    """The setup token id in an approve link (`?approval_session_id=...`)."""
    values = parse_qs(urlsplit(approve_url).query).get("approval_session_id")
    if not values:
        raise ValueError(f"{approve_url!r} has no approval_session_id")
    return values[0]


class DirectBuyer:
    """Acts at the approval page by calling the core, as the page's form would."""

    def __init__(self, core: PayPalCore) -> None:
        self.core = core

    def act(self, approve_url: str, email: str, action: Action) -> ApprovalOutcome | None:
        """Do `action` as the buyer `email`; None for abandon."""
        session = approval_session_id(approve_url)
        if action == "abandon":
            return None
        try:
            if action == "cancel":
                return self.core.cancel(session, email)
            return self.core.approve(session, email)
        except PayPalError:
            return ApprovalOutcome(session, "EXPIRED_OR_UNKNOWN", GONE)


class BrowserBuyer:
    """Loads the approval page and posts its form (fields `approval_session_id`, `email`,
    `action`) with httpx, asking for the JSON outcome instead of the redirect. `client` reaches
    the PayPal app: `httpx.Client(transport=httpx.WSGITransport(app=app))`, or a plain client
    for a real server (the approve link is absolute). With a `clock`, the buyer's requests carry
    X-Sim-Time, so the page judges expiry at the same simulated time as in process."""

    def __init__(self, client: httpx.Client, *, clock: Clock | None = None) -> None:
        self.client = client
        self.clock = clock

    def act(self, approve_url: str, email: str, action: Action) -> ApprovalOutcome | None:
        headers = {} if self.clock is None else {"X-Sim-Time": format_instant(self.clock.now())}
        page = self.client.get(approve_url, headers=headers)
        if action == "abandon":
            return None
        if page.status_code == 404:
            return ApprovalOutcome(approval_session_id(approve_url), "EXPIRED_OR_UNKNOWN", GONE)
        page.raise_for_status()
        form = {"approval_session_id": approval_session_id(approve_url), "email": email}
        form["action"] = action
        response = self.client.post(
            approve_url.split("?", 1)[0],
            data=form,
            headers={"Accept": "application/json", **headers},
            follow_redirects=False,
        )
        data = response.json()
        if "approval_session_id" not in data:
            raise RuntimeError(f"approval form answered {response.status_code}: {data}")
        return ApprovalOutcome(
            setup_token_id=data["approval_session_id"],
            result=data["result"],
            message=data["message"],
            redirect_url=data["redirect_url"],
        )
