"""The disclosures the compliance layer adds satisfy the content checker, everywhere."""

# ruff: noqa: E501 (template texts are long lines, as in the shipped files)

from __future__ import annotations

import itertools

import pytest

from arrears.compliance.content import ContentContext, check_content
from arrears.compliance.content.required import (
    DEBT_COLLECTOR,
    OPT_OUT,
    PLACEABLE,
    RECORDING,
    SIGNATURE,
    required_disclosures,
)

BODIES = {
    "zh": "张先生您好，您的账户需要处理，请通过官方渠道还款或来电咨询。",
    "en": "Hello Jordan, please see your account and payment options online or call us.",
}
SENDERS = {"zh": "星河消费金融", "en": "Northbridge Associates"}
CHANNELS = ("sms", "email", "call", "letter")
PLACES = (("US",), ("US", "US-CA"), ("CN",), ("GB",), ("UK",))
LOCALES = ("zh-CN", "en-US")


def language(locale: str) -> str:
    return locale[:2]


@pytest.mark.parametrize(
    ("channel", "places", "locale", "initial"),
    list(itertools.product(CHANNELS, PLACES, LOCALES, (False, True))),
)
def test_the_wrapped_text_passes_the_content_check(
    channel: str, places: tuple[str, ...], locale: str, initial: bool
) -> None:
    lang = language(locale)
    required = required_disclosures(channel, places, locale, initial, SENDERS[lang])
    body = BODIES[lang]
    if channel == "call":  # a script names the caller (US-ID-01); the checker asks for it
        body = ("我是王芳。" if lang == "zh" else "My name is Alex Morgan. ") + body
    text = required.wrap(body)
    context = ContentContext(channel=channel, jurisdictions=places, initial_communication=initial)
    assert check_content(text, context) == []
    assert BODIES[lang] in text


def test_an_english_sender_in_a_chinese_us_text_does_not_need_a_review() -> None:
    # English names and links can make a Chinese text "written in" English too
    # (1006.18(e)(4)); the statement is given in both languages.
    body = "张伟您好，您在 Acme Bank 的账户由 Northbridge Associates 处理，详情见 https://pay.example.com/portal 。"
    for initial in (False, True):
        required = required_disclosures(
            "email", ("US",), "zh-CN", initial, "Northbridge Associates"
        )
        context = ContentContext(
            channel="email", jurisdictions=("US",), initial_communication=initial
        )
        assert check_content(required.wrap(body), context) == []


class TestChina:
    def test_a_text_is_signed_and_ends_with_the_opt_out(self) -> None:
        required = required_disclosures("sms", ("CN",), "zh-CN", False, "星河消费金融")
        assert required.wrap("请按时还款。") == "【星河消费金融】请按时还款。退订回T"
        assert [p.kind for p in required.parts] == [SIGNATURE, OPT_OUT]

    def test_an_english_text_to_china_is_signed_the_same_way(self) -> None:
        required = required_disclosures("sms", ("CN",), "en-US", False, "Xinghe Finance")
        assert required.wrap("Please pay on time.") == (
            "【Xinghe Finance】Please pay on time. Reply T to opt out."
        )

    def test_an_email_says_who_sent_it(self) -> None:
        zh = required_disclosures("email", ("CN",), "zh-CN", False, "星河消费金融")
        assert zh.suffix == "本邮件由星河消费金融发送。"
        en = required_disclosures("email", ("CN",), "en-US", False, "星河消费金融")
        assert en.suffix == "This e-mail is from 【星河消费金融】."

    def test_a_call_gets_the_recording_notice(self) -> None:
        required = required_disclosures("call", ("CN",), "zh-CN", False, "星河消费金融")
        assert [p.kind for p in required.parts] == [RECORDING]
        assert "CN-REC-01" in required.parts[0].basis


class TestUnitedStates:
    def test_a_later_text_says_it_is_from_a_debt_collector_and_how_to_opt_out(self) -> None:
        required = required_disclosures("sms", ("US",), "en-US", False, "Northbridge")
        assert required.wrap("Hi Jordan.") == (
            "Northbridge: Hi Jordan. This message is from a debt collector. "
            "Reply STOP to opt out of texts."
        )

    def test_the_initial_communication_carries_the_mini_miranda(self) -> None:
        required = required_disclosures("email", ("US",), "en-US", True, "Northbridge")
        assert "This is an attempt to collect a debt and any information obtained will be used" in (
            required.suffix
        )
        assert 'reply with "STOP" in the subject line' in required.suffix
        assert "12 CFR 1006.18(e)(1)" in required.parts[0].basis

    def test_a_call_states_it_first(self) -> None:
        required = required_disclosures("call", ("US",), "en-US", False, "Northbridge")
        assert required.prefix.startswith("This call is from a debt collector.")
        assert required.suffix == ""

    def test_a_voicemail_gets_nothing(self) -> None:
        # A limited-content message may not carry a disclosure (comment 2(j)-1).
        required = required_disclosures("voicemail", ("US",), "en-US", True, "Northbridge")
        assert required.parts == () and required.wrap(" Hello. ") == "Hello."

    def test_a_letter_is_not_electronic_and_has_no_opt_out(self) -> None:
        required = required_disclosures("letter", ("US",), "en-US", False, "Northbridge")
        assert [p.kind for p in required.parts] == [DEBT_COLLECTOR]


class TestGreatBritain:
    def test_a_text_and_an_email_name_the_sender(self) -> None:
        assert required_disclosures("sms", ("GB",), "en-US", False, "Thameside").prefix == (
            "Thameside: "
        )
        email = required_disclosures("email", ("UK",), "en-US", False, "Thameside")
        assert email.suffix == "This e-mail is from Thameside."


class TestPlacing:
    def test_the_statements_a_template_places_leave_the_wrapping(self) -> None:
        required = required_disclosures("call", ("US",), "en-US", True, "Northbridge")
        placed = required.text_of(PLACEABLE["disclosure"])
        assert placed.startswith("This is a communication from a debt collector.")
        assert placed.endswith("This call is recorded.")
        assert required.without(PLACEABLE["disclosure"]).wrap("Script.") == "Script."

    def test_the_opt_out_can_be_placed_alone(self) -> None:
        required = required_disclosures("sms", ("US",), "en-US", False, "Northbridge")
        assert (
            required.text_of(PLACEABLE["opt_out_instruction"]) == "Reply STOP to opt out of texts."
        )
        rest = required.without(PLACEABLE["opt_out_instruction"])
        assert rest.wrap("Hi.") == "Northbridge: Hi. This message is from a debt collector."

    def test_no_jurisdiction_means_no_consumer_disclosures(self) -> None:
        assert required_disclosures("email", (), "en-US", True, "Acme Supplies").parts == ()

    def test_one_signature_when_two_rulebooks_apply(self) -> None:
        required = required_disclosures("sms", ("CN", "US"), "zh-CN", False, "星河")
        assert [p.kind for p in required.parts].count(SIGNATURE) == 1
        assert required.prefix == "【星河】"
