"""Reading one reply: rules first, then the model, then the amount and the date.

1. The reply is normalised once (:mod:`.text`).
2. The rules (:mod:`.rules`) look for a request to stop. One found, the answer
   is ``stop`` with confidence 1.0 from a rule, whatever the model says. The
   model is still asked: when it reads something else with confidence ("别打了，
   明天还" is also a promise) the reply goes to review, so that a person sees
   the promise, but contact stops all the same.
3. Otherwise the model decides. Below the threshold its answer is kept but
   ``needs_review`` is set. A narrower request found by the rules (not at work,
   not my family, talk to my lawyer) sets it too, with the reason, and the
   model reads the reply without it: "I'll pay Friday, stop calling me at work"
   is a promise. A reply that is nothing but such a request is ``other``.
4. The amount and the date are extracted whatever the intent. A reply that
   reports a payment is read in the past ("paid on the 3rd" is the 3rd just
   gone); every other one in the future.
"""

from __future__ import annotations

import datetime as dt

from arrears.inbound.intent.amounts import find_amount
from arrears.inbound.intent.classifier import IntentModel, default_model
from arrears.inbound.intent.dates import find_date
from arrears.inbound.intent.extract import locale_defaults
from arrears.inbound.intent.result import DEFAULT_THRESHOLD, Intent, IntentName
from arrears.inbound.intent.rules import RuleBook, RuleVerdict, default_rules
from arrears.inbound.intent.text import normalize


def classify(
    text: str,
    *,
    as_of: dt.date,
    currency: str | None = None,
    locale: str = "zh-CN",
    threshold: float = DEFAULT_THRESHOLD,
    model: IntentModel | None = None,
    rules: RuleBook | None = None,
) -> Intent:
    """The intent of a debtor's reply, with the amount and date it names.

    ``currency`` is the account's (bare amounts are in it); without it, the
    locale's. ``locale`` (zh-CN, zh-HK, zh-TW, en-US, en-GB) also decides
    whether ``12/1`` is read day first. ``model`` and ``rules`` default to the
    shipped ones (trained and compiled once per process).
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    defaults = locale_defaults(locale)
    norm = normalize(text)
    if not norm.strip():
        return Intent("other", 0.0, None, None, None, "rule", True, "the reply has no text")
    verdict = (rules or default_rules()).read(norm)
    # A reply that is nothing but a restriction ("don't call me at work") has
    # nothing left for the model: the restriction is all there is to say.
    only_restriction = bool(verdict.restrictions) and not _has_words(verdict.remainder)
    predicted: IntentName
    if only_restriction:
        predicted, probability = "other", 1.0
    else:
        predicted, probability = (model or default_model()).predict(verdict.remainder)
    intent, confidence, review = _decide(verdict, predicted, probability, threshold)
    amount = find_amount(norm, currency or defaults.currency)
    day = find_date(
        norm,
        as_of,
        day_first=defaults.day_first,
        direction="past" if intent == "paid" else "future",
    )
    return Intent(
        intent=intent,
        confidence=confidence,
        amount_minor=amount.minor if amount else None,
        currency=amount.currency if amount else None,
        date=day,
        source="rule" if verdict.stop is not None or only_restriction else "model",
        needs_review=review is not None,
        review_reason=review,
    )


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _decide(
    verdict: RuleVerdict, predicted: IntentName, probability: float, threshold: float
) -> tuple[IntentName, float, str | None]:
    """The intent, its confidence and why a person should look (None: no need)."""
    if verdict.stop is not None:
        if predicted != "stop" and probability >= threshold:
            return "stop", 1.0, f"asks to stop, and also reads as {predicted}"
        return "stop", 1.0, None
    reasons = [r.reason for r in verdict.restrictions]
    if probability < threshold:
        reasons.insert(0, f"the model is unsure ({probability:.2f} < {threshold:.2f})")
    return predicted, probability, "; ".join(reasons) or None
