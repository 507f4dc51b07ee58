"""The daily print batch: one duplex-ready PDF, its manifest, atomic re-runs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from arrears.channels.letters.batch import MANIFEST_FIELDS, batch_paths, build_print_batch
from arrears.channels.letters.model import LetterRequest
from arrears.errors import InvalidInput

Rendered = dict[tuple[str, str], tuple[LetterRequest, bytes]]
DAY = date(2026, 4, 8)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def letters(rendered: Rendered) -> list[tuple[LetterRequest, bytes]]:
    """A day's letters with one, two and (padded) odd page counts."""
    chosen = [
        rendered[("payment_reminder", "zh-CN")],
        rendered[("validation_notice", "en-US")],
        rendered[("uk_default_notice", "en-US")],
        rendered[("paid_in_full", "en-US")],
        rendered[("demand_letter_cn", "zh-CN")],
        rendered[("settlement_offer", "zh-CN")],
    ]
    assert {_pages(pdf) % 2 for _, pdf in chosen} == {0, 1}
    return chosen


def test_the_merged_pdf_pads_odd_letters_for_duplex(
    letters: list[tuple[LetterRequest, bytes]], tmp_path: Path
) -> None:
    batch = build_print_batch(letters, tmp_path, "demo", DAY)
    counts = [_pages(pdf) for _, pdf in letters]
    expected = sum(n + n % 2 for n in counts)
    assert batch.pdf_path is not None
    merged = PdfReader(batch.pdf_path)
    assert len(merged.pages) == batch.pages == expected
    assert batch.blank_pages == sum(n % 2 for n in counts)
    assert batch.letters == len(letters) and batch.sheets == expected // 2
    for row in batch.rows:
        assert row.page_from % 2 == 1  # every letter starts on a front side
        assert row.page_to - row.page_from + 1 == row.page_count
    blank = merged.pages[batch.rows[0].page_to]  # the page after a one-page letter
    if batch.rows[0].blank_pages:
        assert not (blank.extract_text() or "").strip()


def test_the_manifest_describes_every_letter(
    letters: list[tuple[LetterRequest, bytes]], tmp_path: Path
) -> None:
    batch = build_print_batch(letters, tmp_path, "demo", DAY)
    by_key = {letter.dedup_key: (letter, pdf) for letter, pdf in letters}
    with batch.csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == MANIFEST_FIELDS
    assert [int(r["sequence"]) for r in rows] == list(range(1, len(letters) + 1))
    document = json.loads(batch.json_path.read_text(encoding="utf-8"))
    assert document["letters"] == len(letters) and document["pages"] == batch.pages
    assert batch.pdf_path is not None and document["pdf"] == batch.pdf_path.name
    assert document["pdf_sha256"] == hashlib.sha256(batch.pdf_path.read_bytes()).hexdigest()
    merged = PdfReader(batch.pdf_path)
    for row, record in zip(rows, document["rows"], strict=True):
        letter, pdf = by_key[row["dedup_key"]]
        assert record["dedup_key"] == row["dedup_key"]
        assert row["recipient_name"] == letter.recipient.name
        assert row["postal_code"] == letter.recipient.address.postal_code
        assert row["country"] == letter.recipient.address.country
        assert row["template"] == letter.template and row["locale"] == letter.locale
        assert row["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert int(row["page_count"]) == _pages(pdf)
        first = merged.pages[int(row["page_from"]) - 1].extract_text()
        assert letter.letter_ref in first  # the footer reference of that very letter


def test_letters_are_presorted_by_country_and_postal_code(
    letters: list[tuple[LetterRequest, bytes]], tmp_path: Path
) -> None:
    batch = build_print_batch(list(reversed(letters)), tmp_path, "demo", DAY)
    keys = [(r.country, r.postal_code) for r in batch.rows]
    assert keys == sorted(keys)
    again = build_print_batch(letters, tmp_path / "again", "demo", DAY)
    assert again.pdf_sha256 == batch.pdf_sha256  # the arrival order does not matter


def test_a_rerun_replaces_the_batch_atomically(
    letters: list[tuple[LetterRequest, bytes]], tmp_path: Path
) -> None:
    first = build_print_batch(letters, tmp_path, "demo", DAY)
    assert first.pdf_path is not None
    second = build_print_batch(letters[:2], tmp_path, "demo", DAY)
    assert second.pdf_path == first.pdf_path and second.letters == 2
    assert len(PdfReader(second.pdf_path).pages) == second.pages
    assert json.loads(second.json_path.read_text(encoding="utf-8"))["letters"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "print-demo-2026-04-08.csv",
        "print-demo-2026-04-08.json",
        "print-demo-2026-04-08.pdf",
    ]  # no temporary file left behind
    empty = build_print_batch([], tmp_path, "demo", DAY)
    assert empty.pdf_path is None and empty.letters == 0
    assert not first.pdf_path.exists()  # no stale batch for a day without letters


def test_bad_input_is_refused(letters: list[tuple[LetterRequest, bytes]], tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="twice"):
        build_print_batch([letters[0], letters[0]], tmp_path, "demo", DAY)
    with pytest.raises(InvalidInput, match="not a PDF"):
        build_print_batch([(letters[0][0], b"hello")], tmp_path, "demo", DAY)
    with pytest.raises(InvalidInput, match="cannot name"):
        batch_paths(tmp_path, "../etc", DAY)
    assert not any(p.suffix == ".tmp" for p in tmp_path.iterdir())
