"""ISO 4217 currencies and their minor-unit exponents.

Money is kept as an integer count of minor units; the exponent says how many
decimal places separate the minor unit from the major one (CNY 2: fen; JPY 0;
KWD 3: fils). The table lists the currencies our users meet; an unknown code is
an error, never a silent default.
"""

from __future__ import annotations

from arrears.errors import UnknownCurrency

# code -> (exponent, symbol). Exponents from ISO 4217.
CURRENCIES: dict[str, tuple[int, str]] = {
    "CNY": (2, "¥"),
    "USD": (2, "$"),
    "GBP": (2, "£"),
    "EUR": (2, "€"),
    "HKD": (2, "HK$"),
    "TWD": (2, "NT$"),
    "SGD": (2, "S$"),
    "AUD": (2, "A$"),
    "CAD": (2, "CA$"),
    "CHF": (2, "CHF"),
    "INR": (2, "₹"),
    "MXN": (2, "MX$"),
    "PHP": (2, "₱"),
    "THB": (2, "฿"),
    "MYR": (2, "RM"),
    "IDR": (2, "Rp"),
    "JPY": (0, "¥"),
    "KRW": (0, "₩"),
    "VND": (0, "₫"),
    "CLP": (0, "CLP$"),
    "KWD": (3, "KD"),
    "BHD": (3, "BD"),
    "JOD": (3, "JD"),
}


# The locale whose conventions a currency is usually shown in (¥1,234.56 for CNY
# rather than en_US's CN¥1,234.56); used when a report is not asked for a locale.
HOME_LOCALES: dict[str, str] = {
    "CNY": "zh_CN",
    "HKD": "zh_HK",
    "TWD": "zh_TW",
    "USD": "en_US",
    "GBP": "en_GB",
    "EUR": "de_DE",
    "JPY": "ja_JP",
    "KRW": "ko_KR",
    "SGD": "en_SG",
    "AUD": "en_AU",
    "CAD": "en_CA",
}


def home_locale(code: str) -> str:
    """The locale a currency is usually formatted in (en_US when unknown)."""
    return HOME_LOCALES.get(code.strip().upper(), "en_US")


def normalize_code(code: str) -> str:
    """Return the upper-case ISO code, or raise UnknownCurrency."""
    norm = code.strip().upper()
    if norm not in CURRENCIES:
        raise UnknownCurrency(code)
    return norm


def exponent(code: str) -> int:
    """Number of decimal places of the currency's minor unit."""
    return CURRENCIES[normalize_code(code)][0]


def symbol(code: str) -> str:
    """A display symbol for the currency."""
    return CURRENCIES[normalize_code(code)][1]
