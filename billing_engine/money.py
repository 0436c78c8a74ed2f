"""Money at each boundary in one type: fees accrue as exact rationals (`Fraction`) at full
precision; an amount settled, reserved or sent to a gateway is whole cents (`Cents`), rounded
from the accrued fraction half-even in one place, `round_cents` (RULES.md H-3)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from math import gcd
from typing import overload

from billing_engine.errors import InvalidAmount

ZERO = Fraction(0)
#: one cent as the ports carry it: gateway amounts are two-place Decimals, whole cents
CENT = Decimal("0.01")


def parse_amount(value: object, *, field: str = "amount") -> Fraction:
    """Read a decimal string, int, Decimal or Fraction exactly. Floats are refused: they have
    already lost the value the user wrote."""
    if type(value) is Fraction:  # the meter's rates, many times an hour of simulated time
        return value
    if isinstance(value, bool | float):
        raise InvalidAmount(f'{field}: expected a decimal string such as "12.50", got {value!r}')
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Cents):
        return value.fraction
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidAmount(f"{field}: {value!r} is not a finite amount")
        return Fraction(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidAmount(f"{field}: {value!r} is not a decimal number") from None
        if not parsed.is_finite():
            raise InvalidAmount(f"{field}: {value!r} is not a finite amount")
        return Fraction(parsed)
    raise InvalidAmount(f"{field}: expected a decimal amount, got {type(value).__name__}")


def cents(amount: Fraction) -> int:
    """The amount in whole cents, rounded half-even: integer arithmetic only, as this runs for
    every amount deducted, charged or shown."""
    numerator, denominator = amount.numerator * 100, amount.denominator
    if denominator == 1:
        return numerator
    whole, rest = divmod(numerator, denominator)
    twice = 2 * rest
    if twice > denominator or (twice == denominator and whole & 1):
        whole += 1
    return whole


#: "00".."99": a table look-up is twice as fast as a `:02d` format spec, and every amount
#: written (a million or more in a large run's outputs) passes here
_TWO_DIGITS = tuple(f"{part:02d}" for part in range(100))


def format_cents(count: int) -> str:
    """Whole cents as a two-place decimal string, e.g. 100050 -> "1000.50"."""
    sign = "-" if count < 0 else ""
    whole, part = divmod(abs(count), 100)
    return f"{sign}{whole}.{_TWO_DIGITS[part]}"


class Cents:
    """A whole number of cents: what is settled, reserved, kept as a balance or sent to a
    gateway (localstripe's integer cents). Cents add and subtract as integers and stay Cents;
    mixed with a `Fraction` (an accrued fee) or an `int` they count as the dollars they are and
    give a `Fraction`, and they compare with Fractions, ints and Decimals by value, so
    `Cents(100050) == Fraction("1000.50")`."""

    __slots__ = ("count",)

    count: int

    def __init__(self, count: int) -> None:
        if type(count) is not int:
            raise TypeError(f"Cents counts whole cents as an int, got {count!r}")
        object.__setattr__(self, "count", count)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Cents are immutable")

    @classmethod
    def exact(cls, amount: Fraction) -> Cents | None:
        """The amount if it is whole cents, else None."""
        count = amount * 100
        return cls(count.numerator) if count.denominator == 1 else None

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.count, 100)

    @property
    def decimal(self) -> Decimal:
        """As the gateways take it: a two-place Decimal."""
        return Decimal(format_cents(self.count))

    def __str__(self) -> str:
        return format_cents(self.count)

    def __repr__(self) -> str:
        return f"Cents({format_cents(self.count)!r})"

    def __bool__(self) -> bool:
        return self.count != 0

    def __neg__(self) -> Cents:
        return Cents(-self.count)

    @overload
    def __add__(self, other: Cents) -> Cents: ...
    @overload
    def __add__(self, other: Fraction | int) -> Fraction: ...
    def __add__(self, other: Cents | Fraction | int) -> Cents | Fraction:
        if type(other) is Cents:
            return Cents(self.count + other.count)
        if isinstance(other, Fraction | int):
            return self.fraction + other
        return NotImplemented

    def __radd__(self, other: Fraction | int) -> Fraction:
        if isinstance(other, Fraction | int):
            return other + self.fraction
        return NotImplemented

    @overload
    def __sub__(self, other: Cents) -> Cents: ...
    @overload
    def __sub__(self, other: Fraction | int) -> Fraction: ...
    def __sub__(self, other: Cents | Fraction | int) -> Cents | Fraction:
        if type(other) is Cents:
            return Cents(self.count - other.count)
        if isinstance(other, Fraction | int):
            return self.fraction - other
        return NotImplemented

    def __rsub__(self, other: Fraction | int) -> Fraction:
        if isinstance(other, Fraction | int):
            return other - self.fraction
        return NotImplemented

    def _other_count(self, other: object) -> Fraction | int | None:
        """`other` in cents, for comparing; None when it is no amount."""
        if type(other) is Cents:
            return other.count
        if isinstance(other, int):
            return other * 100
        if isinstance(other, Fraction):
            return other * 100
        if isinstance(other, Decimal) and other.is_finite():
            return Fraction(other) * 100
        return None

    def __eq__(self, other: object) -> bool:
        count = self._other_count(other)
        return NotImplemented if count is None else self.count == count

    def __hash__(self) -> int:
        return hash(self.fraction)  # equal to the Fraction, int or Decimal it equals

    def __lt__(self, other: Cents | Fraction | Decimal | int) -> bool:
        count = self._other_count(other)
        return NotImplemented if count is None else self.count < count

    def __le__(self, other: Cents | Fraction | Decimal | int) -> bool:
        count = self._other_count(other)
        return NotImplemented if count is None else self.count <= count

    def __gt__(self, other: Cents | Fraction | Decimal | int) -> bool:
        count = self._other_count(other)
        return NotImplemented if count is None else self.count > count

    def __ge__(self, other: Cents | Fraction | Decimal | int) -> bool:
        count = self._other_count(other)
        return NotImplemented if count is None else self.count >= count

    def __reduce__(self) -> tuple[type[Cents], tuple[int]]:
        return (Cents, (self.count,))


NO_CENTS = Cents(0)


def round_cents(amount: Fraction) -> Cents:
    """An accrued amount as the whole cents it settles as: half-even to the cent, the one
    rounding point; the caller carries the sub-cent remainder."""
    return Cents(cents(amount))


def format_amount(amount: Cents | Fraction | Decimal | int) -> str:
    """Two-place decimal string, e.g. "1000.00": the only way amounts are shown."""
    if isinstance(amount, Cents):
        return format_cents(amount.count)
    if isinstance(amount, Fraction):
        return format_cents(cents(amount))
    if isinstance(amount, Decimal):
        return str(amount.quantize(CENT, ROUND_HALF_EVEN))
    return format_cents(cents(Fraction(amount)))


class RunningSum:
    """The exact sum of many amounts, kept as one numerator over a common denominator. Adding
    Fractions normalises each partial sum (a gcd of ever longer numbers: a ledger's lifetime
    fees over a year's varied month lengths and tax rates); here the denominator soon holds
    every addend's, and most additions are one multiplication."""

    __slots__ = ("_denominator", "_numerator")

    def __init__(self) -> None:
        self._numerator, self._denominator = 0, 1

    def add(self, amount: Fraction) -> None:
        numerator, denominator = amount.numerator, amount.denominator
        if self._denominator % denominator == 0:
            self._numerator += numerator * (self._denominator // denominator)
            return
        common = gcd(self._denominator, denominator)
        self._numerator = self._numerator * (denominator // common) + numerator * (
            self._denominator // common
        )
        self._denominator = self._denominator // common * denominator

    @property
    def value(self) -> Fraction:
        return Fraction(self._numerator, self._denominator)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunningSum):
            return NotImplemented
        return self.value == other.value

    __hash__ = None  # type: ignore[assignment]  # it changes as amounts are added

    def __repr__(self) -> str:
        return f"RunningSum({self.value!r})"
