"""``arrears inbound classify`` on the command line: the output shape and the mistakes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.fixtures.commands import cli

KEYS = ["intent", "confidence", "amount", "currency", "date", "needs_review"]


def test_one_reply_is_one_json_object_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "inbound", "classify", "下周五还500", "--as-of", "2026-11-20")
    assert code == 0
    assert out.count("\n") == 1
    answer = json.loads(out)
    assert list(answer) == KEYS
    assert answer["intent"] == "promise"
    assert (answer["amount"], answer["currency"], answer["date"]) == (50000, "CNY", "2026-11-27")
    assert answer["confidence"] == round(answer["confidence"], 3)
    assert 0 <= answer["confidence"] <= 1
    assert answer["needs_review"] is False


def test_nothing_named_is_null(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "inbound", "classify", "STOP", "--locale", "en-US")
    assert code == 0
    assert json.loads(out) == {
        "intent": "stop",
        "confidence": 1.0,
        "amount": None,
        "currency": None,
        "date": None,
        "needs_review": False,
    }


def test_a_file_gives_one_object_per_non_blank_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    replies = tmp_path / "replies.txt"
    replies.write_text("I'll pay 40 on 12/1\n\n   \nSTOP\n打错了\n", encoding="utf-8")
    code, out, _ = cli(
        capsys,
        *("inbound", "classify", "--file", str(replies), "--as-of", "2026-11-20"),
        *("--locale", "en-GB", "--currency", "GBP"),
    )
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["intent"] for a in answers] == ["promise", "stop", "wrong_person"]
    assert answers[0]["amount"] == 4000 and answers[0]["currency"] == "GBP"
    assert answers[0]["date"] == "2027-01-12"  # en-GB reads 12/1 day first


def test_standard_input_is_read_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("退订\n好的\n"))
    code, out, _ = cli(capsys, "inbound", "classify", "--file", "-")
    assert code == 0
    assert [json.loads(line)["intent"] for line in out.splitlines()] == ["stop", "other"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "either a reply TEXT or --file"),
        (["hello", "--file", "x.txt"], "not both"),
        (["--file", "no-such-file.txt"], "no such file"),
        (["hello", "--as-of", "tomorrow"], "--as-of must be a date"),
        (["hello", "--currency", "XYZ"], "'XYZ' is not a known ISO 4217"),
        (["hello", "--locale", "fr-FR"], "unknown locale 'fr-FR'"),
    ],
)
def test_mistakes_get_one_clear_line_and_a_non_zero_exit(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = cli(capsys, "inbound", "classify", *args)
    assert code != 0 and out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
