"""Letters as real PDFs: every template in both locales, the page, the metadata, no network."""

from __future__ import annotations

import dataclasses
import io
import socket
from typing import Any

import pytest
from pypdf import PdfReader

from arrears.channels.letters.envelope import visible_text, window_text
from arrears.channels.letters.layout import A4_DL, US_LETTER_10, page_format_for
from arrears.channels.letters.model import LetterRequest, Recipient, letter_reference
from arrears.channels.letters.render import (
    LetterRenderError,
    LocalOnlyFetcher,
    RefusedURL,
    build_html,
    render_letter,
)
from arrears.core.money import Money
from tests.channels.letters.samples import (
    CN_RECIPIENT,
    US_RECIPIENT,
    sample_letter,
)

Rendered = dict[tuple[str, str], tuple[LetterRequest, bytes]]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _squash(text: str) -> str:
    return "".join(text.split())


def test_every_template_renders_in_both_locales(rendered: Rendered) -> None:
    assert len(rendered) == 26  # 13 templates x (zh-CN, en-US)
    for (name, locale), (letter, pdf) in rendered.items():
        assert pdf.startswith(b"%PDF-"), name
        reader = PdfReader(io.BytesIO(pdf))
        assert 1 <= len(reader.pages) <= 3, (name, locale)
        text = _squash(_text(pdf))
        assert _squash(letter.recipient.name) in text, (name, locale)
        assert _squash(letter.subject) in text, (name, locale)
        assert letter.letter_ref in text, (name, locale)


def test_the_balance_is_printed_in_the_locale(rendered: Rendered) -> None:
    for (name, locale), (letter, pdf) in rendered.items():
        if name == "uk_debt_advice_signpost":  # asks for nothing: no amount on purpose
            continue
        balance = letter.variables["balance"]
        assert isinstance(balance, Money)
        assert _squash(balance.format(letter.locale)) in _squash(_text(pdf)), (name, locale)


def test_chinese_text_is_extracted_as_written(rendered: Rendered) -> None:
    _, pdf = rendered[("demand_letter_cn", "zh-CN")]
    text = _squash(_text(pdf))
    for phrase in ("尊敬的张伟：", "您的权利和义务", "欠款合计", "¥12,345.67", "此致", "敬礼！"):
        assert phrase in text
    assert "\ufffd" not in text
    lawyer = _squash(_text(rendered[("lawyer_letter_cn", "zh-CN")][1]))
    assert "上海明理律师事务所" in lawyer and "特此函告" in lawyer


def _font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"].get_object()
        fonts: Any = resources.get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_chinese_glyphs_come_from_a_cjk_font(rendered: Rendered) -> None:
    fonts = _font_names(rendered[("payment_reminder", "zh-CN")][1])
    assert any("WenQuanYi" in f or "NotoSansCJK" in f or "Noto Sans CJK" in f for f in fonts)


def test_paper_follows_the_jurisdiction(rendered: Rendered) -> None:
    def size(pdf: bytes) -> tuple[int, int]:
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    assert size(rendered[("validation_notice", "en-US")][1]) == (612, 792)  # US Letter
    assert size(rendered[("demand_letter_cn", "zh-CN")][1]) == (595, 842)  # A4
    assert size(rendered[("uk_default_notice", "en-US")][1]) == (595, 842)
    assert page_format_for("US-MA", "zh-CN") is US_LETTER_10
    assert page_format_for("GB", "en-GB") is A4_DL
    assert page_format_for("", "en-US") is US_LETTER_10
    assert page_format_for("CN", "en-US", paper="letter") is US_LETTER_10


def test_the_window_shows_exactly_the_address_block(rendered: Rendered) -> None:
    for (name, locale), (letter, pdf) in rendered.items():
        fmt = page_format_for(letter.jurisdiction, letter.locale, letter.paper)
        assert _squash(visible_text(pdf, fmt)) == _squash(window_text(letter)), (name, locale)


def test_the_dedup_key_is_in_the_metadata(rendered: Rendered) -> None:
    letter, pdf = rendered[("settlement_offer", "en-US")]
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert str(meta["/Subject"]) == letter.dedup_key
    assert str(meta["/Title"]) == letter.subject
    assert "settlement_offer" in str(meta["/Keywords"])
    assert meta.get("/arrearsdedupkey") == letter.dedup_key


def test_rendering_is_deterministic(letter_templates: dict[str, Any]) -> None:
    letter = sample_letter(letter_templates["payment_reminder"], "zh-CN", dedup_key="same")
    assert render_letter(letter) == render_letter(letter)
    other = sample_letter(letter_templates["payment_reminder"], "zh-CN", dedup_key="other")
    assert render_letter(other) != render_letter(letter)


def test_the_footer_reference_comes_from_the_key() -> None:
    ref = letter_reference("outbox:42:letter")
    assert ref == letter_reference("outbox:42:letter")
    assert len(ref) == 12 and ref.count("-") == 2
    assert ref != letter_reference("outbox:43:letter")


def test_names_and_addresses_are_escaped(letter_templates: dict[str, Any]) -> None:
    hostile = Recipient("<b>Evil</b> & Co", US_RECIPIENT.address)
    letter = sample_letter(letter_templates["payment_reminder"], "en-US")
    letter = dataclasses.replace(letter, recipient=hostile, dedup_key="escape")
    html = build_html(letter)
    assert "<b>Evil</b>" not in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert "<b>Evil</b> & Co" in _text(render_letter(letter))


def test_chinese_address_puts_the_name_last(letter_templates: dict[str, Any]) -> None:
    letter = sample_letter(letter_templates["demand_letter_cn"], "zh-CN")
    lines = window_text(letter).splitlines()
    assert lines[1:] == [*CN_RECIPIENT.address.lines, "张伟 亲启"]


# --------------------------------------------------------------------------- no network


def test_the_fetcher_refuses_the_network_and_foreign_files() -> None:
    fetcher = LocalOnlyFetcher()
    for url in (
        "http://example.com/logo.png",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
        "file:///etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


def test_a_letter_pointing_outside_is_not_rendered(
    letter_templates: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the renderer opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    base = sample_letter(letter_templates["payment_reminder"], "en-US")
    for src in ("http://127.0.0.1:9/logo.png", "file:///etc/hostname"):
        letter = dataclasses.replace(base, body_html=f'<p><img src="{src}"></p>')
        with pytest.raises(LetterRenderError, match="not rendered"):
            render_letter(letter)
