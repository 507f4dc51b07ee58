"""Rendered sample letters, shared by the tests (rendering is the slow part)."""

from __future__ import annotations

import pytest

from arrears.channels.letters.model import LetterRequest
from arrears.channels.letters.render import render_letter
from arrears.channels.letters.templating import LetterTemplate
from tests.channels.letters.samples import sample_letter, templates


@pytest.fixture(scope="session")
def letter_templates() -> dict[str, LetterTemplate]:
    return templates()


@pytest.fixture(scope="session")
def rendered(
    letter_templates: dict[str, LetterTemplate],
) -> dict[tuple[str, str], tuple[LetterRequest, bytes]]:
    """Every shipped template in each of its locales, as (request, PDF)."""
    out = {}
    for name, template in letter_templates.items():
        for locale in template.locales:
            letter = sample_letter(template, locale)
            out[(name, locale)] = (letter, render_letter(letter))
    return out
