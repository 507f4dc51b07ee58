"""What a text must say, and what it must not reveal, given where it goes.

US (Reg F): the initial communication with the consumer carries the
mini-Miranda (1006.18(e)(1)); every later one says it is from a debt collector
((e)(2); the full mini-Miranda also does); both in every language the text is
written in ((e)(4)). Every e-mail, text or private social message carries an
opt-out statement (1006.6(e)). A call script names the caller and the company
(1006.14(g)). A voicemail must be a limited-content message (1006.2(j)): the
caller's and business's names and a request to call back, and nothing that
reveals a debt; anything else is blocked (US-VM-01, design choice D).

Everywhere: a text for a third party (location inquiry) must not reveal the
debt (1006.10; CBA guideline; CONC 7.9.7 R), nor may a public social post.

China (design choice D): a text should name its sender (the institution or the
agency). No rule requires it in those words, but the CBA guideline forbids
impersonation and fraud, and an anonymous collection message cannot be told
apart from either; a text without a sender is sent for REVIEW.

The disclosures are recognised by the phrase sets of ``disclosures.yaml``.
"""

from __future__ import annotations

import re

from arrears.compliance.content.lexicon import Lexicon
from arrears.compliance.content.matching import Hit, find
from arrears.compliance.content.model import (
    BLOCK,
    CONSUMER_SIDE,
    REVIEW,
    THIRD_PARTIES,
    ContentContext,
    ContentFinding,
)
from arrears.compliance.content.normalize import Normalized, han_count
from arrears.compliance.content.report import finding, quoted_en, quoted_zh, quotes

MINI_MIRANDA = "mini_miranda"
DEBT_COLLECTOR = "debt_collector_disclosure"
OPT_OUT = "opt_out_notice"
LIMITED_CONTENT = "limited_content_message"
IDENTITY = "collector_identity"

# 1006.18(e) applies to communications "in any medium"; a voicemail is handled
# as a limited-content message instead, and a public post may not be made at all.
DISCLOSURE_CHANNELS = frozenset({"call", "sms", "email", "letter", "visit", "social_private"})
# 1006.6(e): "an email, text message, or other electronic message".
ELECTRONIC_CHANNELS = frozenset({"sms", "email", "social_private"})
_THIRD_PARTY_RULES = {"US": "US-3P-02", "CN": "CN-3P-02", "GB": "UK-07"}
_PUBLIC_RULES = {"US": "US-SOC-01", "CN": "CN-PROH-01", "GB": "UK-07"}
# A text "is written in" a language when it has this many words (en) or characters (zh).
_MIN_EN_WORDS = 10
_MIN_ZH_CHARS = 10
_EN_WORD = re.compile(r"(?<![{_a-z])[a-z]{2,}(?![_}a-z])")
_LANGUAGE_NAMES = {"en": ("English", "英文"), "zh": ("Chinese", "中文")}
_DISCLOSURE_NAMES = {MINI_MIRANDA: "mini-Miranda", DEBT_COLLECTOR: '"from a debt collector"'}


def disclosures_in(norm: Normalized, lexicon: Lexicon) -> frozenset[str]:
    """The disclosures ``norm`` carries (see ``disclosures_present``)."""
    found = {
        name
        for name in (MINI_MIRANDA, DEBT_COLLECTOR, OPT_OUT, IDENTITY)
        if lexicon.phrases(name).search(norm.text)
    }
    if MINI_MIRANDA in found:  # the full mini-Miranda also satisfies 1006.18(e)(2)
        found.add(DEBT_COLLECTOR)
    mentions, no_callback, no_identity = _limited_content_problems(norm, lexicon, found)
    if not (mentions or no_callback or no_identity):
        found.add(LIMITED_CONTENT)
    return frozenset(found)


def disclosure_findings(
    norm: Normalized, context: ContentContext, lexicon: Lexicon
) -> list[ContentFinding]:
    """Missing disclosures and revealed debts, for ``context``."""
    present = disclosures_in(norm, lexicon)
    found: list[ContentFinding] = []
    if "US" in context.countries:
        found += _us_findings(norm, context, lexicon, present)
    if "CN" in context.countries and context.channel != "social_public" and IDENTITY not in present:
        found.append(_missing_cn_identity(lexicon))
    found += _revealed_debt(norm, context, lexicon)
    return found


