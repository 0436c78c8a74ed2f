"""Idempotency fingerprints: the kept C encoder writes the canonical text JSONEncoder would."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mock_gateways.common.idempotency import _CANONICAL, _canonical

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.decimals(allow_nan=False, allow_infinity=False)
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(_TREES)
def test_canonical_text_is_the_encoders(params: object) -> None:
    assert _canonical(["charge", params]) == _CANONICAL.encode(["charge", params])


def test_canonical_text_sorts_keys_and_writes_decimals_as_text() -> None:
    text = _canonical({"b": Decimal("1.00"), "a": "é"})
    assert text == '{"a":"\\u00e9","b":"1.00"}'
