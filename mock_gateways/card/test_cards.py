"""The magic test cards: the one table of issuer behaviour by card number.

Any expiry in the future, any CVV of the brand's length (3; 4 for American Express) and any name
work unless the row says otherwise. Numbers not in the table that pass Luhn and belong to a
supported brand behave as a healthy US card. The merchant's country is US unless a request says
otherwise.

| number | brand | behaviour |
|---|---|---|
| 4242424242424242 | visa | succeeds (healthy card, issuer US) |
| 4000000000000002 | visa | authorizations and charges declined `declined` |
| 4000000000009995 | visa | authorizations and charges declined `insufficient_funds` |
| 4000000000000069 | visa | issuer says expired: payments declined `expired` |
| 4000000000000127 | visa | issuer says the CVV is wrong: payments declined `invalid_cvv` |
| 4000000000000341 | visa | links (token and hold succeed); later charges declined `declined` |
| 4000000341xxxxxx | visa | the same for any Luhn-valid number in this range (one per account) |
| 4000002760003184 | visa | 3D Secure always challenges (1) |
| 4000000000001018 | visa | online payments disabled: declined `online_disabled` |
| 4000000000001026 | visa | issuer GB, international disabled: `international_disabled` (2) |
| 4000000000001034 | visa | not enrolled in 3D Secure: authentication `U` (`not_enrolled`) |
| 4000000000001042 | visa | issuer DE, settles in EUR: succeeds, issuer records an FX fee (3) |
| 4000000000001059 | visa | issuer's record: name `JANE DOE`; other names `name_mismatch` (4) |
| 4000000000001067 | visa | 3D Secure frictionless `N` (authentication failed) |
| 4000000000001075 | visa | 3D Secure frictionless `A` (attempted) |
| 4000000000001083 | visa | 3D Secure frictionless `R` (rejected by the issuer) |
| 4000000000001091 | visa | issuer MY (Malaysian public holidays delay hold release) |
| 5555555555554444 | mastercard | succeeds |
| 2223003122003222 | mastercard (2-series) | succeeds |
| 378282246310005 | amex | succeeds (CVV has 4 digits) |
| 6011111111111117 | discover | succeeds |
| 3566002020360505 | jcb | succeeds |
| 6200000000000005 | unionpay | succeeds |
| 3056930009020004 | diners | succeeds (the engine's default `supported_brands` leave Diners out) |
| 36227206271667 | diners (14 digits) | succeeds |

- (1) Customer-initiated payments without a 3DS transaction id are declined
  `authentication_required`; merchant-initiated charges (AUTO-8) pass.
- (2) Declined whenever the merchant's country (US unless the request gives `merchant_country`)
  differs from the issuer's.
- (3) 2% of each USD charge, in the issuer's ledger (`/__admin/state`); the merchant's amount
  carries no fee (CARD-7).
- (4) Case and runs of spaces are ignored. Cards without a recorded name accept any name.

Tokenize itself refuses: `invalid_number` (not digits, wrong length for the brand, Luhn fails),
`unsupported_brand` (Luhn-valid but no supported brand, e.g. UATP 1...), `invalid_cvv` (wrong
length for the brand), `expired` (the expiry month has ended), `name_mismatch` (see 1059).

3D Secure challenge page: the one-time code is `123456`; any other code fails (`N`), Cancel gives
`U` (`cancelled`), no answer for 10 simulated minutes gives `U` (`timed_out`). A challenge is also
given whenever the request says `challenge_mandated` (CARD-3), unless the card is not enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the one-time code the 3DS challenge page accepts
CHALLENGE_CODE = "123456"

#: 3DS behaviour of an issuer: frictionless Y by default
THREEDS_BEHAVIOURS = ("frictionless", "challenge", "not_enrolled", "attempted", "deny", "reject")


@dataclass(frozen=True)
class IssuerProfile:
    """What the issuer of a card does. The default is a healthy US card."""

    issuer_country: str = "US"
    settlement_currency: str = "USD"
    #: the name on the issuer's record; None accepts any name
    holder: str | None = None
    #: decline code for every authorization and charge
    decline: str | None = None
    #: decline code for charges only (the card links, later payments fail)
    charge_decline: str | None = None
    online_enabled: bool = True
    international_enabled: bool = True
    threeds: str = "frictionless"


HEALTHY = IssuerProfile()

MAGIC_CARDS: dict[str, IssuerProfile] = {
    "4242424242424242": HEALTHY,
    "4000000000000002": IssuerProfile(decline="declined"),
    "4000000000009995": IssuerProfile(decline="insufficient_funds"),
    "4000000000000069": IssuerProfile(decline="expired"),
    "4000000000000127": IssuerProfile(decline="invalid_cvv"),
    "4000000000000341": IssuerProfile(charge_decline="declined"),
    "4000002760003184": IssuerProfile(threeds="challenge"),
    "4000000000001018": IssuerProfile(online_enabled=False),
    "4000000000001026": IssuerProfile(issuer_country="GB", international_enabled=False),
    "4000000000001034": IssuerProfile(threeds="not_enrolled"),
    "4000000000001042": IssuerProfile(issuer_country="DE", settlement_currency="EUR"),
    "4000000000001059": IssuerProfile(holder="JANE DOE"),
    "4000000000001067": IssuerProfile(threeds="deny"),
    "4000000000001075": IssuerProfile(threeds="attempted"),
    "4000000000001083": IssuerProfile(threeds="reject"),
    "4000000000001091": IssuerProfile(issuer_country="MY"),
}


#: Ranges that behave like one magic row, so that many accounts can each link their own such
#: card (one card number links to one account only, LINK-1): any Luhn-valid 16-digit Visa
#: number starting 4000000341 links and then fails later charges, like 4000000000000341.
MAGIC_RANGES: dict[str, IssuerProfile] = {
    "4000000341": MAGIC_CARDS["4000000000000341"],
}


def profile_for(digits: str) -> IssuerProfile:
    """The issuer behaviour of a card number: its magic row or range, else a healthy US card."""
    profile = MAGIC_CARDS.get(digits)
    if profile is not None:
        return profile
    for prefix, ranged in MAGIC_RANGES.items():
        if digits.startswith(prefix):
            return ranged
    return HEALTHY


def names_match(typed: str, on_record: str) -> bool:
    """Name check as issuers do it loosely: case and runs of spaces do not matter."""
    return " ".join(typed.split()).casefold() == " ".join(on_record.split()).casefold()


def table_markdown() -> str:
    """The table above, for docs/guide.md (`python -m mock_gateways.card.test_cards`)."""
    return __doc__ or ""


if __name__ == "__main__":
    print(table_markdown())