# --------------------------------------------------------------------------- US


def _us_findings(
    norm: Normalized, context: ContentContext, lexicon: Lexicon, present: frozenset[str]
) -> list[ContentFinding]:
    if context.channel == "voicemail":
        return _voicemail_findings(norm, lexicon, present)
    found: list[ContentFinding] = []
    if context.counterparty in CONSUMER_SIDE and context.channel in DISCLOSURE_CHANNELS:
        found += _debt_disclosure(norm, context, lexicon, present)
    if context.channel in ELECTRONIC_CHANNELS and OPT_OUT not in present:
        found.append(
            finding(
                lexicon,
                "US-ELEC-01",
                BLOCK,
                "The electronic message has no opt-out statement "
                '(for example "Reply STOP to stop texts to this number").',
                "电子消息缺少退订说明（例如“回复STOP退订”）。",
                (OPT_OUT,),
            )
        )
    if context.channel == "call" and IDENTITY not in present:
        found.append(
            finding(
                lexicon,
                "US-ID-01",
                BLOCK,
                "The call script does not name the caller and the company.",
                "通话脚本未说明来电人员及公司名称。",
                (IDENTITY,),
            )
        )
    return found


def _debt_disclosure(
    norm: Normalized, context: ContentContext, lexicon: Lexicon, present: frozenset[str]
) -> list[ContentFinding]:
    needed = MINI_MIRANDA if context.initial_communication else DEBT_COLLECTOR
    # Either disclosure says the text is from a debt collector (1006.18(e)(2)).
    names = (MINI_MIRANDA,) if context.initial_communication else (MINI_MIRANDA, DEBT_COLLECTOR)
    if needed not in present:
        return [_missing_debt_disclosure(lexicon, context.initial_communication)]
    missing_in = [
        language
        for language in _languages(norm)
        if not any(lexicon.phrases(n).search(norm.text, language) for n in names)
    ]
    if not missing_in:
        return []
    english, chinese = _LANGUAGE_NAMES[missing_in[0]]
    return [
        finding(
            lexicon,
            "US-DISC-03",
            REVIEW,
            f"The text is written in English and Chinese but the {_DISCLOSURE_NAMES[needed]} "
            f"disclosure is missing in {english}.",
            f"文本同时使用中英文，但{chinese}部分缺少催收告知声明。",
            (needed,),
        )
    ]


def _missing_debt_disclosure(lexicon: Lexicon, initial: bool) -> ContentFinding:
    if initial:
        return finding(
            lexicon,
            "US-DISC-01",
            BLOCK,
            "The initial communication does not say that the debt collector is attempting "
            "to collect a debt and that any information obtained will be used for that "
            "purpose (the mini-Miranda).",
            "首次沟通缺少催收告知声明（正在催收债务，所获得的任何信息都将用于该目的）。",
            (MINI_MIRANDA,),
        )
    return finding(
        lexicon,
        "US-DISC-02",
        BLOCK,
        "The communication does not say that it is from a debt collector.",
        "本次沟通未声明其来自债务催收方。",
        (DEBT_COLLECTOR,),
    )


def _languages(norm: Normalized) -> list[str]:
    """The languages ``norm`` is written in, when it is written in more than one."""
    english = len(_EN_WORD.findall(norm.text)) >= _MIN_EN_WORDS
    chinese = han_count(norm.text) >= _MIN_ZH_CHARS
    return ["en", "zh"] if english and chinese else []


