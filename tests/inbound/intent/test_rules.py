"""The stop rules: keywords, phrases, what is not a stop, and narrower requests."""

from __future__ import annotations

import pytest

from arrears.errors import ConfigError
from arrears.inbound.intent.rules import RuleVerdict, default_rules, load_rules
from arrears.inbound.intent.text import normalize


def read(text: str) -> RuleVerdict:
    return default_rules().read(normalize(text))


@pytest.mark.parametrize(
    "reply",
    [
        "STOP",
        "Stop!!",
        "stop please",
        "STOP STOP STOP",
        "UNSUBSCRIBE",
        "opt out",
        "End",
        "T",
        "TD",
        "td退订",
        "回复TD",
        "退订",
        "退订谢谢",
        "ＳＴＯＰ",  # full-width, typed with a Chinese input method
        "Stop texting me.",
        "Please stop calling me, this is harassment",
        "Do not contact me again",
        "Cease and desist all communication.",
        "leave me alone",
        "remove my number from your list",
        "how do I unsubscribe?",
        "别再联系我",
        "別再聯繫我",  # traditional characters
        "不要再给我发短信了",
        "不要在打电话了",  # 在 for 再, a common slip
        "请停止催收",
        "把我号码删了",
        "Stop calling me at work. Actually stop contacting me at all",
    ],
)
def test_requests_to_stop_are_found(reply: str) -> None:
    assert read(reply).stop is not None


@pytest.mark.parametrize(
    "reply",
    [
        "don't stop",
        "I didn't ask you to stop",
        "they have been calling me non-stop",
        "I'll pay by the end of the month",  # "end" is a keyword only alone
        "it's a good time to talk",
        "I want to cancel my payment plan and set up a new one",
        "我没说不要联系我",
        "千万别误会，我会还的",
        "ok",
        "",
    ],
)
def test_these_are_not_requests_to_stop(reply: str) -> None:
    assert read(reply).stop is None


@pytest.mark.parametrize(
    ("reply", "restriction"),
    [
        ("I will pay, stop calling at work", "workplace"),
        ("please don't call me at the office", "workplace"),
        ("别打我单位电话", "workplace"),
        ("stop calling my mum", "third_parties"),
        ("不要再联系我家人", "third_parties"),
        ("don't call me before 9am", "times"),
        ("上班时间不要打电话", "times"),
        ("9点前别打电话", "times"),
        ("don't call me, just text", "channel"),
        ("别打电话，发短信就行", "channel"),
        ("talk to my lawyer", "attorney"),
        ("我已经委托了律师", "attorney"),
    ],
)
def test_narrower_requests_are_restrictions_not_stops(reply: str, restriction: str) -> None:
    verdict = read(reply)
    assert verdict.stop is None
    assert [r.id for r in verdict.restrictions] == [restriction]
    assert verdict.restrictions[0].reason


def test_the_model_reads_the_reply_without_the_restriction() -> None:
    verdict = read("I will pay Friday, stop calling me at work")
    assert verdict.remainder == "i will pay friday,"


def test_a_stop_elsewhere_in_a_restricted_reply_still_counts() -> None:
    verdict = read("stop calling me at work, in fact stop texting me too")
    assert verdict.stop == "stop texting me"
    assert [r.id for r in verdict.restrictions] == ["workplace"]


VALID = """
version: 1
stop:
  keywords: [stop]
  en: ['stop texting']
"""


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (VALID.replace("'stop texting'", "'STOP texting'"), "lower case"),
        (VALID.replace("'stop texting'", "'stop ('"), "stop ("),
        (VALID.replace("'stop texting'", "'(?:x)?'"), "empty text"),
        (VALID + "  zh: ['別再']\n", "simplified characters"),
        (VALID + "  colour: red\n", "colour"),
        ("version: [", "not valid YAML"),
    ],
)
def test_a_broken_rules_file_is_refused_with_its_name(document: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_rules(document, source="test.yaml")
    assert "test.yaml" in error.value.message and message in error.value.message


def test_a_valid_rules_file_compiles() -> None:
    rules = load_rules(VALID, source="test.yaml")
    assert rules.read("please stop texting").stop == "stop texting"
    assert rules.read("stop").stop == "stop"
