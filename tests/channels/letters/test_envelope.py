"""The envelope rules: what the window shows must not reveal a debt."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from arrears.channels.letters.envelope import (
    EnvelopeRefused,
    check_envelope,
    text_in_rect,
    visible_text,
    window_text,
)
from arrears.channels.letters.layout import A4_DL, US_LETTER_10, page_format_for
from arrears.channels.letters.model import LetterRequest, PostalAddress, Recipient, Sender
from arrears.channels.letters.render import render_letter
from arrears.errors import InvalidInput
from tests.channels.letters.samples import GB_SENDER, US_SENDER, sample_letter

Rendered = dict[tuple[str, str], tuple[LetterRequest, bytes]]


def _with(letter: LetterRequest, **changes: Any) -> LetterRequest:
    return dataclasses.replace(letter, **changes)


def test_a_neutral_envelope_passes() -> None:
    text = "HPR Services, PO Box 4410, Columbus, OH 43215\nJennifer Smith\n1 Main St"
    assert check_envelope(text, "HPR Services") == []
    assert check_envelope("星河服务中心, 上海市浦东新区\n张伟 亲启", "星河服务中心") == []


@pytest.mark.parametrize(
    "sender",
    [
        "ABC Debt Collectors",
        "ABC Collection Agency",
        "Northwind Recoveries Ltd",
        "Acme Receivables Management",
        "XX催收服务有限公司",
        "安信资产管理有限公司",
        "某某银行法务部",
    ],
)
def test_a_return_name_that_reveals_collection_is_refused(sender: str) -> None:
    problems = check_envelope(f"{sender}, PO Box 1\nJennifer Smith", sender)
    assert problems
    assert problems[0].where == "sender_name"
    assert "neutral" in problems[0].message


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("FINAL NOTICE - PAST DUE", "PAST DUE"),
        ("Re: your overdue account", "overdue"),
        ("Notice of sums in arrears", "arrears"),
        ("张伟 逾期通知", "逾期"),
        ("律师函 张伟 亲启", "律师函"),
        ("欠款人 张伟", "欠款"),
        ("债务通知", "债务"),
    ],
)
def test_debt_words_in_the_window_are_refused(line: str, word: str) -> None:
    problems = check_envelope(f"Neutral Co, PO Box 1\n{line}", "Neutral Co")
    assert any(word.lower() in p.found.lower() for p in problems)
    assert all(p.where == "window" and p.line == line for p in problems)


def test_a_visible_amount_is_refused() -> None:
    for line in ("Balance $1,234.56", "余额 ¥100", "1,200元"):
        assert check_envelope(f"Neutral Co\n{line}", "Neutral Co"), line


def test_words_are_matched_as_words() -> None:
    # "Collette" is not "collect", "Debtford" is not "debt"... but "Debt" alone is.
    assert check_envelope("Neutral Co\nCollette Dubois\n12 Rue Debtford", "Neutral Co") == []


def test_a_refused_letter_is_not_rendered(letter_templates: dict[str, Any]) -> None:
    letter = sample_letter(letter_templates["payment_reminder"], "en-US")
    bad_sender = dataclasses.replace(US_SENDER, return_name="ABC Debt Collectors")
    with pytest.raises(EnvelopeRefused) as caught:
        render_letter(_with(letter, sender=bad_sender))
    assert caught.value.code == "envelope_refused"
    assert caught.value.problems[0].found == "Debt"
    assert "1692f(8)" in str(caught.value)


def test_the_letterhead_may_name_the_agency_but_the_window_may_not(
    rendered: Rendered,
) -> None:
    # The sample US agency is "Harbor Point Recovery LLC" on the letterhead
    # (inside the envelope) and "HPR Services" behind the window.
    letter, pdf = rendered[("payment_reminder", "en-US")]
    assert "Recovery" in letter.sender.letterhead_name
    seen = visible_text(pdf, US_LETTER_10)
    assert "Recovery" not in seen
    assert check_envelope(seen, letter.sender.return_name) == []


def test_nothing_of_the_letter_shows_in_the_window(rendered: Rendered) -> None:
    for (name, locale), (letter, pdf) in rendered.items():
        fmt = page_format_for(letter.jurisdiction, letter.locale)
        seen = visible_text(pdf, fmt)
        assert letter.subject not in seen, name
        assert letter.reference not in seen, name
        assert check_envelope(seen, letter.sender.return_name) == [], (name, locale)


def test_the_window_text_is_inside_the_window_rectangle(rendered: Rendered) -> None:
    letter, pdf = rendered[("uk_default_notice", "en-US")]
    inside = text_in_rect(pdf, A4_DL.window)
    assert inside.splitlines()[1] == "Private and confidential"  # CONC 7.9.8 G
    assert "".join(inside.split()) == "".join(window_text(letter).split())


def test_the_recipient_block_must_fit_the_window(letter_templates: dict[str, Any]) -> None:
    letter = sample_letter(letter_templates["payment_reminder"], "en-US")
    long = Recipient("A Person", PostalAddress(tuple(f"line {i}" for i in range(6)), "1", "US"))
    with pytest.raises(InvalidInput, match="window holds"):
        window_text(_with(letter, recipient=long))


def test_senders_need_both_names() -> None:
    with pytest.raises(InvalidInput):
        Sender("", "Neutral", GB_SENDER.address)
