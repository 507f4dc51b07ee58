"""The answer about one reply: its intent, how sure we are, and what it names.

An :class:`Intent` is a value: the caller decides what to do with it (put a
cease hold on the account, record a promise, queue the reply for a person).
``needs_review`` is set whenever a person should look before anything
automatic happens: the model was not sure enough, or the reply carries a
request the intent alone does not express (a limited "don't call me at work").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

IntentName = Literal[
    "stop",
    "dispute",
    "paid",
    "promise",
    "hardship",
    "wrong_person",
    "callback",
    "question",
    "other",
]
INTENTS: tuple[IntentName, ...] = get_args(IntentName)
Source = Literal["rule", "model"]

# Below this probability the model's answer goes to a person. Chosen on the
# training data's cross-validated predictions, never on the held-out set:
# see docs/inbound.md for what it costs in review volume.
DEFAULT_THRESHOLD = 0.55


@dataclass(frozen=True, slots=True)
class Intent:
    """What a debtor's reply means.

    ``amount_minor`` is in minor units of ``currency`` (both ``None`` when the
    reply names no amount); ``date`` is the day the reply names, resolved
    against the as-of date. ``source`` says whether a rule or the model decided.
    ``review_reason`` says, in a sentence for the reviewer, why
    ``needs_review`` is set.
    """

    intent: IntentName
    confidence: float
    amount_minor: int | None
    currency: str | None
    date: dt.date | None
    source: Source
    needs_review: bool = False
    review_reason: str | None = None
