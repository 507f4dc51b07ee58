"""Money: an integer count of minor units in one ISO 4217 currency.

A balance of ¥1,234.56 is ``Money(123456, "CNY")``; ¥1,234 is ``Money(1234, "JPY")``
because the yen has no minor unit. Integers add, subtract and compare exactly, so
sums of millions of instalments never drift the way floats do.

Two things need decimals and are kept in this module so there is one of each:

* :func:`rate` is the only way to build a rate (interest, fee percentage,
  settlement discount). It refuses floats, whose binary fractions would leak
  ``0.1 + 0.2`` errors into every amount derived from them.
* :func:`round_minor` is the only rounding function. It turns an exact decimal
  amount in major units into whole minor units with :data:`ROUNDING`
  (half away from zero, the convention of Chinese and most Western statements).

Amounts in different currencies never mix: adding or comparing them raises
:class:`~arrears.errors.CurrencyMismatch` rather than converting silently.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from arrears.core.currency import exponent, normalize_code
from arrears.errors import CurrencyMismatch, InvalidInput

ROUNDING = decimal.ROUND_HALF_UP

_ONE = Decimal(1)
_MIN_PRECISION = 28


def _context(digits: int) -> decimal.Context:
    """A context wide enough that arithmetic on ``digits`` digits is exact.

    The default context keeps 28 significant digits and would round large or
    very precise intermediate values *before* the one rounding we mean to do.
    """
    return decimal.Context(
        prec=max(_MIN_PRECISION, digits),
        rounding=ROUNDING,
        Emax=decimal.MAX_EMAX,
        Emin=decimal.MIN_EMIN,
    )


def _shift(value: Decimal, places: int) -> Decimal:
    """``value * 10**places`` exactly: only the exponent moves, digits are untouched."""
    sign, digits, exp = value.as_tuple()
    if not isinstance(exp, int):  # NaN and infinities have a letter for an exponent
        raise InvalidInput(f"{value} is not a finite amount")
    return Decimal((sign, digits, exp + places))


def round_minor(value: Decimal, currency: str) -> int:
    """Round an amount in MAJOR units to whole minor units of ``currency``.

    ``round_minor(Decimal("12.345"), "CNY") == 1235``. This is the one place
    amounts are rounded; everything else calls it.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"round_minor needs a Decimal, got {type(value).__name__}")
    shifted = _shift(value, exponent(currency))
    # Round once, at the end, with a context that cannot round earlier.
    context = _context(shifted.adjusted() + 2)
    return int(shifted.quantize(_ONE, rounding=ROUNDING, context=context))


def _to_decimal(value: str | int | Decimal, what: str) -> Decimal:
    """``value`` as an exact, finite Decimal; ``what`` names it in errors."""
    if isinstance(value, float | bool) or not isinstance(value, str | int | Decimal):
        raise TypeError(f"{what} must be a str, int or Decimal, not {type(value).__name__}")
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except decimal.InvalidOperation:
        raise InvalidInput(f"{what} '{value}' is not a number") from None
    if not result.is_finite():
        raise InvalidInput(f"{what} must be finite, got {value}")
    return result


def rate(value: str | int | Decimal) -> Decimal:
    """The one constructor for rates: exact, finite, never from a float.

    ``rate("0.0365")`` is 3.65 %. Strings are parsed exactly as written.
    """
    return _to_decimal(value, "a rate")


def _exact_product(left: Decimal, right: Decimal) -> Decimal:
    """``left * right`` with no rounding (a product has at most the sum of the digits)."""
    digits = len(left.as_tuple().digits) + len(right.as_tuple().digits)
    return _context(digits + 1).multiply(left, right)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount: ``minor`` whole minor units (fen, cents, yen, fils) of ``currency``."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        # bool is an int subclass; True fen is a bug, not an amount.
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"minor units must be an int, not {type(self.minor).__name__}")
        if not isinstance(self.currency, str):
            raise TypeError(f"currency must be a str, not {type(self.currency).__name__}")
        object.__setattr__(self, "currency", normalize_code(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """No money in ``currency``."""
        return cls(0, currency)

    @classmethod
    def of_major(cls, value: Decimal | str | int, currency: str) -> Money:
        """An amount given in major units: ``Money.of_major("1234.56", "CNY")``.

        Extra decimals are rounded with :func:`round_minor`; floats are refused.
        """
        return cls(round_minor(_to_decimal(value, "an amount"), currency), currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    # Ordering is only defined within one currency; ``==`` stays the plain
    # dataclass equality so ¥1 != $1 is simply False rather than an error.
    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor >= other.minor

    def is_zero(self) -> bool:
        """True for exactly nothing."""
        return self.minor == 0

    def is_negative(self) -> bool:
        """True below zero (a credit or a refund owed to the debtor)."""
        return self.minor < 0

    def to_major(self) -> Decimal:
        """The exact amount in major units: ``Money(123456, "CNY")`` is ``Decimal("1234.56")``."""
        return _shift(Decimal(self.minor), -exponent(self.currency))

    def times(self, factor: Decimal | int) -> Money:
        """This amount times ``factor`` (a :func:`rate`), rounded once with :func:`round_minor`."""
        if isinstance(factor, float | bool) or not isinstance(factor, Decimal | int):
            raise TypeError(f"factor must be a Decimal or int, not {type(factor).__name__}")
        product = _exact_product(self.to_major(), Decimal(factor))
        return Money(round_minor(product, self.currency), self.currency)

    def split(self, n: int) -> list[Money]:
        """``n`` parts that add up exactly to this amount.

        The parts differ by at most one minor unit; the larger ones come first,
        so ¥100.00 in three instalments is 33.34, 33.33, 33.33. A negative
        amount splits the same way by magnitude.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInput(f"can only split into a positive number of parts, not {n!r}")
        size, remainder = divmod(abs(self.minor), n)
        sign = -1 if self.minor < 0 else 1
        return [Money(sign * (size + (1 if i < remainder else 0)), self.currency) for i in range(n)]

    def format(self, locale: str = "en_US") -> str:
        """The amount as a person in ``locale`` writes it: ``"¥1,234.56"`` in zh_CN.

        The number of decimals is the currency's exponent from
        :mod:`arrears.core.currency`, not the locale's habit, so a statement
        never shows more or fewer digits than the ledger holds.
        """
        try:
            parsed = Locale.parse(locale.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            raise InvalidInput(f"'{locale}' is not a known locale") from None
        places = exponent(self.currency)
        pattern = copy.copy(parsed.currency_formats["standard"])
        pattern.frac_prec = (places, places)
        return format_currency(
            self.to_major(), self.currency, format=pattern, locale=parsed, currency_digits=False
        )

    def __str__(self) -> str:
        return f"{self.to_major():f} {self.currency}"


def sum_money(items: Iterable[Money], currency: str) -> Money:
    """The total of ``items``, all in ``currency`` (zero when there are none).

    The currency is a parameter so an empty list still has one, and an item in
    another currency raises instead of being added.
    """
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total
