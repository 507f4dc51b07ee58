"""The pdf_letter channel adapter: one file per dedup key, honest results."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from arrears.channels.base import ChannelAdapter, OutgoingMessage
from arrears.channels.letters.channel import (
    HEADERS,
    PdfLetterChannel,
    file_name,
    letter_message,
)
from arrears.channels.letters.model import LetterRequest, request_from_record, request_record
from tests.channels.letters.samples import CN_SENDER, LETTER_DATE, US_SENDER, sample_letter


def _channel(tmp_path: Path, sender: Any = US_SENDER) -> PdfLetterChannel:
    return PdfLetterChannel(tmp_path, "demo", sender, jurisdiction="US", today=lambda: LETTER_DATE)


@pytest.fixture
def letter(letter_templates: dict[str, Any]) -> LetterRequest:
    return sample_letter(letter_templates["payment_reminder"], "en-US", dedup_key="ob:1:letter")


def test_it_is_a_channel_adapter(tmp_path: Path) -> None:
    adapter: ChannelAdapter = _channel(tmp_path)
    assert adapter.name == "pdf_letter" and adapter.channel == "letter"


def test_a_letter_is_written_once_per_key(tmp_path: Path, letter: LetterRequest) -> None:
    channel = _channel(tmp_path)
    result = channel.send_letter(letter)
    assert result.status == "sent"
    assert result.provider_id == f"demo/2026-04-08/{file_name('ob:1:letter')}"
    path = tmp_path / str(result.provider_id)
    assert path.read_bytes().startswith(b"%PDF")
    written = path.stat().st_mtime_ns
    again = channel.send_letter(letter)
    assert again.provider_id == result.provider_id
    assert path.stat().st_mtime_ns == written  # not rendered or written again
    later = dataclasses.replace(letter, letter_date=date(2026, 4, 9))
    assert channel.send_letter(later).provider_id == result.provider_id
    assert len(list(tmp_path.rglob("*.pdf"))) == 1


def test_the_record_beside_the_pdf_gives_the_request_back(
    tmp_path: Path, letter: LetterRequest
) -> None:
    channel = _channel(tmp_path)
    result = channel.send_letter(letter)
    record_path = (tmp_path / str(result.provider_id)).with_suffix(".json")
    back = request_from_record(json.loads(record_path.read_text(encoding="utf-8")))
    assert back.dedup_key == letter.dedup_key and back.body_html == letter.body_html
    assert back.recipient == letter.recipient and back.sender == letter.sender
    assert request_record(back)["variables"] == request_record(letter)["variables"]


def test_an_outbox_message_becomes_the_same_letter(tmp_path: Path, letter: LetterRequest) -> None:
    message = letter_message(letter)
    assert message.channel == "letter" and message.to.splitlines()[0] == "Jennifer Smith"
    assert message.headers[HEADERS["postal_code"]] == "62704"
    channel = _channel(tmp_path)
    rebuilt = channel.request_from_message(message)
    assert rebuilt.recipient == letter.recipient
    assert rebuilt.jurisdiction == "US" and rebuilt.letter_date == LETTER_DATE
    result = channel.send(message)
    assert result.status == "sent"
    pdf = (tmp_path / str(result.provider_id)).read_bytes()
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "JenniferSmith" in text and "$12,345.67" in text
    assert channel.send_many([message, message])[1].provider_id == result.provider_id


def test_a_plain_text_message_is_laid_out_in_paragraphs(tmp_path: Path) -> None:
    message = OutgoingMessage(
        dedup_key="ob:7",
        channel="letter",
        to="王芳\n北京市朝阳区建国路1号\n邮编 100022",
        sender="",
        text="第一段。\n\n第二段 <不是标签>。",
        subject="提醒",
        locale="zh-CN",
        headers={HEADERS["jurisdiction"]: "CN", HEADERS["country"]: "CN"},
    )
    channel = PdfLetterChannel(tmp_path, "demo", CN_SENDER, today=lambda: LETTER_DATE)
    letter = channel.request_from_message(message)
    assert letter.body_html == "<p>第一段。</p><p>第二段 &lt;不是标签&gt;。</p>"
    assert channel.send(message).status == "sent"


def test_letters_that_cannot_be_made_fail_permanently(
    tmp_path: Path, letter: LetterRequest
) -> None:
    channel = _channel(tmp_path)
    refused = channel.send(
        dataclasses.replace(letter_message(letter), sender="ABC Debt Collectors")
    )
    assert refused.status == "permanent_failure" and "reveal a debt" in str(refused.error)
    no_address = dataclasses.replace(letter_message(letter), to="Jennifer Smith")
    assert channel.send(no_address).status == "permanent_failure"
    no_subject = dataclasses.replace(letter_message(letter), subject=None)
    assert channel.send(no_subject).status == "permanent_failure"
    bad_date = letter_message(letter)
    bad_date = dataclasses.replace(
        bad_date, headers={**bad_date.headers, HEADERS["letter_date"]: "8 April"}
    )
    assert channel.send(bad_date).status == "permanent_failure"
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_disk_problem_is_temporary(tmp_path: Path, letter: LetterRequest) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    result = PdfLetterChannel(blocked, "demo", US_SENDER).send_letter(letter)
    assert result.status == "temporary_failure"


def test_the_day_of_letters_becomes_a_print_batch(
    tmp_path: Path, letter_templates: dict[str, Any]
) -> None:
    channel = _channel(tmp_path)
    for name in ("payment_reminder", "validation_notice", "settlement_offer"):
        sent = channel.send_letter(sample_letter(letter_templates[name], "en-US"))
        assert sent.ok
    batch = channel.print_batch(LETTER_DATE)
    assert batch.letters == 3 and batch.pdf_path is not None
    assert batch.pdf_path.parent == tmp_path / "demo" / "batches"
    assert {row.template for row in batch.rows} == {
        "payment_reminder",
        "validation_notice",
        "settlement_offer",
    }


def test_settings_are_validated(tmp_path: Path) -> None:
    settings = {
        "out_dir": str(tmp_path),
        "client_code": "demo",
        "letterhead_name": "Harbor Point Recovery LLC",
        "return_name": "HPR Services",
        "return_address": ["PO Box 4410", "Columbus, OH 43215"],
        "jurisdiction": "US",
        "paper": "LETTER",
    }
    channel = PdfLetterChannel.from_settings(settings, {})
    assert channel.sender.return_name == "HPR Services" and channel.paper == "LETTER"
    with pytest.raises(ValidationError):
        PdfLetterChannel.from_settings({**settings, "colour": "red"}, {})
    with pytest.raises(ValidationError):
        PdfLetterChannel.from_settings({**settings, "client_code": "../x"}, {})


def test_file_names_are_safe_and_distinct() -> None:
    assert file_name("outbox-42.letter") == "outbox-42.letter.pdf"
    assert "/" not in file_name("a/b") and file_name("a/b") != file_name("a_b")
    assert file_name("a:b") != file_name("a?b")
