"""Signed portal tokens: genuine ones read back, anything else reads as nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from arrears.portal import tokens

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SECRET = b"s" * 32


def test_a_token_carries_only_the_opaque_link_key():
    key = tokens.new_link_key()
    token = tokens.issue(key, secret=SECRET, at=AT)
    assert tokens.read(token, secret=SECRET, at=AT + timedelta(days=1)) == key
    assert len(token) < 100


def test_link_keys_are_random():
    assert len({tokens.new_link_key() for _ in range(100)}) == 100


def test_a_forged_or_altered_token_reads_as_none():
    token = tokens.issue("abc", secret=SECRET, at=AT)
    assert tokens.read(token, secret=b"x" * 32, at=AT) is None
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert tokens.read(altered, secret=SECRET, at=AT) is None
    assert tokens.read(token[:10], secret=SECRET, at=AT) is None
    assert tokens.read("", secret=SECRET, at=AT) is None
    assert tokens.read("x" * 5000, secret=SECRET, at=AT) is None


def test_a_token_older_than_its_maximum_age_reads_as_none():
    token = tokens.issue("abc", secret=SECRET, at=AT)
    assert tokens.read(token, secret=SECRET, at=AT + timedelta(days=89)) == "abc"
    assert tokens.read(token, secret=SECRET, at=AT + timedelta(days=91)) is None
    assert tokens.read(token, secret=SECRET, at=AT + timedelta(days=3), max_age_days=2) is None
