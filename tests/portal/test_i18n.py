"""The portal's catalogues: every string marked in templates and code is translated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from arrears.portal import i18n
from tests.fixtures.catalogues import marked, missing_in_english, untranslated

ROOT = Path(i18n.__file__).parent


def test_every_marked_string_has_a_chinese_translation_with_the_same_placeholders():
    strings = marked(ROOT)
    assert len(strings) > 100
    assert untranslated(i18n.PORTAL, strings) == []


def test_the_english_catalogue_lists_the_same_messages():
    assert missing_in_english(i18n.PORTAL, marked(ROOT)) == []


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh", "zh-CN"), ("zh_CN", "zh-CN"), ("zh-Hans-CN", "zh-CN"), ("en-GB", "en-US"),
     (None, "en-US"), ("fr", "en-US")],
)  # fmt: skip
def test_any_language_tag_maps_to_a_portal_locale(tag, expected):
    assert i18n.normalize(tag) == expected


def test_money_and_dates_per_locale():
    zh, en = i18n.Translator("zh-CN"), i18n.Translator("en-US")
    assert zh.money(1_030_000, "CNY") == "¥10,300.00"
    assert en.money(1_030_000, "USD") == "$10,300.00"
    assert en.money(500, "JPY") == "¥500"
    assert zh.date(date(2026, 11, 20)) == "2026年11月20日"
    assert en.date(date(2026, 11, 20)) == "November 20, 2026"
    assert zh.gettext("Hello, %(name)s", name="王小明") == "王小明，您好"
    assert en.gettext("Hello, %(name)s", name="Alex") == "Hello, Alex"
