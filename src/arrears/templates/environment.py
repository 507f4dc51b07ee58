"""The Jinja2 environments templates are compiled in: sandboxed, strict, locale-aware.

* :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: a template cannot
  reach Python internals (``{{ ''.__class__ }}`` raises ``SecurityError``) nor
  change the values it is given.
* :class:`~jinja2.StrictUndefined`: a missing variable is an error, never an
  empty string in a message sent to a debtor.
* Autoescaping only for HTML parts (an e-mail's ``html``, a letter's body): a
  name such as ``O'Brien & Co <x>`` is escaped there and left as it is in texts.

Filters (the formatting locale is the locale being rendered):

``money``
    ``{{ balance | money }}``: ``¥12,345.67`` in zh-CN, ``$12,345.67`` in en-US
    (:meth:`arrears.core.money.Money.format`; the currency's decimals).
``date``
    ``{{ due_date | date }}``: ``2026年11月5日``, ``November 5, 2026``,
    ``5 November 2026`` (en-GB); ``{{ due_date | date('short') }}``:
    ``2026-11-05``, ``11/05/2026``, ``05/11/2026``.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from jinja2 import StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from arrears.core.money import Money
from arrears.templates.variables import LOCALE_KEY

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
DATE_STYLES = ("long", "short")


def format_date(value: date, locale: str, style: str = "long") -> str:
    """``value`` as a person reading ``locale`` writes it (``long`` or ``short``)."""
    if not isinstance(value, date):
        raise TypeError(f"the date filter needs a date, not {type(value).__name__}")
    if style not in DATE_STYLES:
        raise ValueError(f"date style '{style}': use one of {', '.join(DATE_STYLES)}")
    lowered = locale.replace("_", "-").lower()
    if lowered.startswith("zh"):
        if style == "short":
            return value.isoformat()
        return f"{value.year}年{value.month}月{value.day}日"
    if lowered.startswith("en"):
        british = lowered.startswith("en-") and lowered != "en-us"
        if style == "short":
            if british:
                return f"{value.day:02d}/{value.month:02d}/{value.year}"
            return f"{value.month:02d}/{value.day:02d}/{value.year}"
        month = _MONTHS[value.month - 1]
        if british:
            return f"{value.day} {month} {value.year}"
        return f"{month} {value.day}, {value.year}"
    return value.isoformat()


def format_money(value: Money, locale: str) -> str:
    """``value`` formatted for ``locale`` by the one money formatter of the core."""
    if not isinstance(value, Money):
        raise TypeError(f"the money filter needs a Money amount, not {type(value).__name__}")
    return value.format(locale)


def _locale_of(context: Context) -> str:
    locale = context.get(LOCALE_KEY)
    return locale if isinstance(locale, str) else "en-US"


@pass_context
def _money_filter(context: Context, value: Any) -> str:
    return format_money(value, _locale_of(context))


@pass_context
def _date_filter(context: Context, value: Any, style: str = "long") -> str:
    return format_date(value, _locale_of(context), style)


def _build(autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["money"] = _money_filter
    env.filters["date"] = _date_filter
    return env


@functools.cache
def text_environment() -> ImmutableSandboxedEnvironment:
    """For texts: SMS, e-mail text parts and subjects, call scripts, voicemails."""
    return _build(autoescape=False)


@functools.cache
def html_environment() -> ImmutableSandboxedEnvironment:
    """For HTML parts (e-mail ``html``, letter bodies): autoescaped."""
    return _build(autoescape=True)
