"""The workbench's catalogues: every marked string has a Chinese translation."""

from __future__ import annotations

from pathlib import Path

from arrears.ui.i18n import Catalogue
from arrears.workbench import pages
from tests.fixtures.catalogues import marked, missing_in_english, untranslated

ROOT = Path(pages.__file__).parent
CATALOGUE = Catalogue(ROOT / "locales", "workbench")


def test_every_marked_string_has_a_chinese_translation_with_the_same_placeholders():
    strings = marked(ROOT)
    assert len(strings) > 150
    assert untranslated(CATALOGUE, strings) == []


def test_the_english_catalogue_lists_the_same_messages():
    assert missing_in_english(CATALOGUE, marked(ROOT)) == []
