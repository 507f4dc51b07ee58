"""Reading whole replies: each intent in both languages, stop wins, review, determinism."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from arrears.errors import ConfigError
from arrears.inbound.intent import (
    INTENTS,
    Example,
    classify,
    default_model,
    train,
)
from arrears.inbound.intent.classifier import (
    HELDOUT_FILE,
    TRAINING_FILE,
    load_examples,
    parse_examples,
)

AS_OF = dt.date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    ("reply", "locale", "intent"),
    [
        ("STOP", "en-US", "stop"),
        ("退订", "zh-CN", "stop"),
        ("I don't owe this, it's not my debt", "en-US", "dispute"),
        ("这笔钱不是我借的，我不认", "zh-CN", "dispute"),
        ("I paid it yesterday", "en-US", "paid"),
        ("我已经还清了", "zh-CN", "paid"),
        ("I'll pay $100 next Friday", "en-US", "promise"),
        ("下周五还500", "zh-CN", "promise"),
        ("I lost my job and can't afford to pay", "en-US", "hardship"),
        ("我失业了，实在还不起", "zh-CN", "hardship"),
        ("Wrong number, I'm not David", "en-US", "wrong_person"),
        ("打错了，我不是张三", "zh-CN", "wrong_person"),
        ("Please call me back after 6", "en-US", "callback"),
        ("下班后给我回个电话", "zh-CN", "callback"),
        ("How much do I owe?", "en-US", "question"),
        ("还款账号是多少？", "zh-CN", "question"),
        ("ok thanks", "en-US", "other"),
        ("好的，收到", "zh-CN", "other"),
    ],
)
def test_each_intent_is_recognised_in_both_languages(reply: str, locale: str, intent: str) -> None:
    result = classify(reply, as_of=AS_OF, locale=locale)
    assert result.intent == intent
    assert 0.0 <= result.confidence <= 1.0


def test_a_promise_carries_its_amount_and_date() -> None:
    result = classify("下周五先还500", as_of=AS_OF, currency="CNY")
    assert (result.intent, result.amount_minor, result.currency) == ("promise", 50000, "CNY")
    assert result.date == dt.date(2026, 11, 27)
    assert result.source == "model"


def test_a_reported_payment_dates_in_the_past() -> None:
    result = classify("I paid $80 on the 3rd", as_of=AS_OF, locale="en-US")
    assert (result.intent, result.amount_minor, result.currency) == ("paid", 8000, "USD")
    assert result.date == dt.date(2026, 11, 3)


def test_without_an_account_currency_the_locale_decides() -> None:
    assert classify("明天还两千", as_of=AS_OF, locale="zh-CN").currency == "CNY"
    assert classify("I'll pay 200 on Friday", as_of=AS_OF, locale="en-GB").currency == "GBP"


@pytest.mark.parametrize(
    "reply",
    [
        "STOP",
        "Stop. I'll pay on Friday.",
        "Stop, I'll pay on Friday",
        "stop texting me, I already paid",
        "别打了，明天还",
        "不要再联系我了，我下周五还五百",
        "I'm not John, stop contacting me",
        "unsubscribe. how much do I owe?",
    ],
)
def test_a_request_to_stop_always_wins(reply: str) -> None:
    result = classify(reply, as_of=AS_OF)
    assert (result.intent, result.confidence, result.source) == ("stop", 1.0, "rule")


def test_a_stop_that_also_promises_goes_to_review_with_its_date() -> None:
    result = classify("Stop calling me. I will pay $200 next Friday.", as_of=AS_OF)
    assert result.intent == "stop"
    assert (result.amount_minor, result.date) == (20000, dt.date(2026, 11, 27))
    assert result.needs_review and "promise" in (result.review_reason or "")


def test_a_limited_stop_is_not_a_stop_but_goes_to_review() -> None:
    result = classify("I will pay Friday, stop calling me at work", as_of=AS_OF, locale="en-US")
    assert result.intent == "promise"
    assert result.needs_review
    assert result.review_reason == "asks not to be contacted at work"


def test_a_reply_that_is_only_a_restriction_is_other_for_review() -> None:
    result = classify("不要打我单位电话", as_of=AS_OF)
    assert (result.intent, result.source, result.needs_review) == ("other", "rule", True)


def test_below_the_threshold_the_intent_is_kept_and_flagged() -> None:
    confident = classify("下周五还500", as_of=AS_OF)
    assert not confident.needs_review and confident.review_reason is None
    strict = classify("下周五还500", as_of=AS_OF, threshold=0.999)
    assert strict.intent == confident.intent and strict.confidence == confident.confidence
    assert strict.needs_review and "unsure" in (strict.review_reason or "")
    assert not classify("下周五还500", as_of=AS_OF, threshold=0.0).needs_review


def test_the_threshold_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match="threshold"):
        classify("ok", as_of=AS_OF, threshold=1.5)


def test_an_empty_reply_is_other_for_review() -> None:
    result = classify("   ", as_of=AS_OF)
    assert (result.intent, result.confidence, result.needs_review) == ("other", 0.0, True)


def test_training_is_deterministic_and_the_model_is_trained_once() -> None:
    examples = load_examples()
    replies = ["下周五还500", "I lost my job", "who is this", "好的"]
    first = train(examples).probabilities(replies)
    second = train(examples).probabilities(replies)
    assert first == second
    assert default_model() is default_model()
    assert set(default_model().labels) == set(INTENTS)


def test_the_shipped_data_covers_every_intent_in_both_languages() -> None:
    training, heldout = load_examples(TRAINING_FILE), load_examples(HELDOUT_FILE)
    train_counts = Counter((e.intent, e.language) for e in training)
    held_counts = Counter((e.intent, e.language) for e in heldout)
    for intent in INTENTS:
        for language in ("en", "zh"):
            assert train_counts[intent, language] >= 60
            assert held_counts[intent, language] >= 20
    # The held-out replies are evaluation only: none of them is a training reply.
    assert not {e.text.lower() for e in training} & {e.text.lower() for e in heldout}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text\tintent\n", "line 1"),
        ("intent\tlanguage\ttext\nstop\ten\n", "line 2"),
        ("intent\tlanguage\ttext\npaid\ten\tok\nstpo\ten\tSTOP\n", "unknown intent 'stpo'"),
        ("intent\tlanguage\ttext\nstop\tfr\tarrête\n", "unknown language 'fr'"),
    ],
)
def test_a_broken_labelled_file_names_the_line(content: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_examples(content, source="x.tsv")


def test_training_needs_two_intents() -> None:
    with pytest.raises(ConfigError):
        train([Example("stop", "en", "STOP")])
