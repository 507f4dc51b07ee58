"""The staff UI kit's catalogue (navigation, roles, error pages) is complete in Chinese."""

from __future__ import annotations

from pathlib import Path

from arrears.ui import i18n
from tests.fixtures.catalogues import marked, missing_in_english, untranslated

ROOT = Path(i18n.__file__).parent


def test_every_marked_string_of_the_ui_kit_has_a_chinese_translation():
    strings = marked(ROOT)
    assert {"Queue", "Sign out", "You may not open this page"} <= strings
    assert untranslated(i18n.UI, strings) == []
    assert missing_in_english(i18n.UI, strings) == []


def test_any_language_tag_maps_to_a_supported_locale():
    assert [i18n.normalize(t) for t in ("zh", "zh_Hant", "en-GB", None, "fr")] == [
        "zh-CN", "zh-CN", "en-US", "en-US", "en-US"]  # fmt: skip