def _voicemail_findings(
    norm: Normalized, lexicon: Lexicon, present: frozenset[str]
) -> list[ContentFinding]:
    mentions, no_callback, no_identity = _limited_content_problems(norm, lexicon, present)
    found: list[ContentFinding] = []
    if mentions:
        said = quotes(mentions)
        found.append(
            finding(
                lexicon,
                "US-VM-01",
                BLOCK,
                "The voicemail is not a limited-content message: it reveals the debt: "
                f"{quoted_en(said)}.",
                f"语音留言不是有限内容留言：透露了债务信息：{quoted_zh(said)}。",
                (LIMITED_CONTENT,),
            )
        )
    if no_callback:
        found.append(
            finding(
                lexicon,
                "US-DEF-04",
                BLOCK,
                "The voicemail does not ask the consumer to call back, which a "
                "limited-content message must.",
                "语音留言未请对方回电，不符合有限内容留言的要求。",
                (LIMITED_CONTENT,),
            )
        )
    if no_identity:
        found.append(
            finding(
                lexicon,
                "US-DEF-04",
                BLOCK,
                "The voicemail does not give the caller's name and business name, which a "
                "limited-content message must.",
                "语音留言未说明来电人员姓名及公司名称，不符合有限内容留言的要求。",
                (IDENTITY,),
            )
        )
    return found


def _limited_content_problems(
    norm: Normalized, lexicon: Lexicon, present: set[str] | frozenset[str]
) -> tuple[list[Hit], bool, bool]:
    """What keeps ``norm`` from being a limited-content message (1006.2(j))."""
    mentions = find(lexicon.phrases("debt_mention"), norm)
    no_callback = lexicon.phrases("callback_request").search(norm.text) is None
    return mentions, no_callback, IDENTITY not in present


# --------------------------------------------------------------------------- CN and everywhere


def _missing_cn_identity(lexicon: Lexicon) -> ContentFinding:
    return finding(
        lexicon,
        "CN-PROH-01",
        REVIEW,
        "The message does not identify its sender (the institution or agency); an "
        "anonymous collection message cannot be told apart from impersonation or fraud.",
        "消息未表明发送方身份（机构或公司名称），无法与冒充或诈骗信息区分。",
        (IDENTITY,),
    )


def _revealed_debt(
    norm: Normalized, context: ContentContext, lexicon: Lexicon
) -> list[ContentFinding]:
    """A debt mentioned to a third party, to a CN spouse, or in a public post."""
    public = context.channel == "social_public"
    third_party = context.counterparty in THIRD_PARTIES
    cn_spouse = context.counterparty == "spouse" and "CN" in context.countries
    if not (public or third_party or cn_spouse):
        return []
    mentions = find(lexicon.phrases("debt_mention"), norm)
    if not mentions:
        return []
    said = quotes(mentions)
    found: list[ContentFinding] = []
    for country in sorted(context.content_countries):
        if public:
            found.append(_public_post(lexicon, _PUBLIC_RULES[country], said))
        if third_party:
            found.append(_third_party(lexicon, _THIRD_PARTY_RULES[country], said))
    if cn_spouse and not third_party:
        found.append(_cn_spouse(lexicon, said))
    return found


def _public_post(lexicon: Lexicon, rule: str, said: tuple[str, ...]) -> ContentFinding:
    return finding(
        lexicon,
        rule,
        BLOCK,
        f"The public post reveals a debt: {quoted_en(said)}.",
        f"公开发布的内容透露了债务信息：{quoted_zh(said)}。",
    )


def _third_party(lexicon: Lexicon, rule: str, said: tuple[str, ...]) -> ContentFinding:
    return finding(
        lexicon,
        rule,
        BLOCK,
        f"The message to a third party reveals the debt: {quoted_en(said)}.",
        f"发给第三方的消息透露了债务信息：{quoted_zh(said)}。",
    )


def _cn_spouse(lexicon: Lexicon, said: tuple[str, ...]) -> ContentFinding:
    # CN-3P-02: a spouse is debt-related only for a joint debt (Civil Code Art. 1064).
    return finding(
        lexicon,
        "CN-3P-02",
        REVIEW,
        "The message to the spouse mentions the debt; confirm it is a joint spousal "
        f"debt (Civil Code Art. 1064) before sending: {quoted_en(said)}.",
        f"发给配偶的消息提及债务，发送前须确认属于夫妻共同债务（民法典第1064条）：{quoted_zh(said)}。",
    )
