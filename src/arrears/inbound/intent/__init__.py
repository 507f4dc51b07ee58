"""What a debtor's reply means: intent detection for inbound texts and e-mails, zh and en.

A reply to a collection message is one of nine things:

=============  ==============================================================
``stop``       stop contacting me / unsubscribe (退订, TD, 别再联系我)
``dispute``    I don't owe this, the amount is wrong, prove it (不是我借的)
``paid``       I have paid (已经还了)
``promise``    I will pay, on a day or an amount (下周五还500)
``hardship``   I can't pay: job loss, illness, asks for relief (失业了，还不上)
``wrong_person`` not me, wrong number (打错了，我不是张三)
``callback``   call me (下班后给我打电话)
``question``   how much, who are you, how do I pay (还款账号是多少)
``other``      thanks, ok, auto-replies, anything else (收到)
=============  ==============================================================

Requests to stop are found by rules kept as data (``rules.yaml``) and always
win: an opt-out is honoured whatever a model thinks. Everything else is decided
by a classifier (character n-grams and logistic regression) trained at first
use from the hand-written ``data/labelled.tsv``. Below a confidence threshold
the answer is kept and flagged for a person (``needs_review``). The amount (in
minor units) and the date a reply names are extracted for every reply.

    >>> import datetime as dt
    >>> reply = classify("下周五先还500", as_of=dt.date(2026, 11, 20), currency="CNY")
    >>> reply.intent, reply.amount_minor, reply.currency, reply.date.isoformat()
    ('promise', 50000, 'CNY', '2026-11-27')
    >>> classify("STOP", as_of=dt.date(2026, 11, 20)).source
    'rule'

See docs/inbound.md for the forms understood and the measured accuracy.
"""

from __future__ import annotations

from arrears.inbound.intent.classifier import Example, IntentModel, default_model, train
from arrears.inbound.intent.detect import classify
from arrears.inbound.intent.extract import (
    LOCALES,
    Amount,
    extract_amount,
    extract_date,
    locale_defaults,
)
from arrears.inbound.intent.result import DEFAULT_THRESHOLD, INTENTS, Intent, IntentName

__all__ = [
    "DEFAULT_THRESHOLD",
    "INTENTS",
    "LOCALES",
    "Amount",
    "Example",
    "Intent",
    "IntentModel",
    "IntentName",
    "classify",
    "default_model",
    "extract_amount",
    "extract_date",
    "locale_defaults",
    "train",
]
