"""Amounts and dates a reply names: pure functions of the text, the as-of date and the locale.

"先还500，月底还清" promises CNY 500.00 by the end of the month; "paid $80 on
the 3rd" reports USD 80.00 paid on the 3rd. The forms understood are listed in
:mod:`.amounts` and :mod:`.dates` (and in docs/inbound.md). Both run on every
reply, whatever its intent; they matter most for promises and payments.

The locale decides what the text leaves open: the currency of a bare amount
(the account's currency when the caller knows it, else the locale's) and
whether ``12/1`` is December 1st (zh-CN, en-US) or 12 January (en-GB).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.errors import InvalidInput
from arrears.inbound.intent.amounts import Amount, find_amount
from arrears.inbound.intent.dates import Direction, find_date
from arrears.inbound.intent.text import normalize

__all__ = [
    "LOCALES",
    "Amount",
    "Direction",
    "LocaleDefaults",
    "extract_amount",
    "extract_date",
    "locale_defaults",
]


@dataclass(frozen=True, slots=True)
class LocaleDefaults:
    """What a locale implies for a reply: its usual currency and date order."""

    currency: str
    day_first: bool


LOCALES: dict[str, LocaleDefaults] = {
    "zh-CN": LocaleDefaults("CNY", day_first=False),  # 12/1 is 12月1日 (year, month, day order)
    "zh-HK": LocaleDefaults("HKD", day_first=True),
    "zh-TW": LocaleDefaults("TWD", day_first=False),
    "en-US": LocaleDefaults("USD", day_first=False),
    "en-GB": LocaleDefaults("GBP", day_first=True),
}


# A bare language stands for its usual locale here.
_LANGUAGE_ONLY = {"zh": "zh-CN", "en": "en-US"}


def locale_defaults(locale: str) -> LocaleDefaults:
    """The defaults of ``locale`` (``zh-CN``, ``zh_CN`` or ``zh``); InvalidInput when unknown."""
    key = locale.strip().replace("_", "-")
    key = _LANGUAGE_ONLY.get(key.lower(), key)
    for name, defaults in LOCALES.items():
        if name.lower() == key.lower():
            return defaults
    raise InvalidInput(f"unknown locale '{locale}' (known: {', '.join(LOCALES)})")


def extract_amount(text: str, *, currency: str | None = None) -> Amount | None:
    """The amount ``text`` names, in minor units; ``currency`` is the account's.

    Without a currency in the text, the amount is in ``currency``; without
    either, a bare amount is not returned (minor units need a currency).
    ``currency`` that is not an ISO 4217 code raises UnknownCurrency.
    """
    return find_amount(normalize(text), currency)


def extract_date(
    text: str,
    *,
    as_of: dt.date,
    day_first: bool = False,
    direction: Direction = "future",
) -> dt.date | None:
    """The first date ``text`` names, resolved against ``as_of``.

    ``day_first`` reads ``12/1`` as 12 January; ``direction="past"`` resolves a
    day of the month, a month and day or a bare weekday to the latest one on or
    before ``as_of`` (a reported payment) instead of the next one.
    """
    return find_date(normalize(text), as_of, day_first=day_first, direction=direction)
