"""The buyer's PayPal approval page as HTML a real browser can use: log in with an email, then
agree or cancel. Every page carries its stable result code in `data-code`."""

from __future__ import annotations

from html import escape

from mock_gateways.paypal.model import SetupToken
from mock_gateways.paypal.shapes import APPROVE_PATH

#: the form's fields, as POSTed (application/x-www-form-urlencoded) to /agreements/approve
FORM_FIELDS = ("approval_session_id", "email", "action")
ACTIONS = ("approve", "cancel")
GONE = "This approval link is unknown or expired."

_STYLE = (
    "body{font-family:sans-serif;max-width:28rem;margin:3rem auto;color:#222}"
    "h1{color:#003087}.error{color:#b00020}button{margin-right:.5rem;padding:.4rem 1rem}"
)


def _page(title: str, code: str, inner: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body data-code="{escape(code)}"><h1>PayPal (simulated)</h1>{inner}</body></html>'
    )


def login_page(token: SetupToken, *, email: str = "", error: tuple[str, str] | None = None) -> str:
    """The agreement and the login form. `error` is (code, message) from a failed attempt."""
    merchant = escape(token.brand_name or "The merchant")
    what = escape(token.description or "future payments for your usage")
    notice = ""
    code = "LOGIN"
    if error is not None:
        code, message = error
        notice = f'<p class="error" data-code="{escape(code)}">{escape(message)}</p>'
    return _page(
        "Log in to PayPal",
        code,
        f"<p>{merchant} asks to charge your PayPal account for {what}, without asking you "
        "each time.</p>"
        f"{notice}"
        f'<form method="post" action="{APPROVE_PATH}">'
        f'<input type="hidden" name="approval_session_id" value="{escape(token.id)}">'
        '<label>Email <input type="email" name="email" required '
        f'value="{escape(email)}"></label>'
        '<p><button type="submit" name="action" value="approve">Agree and continue</button>'
        '<button type="submit" name="action" value="cancel" formnovalidate>'
        "Cancel and return to merchant</button></p></form>",
    )


def message_page(code: str, message: str) -> str:
    """A final page (cancelled without a cancel URL, expired link, bad request)."""
    return _page("PayPal", code, f'<p data-code="{escape(code)}">{escape(message)}</p>')
