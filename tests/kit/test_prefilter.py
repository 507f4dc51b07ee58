"""The RE2 prefilter never says "no match" where Python's re finds one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.compliance.content.lexicon import default_lexicon
from arrears.kit.prefilter import compile_superset, superset

# Constructs RE2 lacks or reads differently: look-around, boundaries, Unicode classes,
# negated classes with categories, atomic groups, possessive and lazy repeats.
PATTERNS = [
    r"(?<![a-z0-9])sue\b",
    r"\bpay\s+now(?!\w)",
    r"[^\w\s]{2,}",
    r"(?:call|text)\s*(?:us|me)?\s*\d{3,}",
    r"(?>ab|a)c",
    r"x++y",
    r"w.*?z",
    r"[\W_]+end",
    r"起诉|(?<!不)曝光|\w{2}通讯录",
    r"^start|finish$",
    r"[^\d\s]+\d",
]
ALPHABET = "abcdeswxyzpnoutlmk 0123456789_-.!,\n\t\u00a0起诉不曝光通讯录ÉéßK\u212a"


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_every_python_match_is_an_re2_match(pattern: str, text: str):
    python = re.compile(pattern, re.IGNORECASE)
    quick = compile_superset(python)
    assert quick is not None
    if python.search(text):
        assert quick.search(text), (pattern, text)


def test_known_words_are_found_and_plain_text_is_not():
    quick = compile_superset(re.compile(r"(?<![a-z])garnish\w*", re.IGNORECASE))
    assert quick.search("we may GARNISHEE your wages")
    assert not quick.search("please pay by Friday")


def test_back_references_have_no_prefilter():
    assert superset(r"(a)\1") is None


def test_the_shipped_lexicon_has_a_prefilter_for_every_language():
    lexicon = default_lexicon()
    assert len(lexicon.prefilter) == len(lexicon.screen.regexes) == 2
    assert lexicon.surely_clean("Your balance is $120.00. Reply STOP to opt out.")
    assert not lexicon.surely_clean("Pay now or we will tell your employer and your neighbours")
