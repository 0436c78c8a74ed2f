"""The customer's vocabulary of the feature files and what each phrase means to the harness:
moments and amounts as people write them, the test cards by what they do, countries by name,
and refusal reasons in words (each mapped to the engine's stable reason code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal


class AuthoringError(ValueError):
    """A feature says something its steps cannot read (a moment, an amount, a table's column):
    the feature is wrong, not the engine, so no rule is blamed."""


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_DAY = (
    rf"(?:(?P<weekday>{'|'.join(WEEKDAYS)}),? )?(?P<day>\d{{1,2}}) (?P<month>{'|'.join(MONTHS)}) "
    r"(?P<year>\d{4})"
)
_CLOCK = r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
_DAY_THEN_CLOCK = re.compile(rf"^{_DAY}(?:,? (?:at )?{_CLOCK})?(?: UTC)?$")
_CLOCK_THEN_DAY = re.compile(rf"^{_CLOCK}(?: UTC)? on {_DAY}$")


def moment(text: str) -> datetime:
    """ "Friday 9 January 2026 15:00 UTC", "1 February 2026", "08:00 UTC on 4 January 2026".
    A weekday, when given, must be right: a feature that says Friday means a Friday."""
    text = text.strip()
    match = _DAY_THEN_CLOCK.match(text) or _CLOCK_THEN_DAY.match(text)
    if match is None:
        raise AuthoringError(
            f"cannot read {text!r} as a moment; write e.g. '9 January 2026 15:00 UTC' "
            "or '08:00 UTC on 4 January 2026'"
        )
    parts = match.groupdict()
    try:
        when = datetime(
            int(parts["year"]),
            MONTHS.index(parts["month"]) + 1,
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            tzinfo=UTC,
        )
    except ValueError as impossible:  # 31 February, 25:00: the feature's mistake, not a rule's
        raise AuthoringError(f"{text!r} is no moment of the calendar: {impossible}") from None
    weekday = parts["weekday"]
    if weekday is not None and WEEKDAYS[when.weekday()] != weekday:
        raise AuthoringError(f"{text!r}: that day is a {WEEKDAYS[when.weekday()]}, not a {weekday}")
    return when


def moment_of(logged: str) -> datetime:
    """A moment as the event log writes it ("2026-01-01T00:00:00Z")."""
    return datetime.fromisoformat(logged.replace("Z", "+00:00"))


def spoken(when: datetime) -> str:
    """A moment as the features write it: 'Friday 9 January 2026 15:00 UTC'."""
    return (
        f"{WEEKDAYS[when.weekday()]} {when.day} {MONTHS[when.month - 1]} {when.year} "
        f"{when:%H:%M} UTC"
    )


_USD = re.compile(r"^USD (?P<amount>\d{1,3}(?:,\d{3})*(?:\.\d{2})?|\d+(?:\.\d+)?)$")


def usd(text: str) -> Decimal:
    """ "USD 1,000.00" -> Decimal("1000.00")."""
    match = _USD.match(text.strip())
    if match is None:
        raise AuthoringError(f"cannot read {text!r} as an amount; write e.g. 'USD 1,000.00'")
    return Decimal(match["amount"].replace(",", ""))


def month_of(text: str) -> tuple[int, int]:
    """ "January 2026" -> (2026, 1)."""
    name, _, year = text.strip().partition(" ")
    if name not in MONTHS or not year.isdigit():
        raise AuthoringError(f"cannot read {text!r} as a month; write e.g. 'January 2026'")
    return int(year), MONTHS.index(name) + 1


COUNTRIES = {
    "the United States": "US",
    "the United Kingdom": "GB",
    "Germany": "DE",
    "France": "FR",
    "the Netherlands": "NL",
    "Malaysia": "MY",
    "Japan": "JP",
    "Singapore": "SG",
}


def country(text: str) -> str:
    try:
        return COUNTRIES[text.strip()]
    except KeyError:
        raise AuthoringError(f"unknown country {text!r}; known: {', '.join(COUNTRIES)}") from None


@dataclass(frozen=True)
class TestCard:
    """A test card of the mock card processor (docs/gateways.md), as a customer describes it."""

    number: str
    label: str  # how the features refer to it later: "Visa card", "Mastercard"
    issuer_country: str = "US"
    name_on_record: str | None = None

    @property
    def cvv(self) -> str:
        return "1234" if self.number.startswith(("34", "37")) else "123"


#: phrase after "a"/"an" -> the magic test card that behaves so
CARDS = {
    "Visa card": TestCard("4242424242424242", "Visa card"),
    "Mastercard": TestCard("5555555555554444", "Mastercard"),
    "2-series Mastercard": TestCard("2223003122003222", "Mastercard"),
    "American Express card": TestCard("378282246310005", "American Express card"),
    "Discover card": TestCard("6011111111111117", "Discover card"),
    "JCB card": TestCard("3566002020360505", "JCB card"),
    "UnionPay card": TestCard("6200000000000005", "UnionPay card"),
    "Visa card that her bank declines": TestCard("4000000000000002", "Visa card"),
    "Visa card without enough credit": TestCard("4000000000009995", "Visa card"),
    "Visa card whose later charges are declined": TestCard("4000000000000341", "Visa card"),
    "Visa card whose bank always asks for 3D Secure": TestCard("4000002760003184", "Visa card"),
    "Visa card disabled for online payments": TestCard("4000000000001018", "Visa card"),
    "Visa card issued in the United Kingdom and disabled for international payments": TestCard(
        "4000000000001026", "Visa card", issuer_country="GB"
    ),
    "Visa card not enrolled in 3D Secure": TestCard("4000000000001034", "Visa card"),
    "Visa card issued in Germany that settles in euros": TestCard(
        "4000000000001042", "Visa card", issuer_country="DE"
    ),
    "Visa card registered to Jane Doe": TestCard(
        "4000000000001059", "Visa card", name_on_record="JANE DOE"
    ),
    "Visa card whose bank fails 3D Secure at once": TestCard("4000000000001067", "Visa card"),
    "Visa card whose bank rejects 3D Secure": TestCard("4000000000001083", "Visa card"),
    "Visa card issued in Malaysia": TestCard("4000000000001091", "Visa card", issuer_country="MY"),
}


def card(phrase: str) -> TestCard:
    try:
        return CARDS[phrase.strip()]
    except KeyError:
        known = "; ".join(CARDS)
        raise AuthoringError(f"no test card is described as {phrase!r}; known: {known}") from None


#: a card typed with a mistake CARD-4 forbids: phrase -> (number, cvv, name or None)
CARD_MISTAKES = {
    "a card number that fails the checksum": ("4242424242424241", "123", None),
    "a Diners Club card number": ("36227206271667", "123", None),
    "a 3-digit security code on an American Express card": ("378282246310005", "123", None),
    "a 4-digit security code on a Visa card": ("4242424242424242", "1234", None),
    "a name other than the one her bank has on record": ("4000000000001059", "123", "ADA"),
}


#: refusal reasons as the customer reads them -> the engine's reason code (docs/scenarios.md)
REASONS = {
    "the card number is invalid": "invalid_number",
    "the card brand is not supported": "unsupported_brand",
    "the card expires this month": "expires_this_month",
    "the card has expired": "expired",
    "the security code is invalid": "invalid_cvv",
    "the name does not match the bank's record": "name_mismatch",
    "the card is not enabled for online payments": "online_disabled",
    "the card is not enabled for international payments": "international_disabled",
    "there are not enough funds": "insufficient_funds",
    "3D Secure failed": "threeds_failed",
    "3D Secure was abandoned": "threeds_abandoned",
    "the card does not support 3D Secure": "threeds_not_supported",
    "it is already linked to another account": "already_linked",
    "the PayPal account has no funding source": "paypal_no_funding_source",
    "the payment agreement was not approved": "paypal_agreement_not_approved",
    "a payment is already pending": "payment_pending",
    "the amount is not valid": "invalid_amount",
    "the bank declined it": "declined",
    "the threshold is out of range": "invalid_threshold",
    "there is no payment method": "no_payment_method",
    "the card processor was unavailable": "gateway_unavailable",
}

#: what set a deduction off, in words -> the event's trigger
TRIGGERS = {"the threshold": "threshold", "the month end": "month_end"}


def reason(words: str) -> str:
    try:
        return REASONS[words.strip()]
    except KeyError:
        raise AuthoringError(f"unknown reason {words!r}; known: {'; '.join(REASONS)}") from None


#: rule interpretations (docs/rules.md) a scenario may restate or change, in words -> policy setting
DAY_SETTINGS = {
    "the cool-down after closing an account": "cooldown_days",
    "the grace before an account with unpaid fees is suspended": "overdue_grace_days",
}


def account_id(name: str) -> str:
    """Ada -> ada: the account of the person the feature names."""
    return name.strip().lower()


# --- pieces of step patterns ------------------------------------------------------------------

#: a person the feature names (their account's id is the name in lower case)
NAME = r"(?P<name>[A-Z][a-z]+)"
#: her, his or their; she, he or they
POSSESSIVE = r"(?:her|his|their)"
SUBJECT = r"(?:she|he|they)"
#: an amount as written, "USD 1,000.00"
MONEY = r"USD [\d,]+(?:\.\d+)?"
