"""The ACS challenge page: plain HTML with a one-time-code form a real browser can submit."""

from __future__ import annotations

from html import escape
from typing import Any

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verify your payment</title></head>
<body>
<h1>Verify your payment</h1>
<p>{merchant} asks for {amount} {currency} on your {brand} card ending {last4}.</p>
{content}
</body></html>
"""

_FORM = """<form method="post" action="{action}">
<label for="otp">One-time code sent to your phone</label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" autofocus>
<button type="submit" name="action" value="submit">Submit</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
<p><small>Test environment: the code is 123456.</small></p>"""

_DONE = "<p>This verification is finished: status {status}{reason}.</p>"


def render(page: dict[str, Any], action: str) -> str:
    """The page for `page` (ThreeDSServer.challenge_page): the form while open, else the end."""
    if page["open"]:
        content = _FORM.format(action=escape(action))
    else:
        reason = f" ({escape(page['reason'])})" if page["reason"] else ""
        content = _DONE.format(status=escape(page["transStatus"]), reason=reason)
    return _PAGE.format(
        merchant=escape(page["merchantName"]),
        amount=escape(page["purchaseAmount"]),
        currency=escape(page["purchaseCurrency"]),
        brand=escape(page["cardBrand"]),
        last4=escape(page["last4"]),
        content=content,
    )
