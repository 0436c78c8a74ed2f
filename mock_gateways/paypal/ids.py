"""PayPal-looking identifiers drawn from the gateway seed and stable inputs (the request id, the
parent resource), never from call order, so every transport gets the same ids."""

from __future__ import annotations

from mock_gateways.common.seeded import digest

UPPER = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
LOWER = "0123456789abcdefghjkmnpqrstvwxyz"
TOKEN = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

#: kind -> (prefix, alphabet, length), shaped like the ids PayPal's sandbox returns
FORMATS: dict[str, tuple[str, str, int]] = {
    "setup_token": ("", UPPER, 17),
    "payment_token": ("", LOWER, 8),
    "customer": ("customer_", "0123456789", 10),
    "payer": ("", UPPER, 13),
    "order": ("", UPPER, 17),
    "authorization": ("", UPPER, 17),
    "capture": ("", UPPER, 17),
    "access_token": ("A21AA", TOKEN, 92),
    "debug": ("", "0123456789abcdef", 13),
}


#: kind -> byte translation table mapping each digest byte b to alphabet[b % len(alphabet)]
_TABLES: dict[str, bytes] = {
    kind: bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))
    for kind, (_, alphabet, _) in FORMATS.items()
}


def paypal_id(kind: str, seed: int, *parts: object) -> str:
    prefix, _, length = FORMATS[kind]
    table = _TABLES[kind]
    chars = b""
    block = 0
    while len(chars) < length:
        chars += digest(seed, kind, *parts, block).translate(table)
        block += 1
    return prefix + chars[:length].decode("ascii")
