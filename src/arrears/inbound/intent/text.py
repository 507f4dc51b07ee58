"""The one form of a reply that rules, extraction and the model all read.

Replies are typed on phones with Chinese input methods: full-width digits and
letters (``１５号``, ``ＳＴＯＰ``), traditional characters from Hong Kong and
Taiwan (``別再聯繫我``), curly quotes, stray spaces. The compliance content
checker already solved this for collectors' texts; replies use the same
normaliser and fold table (NFKC, case folding, traditional to simplified for
the characters the table knows, one space, no space between Chinese
characters), so a phrase is written once, in simplified lower case.
"""

from __future__ import annotations

import functools

from arrears.compliance.content.lexicon import default_lexicon
from arrears.compliance.content.normalize import Normalizer


@functools.cache
def _normalizer() -> Normalizer:
    return Normalizer(default_lexicon().fold)


def normalize(text: str) -> str:
    """``text`` in matching form (idempotent: normalising twice changes nothing)."""
    return _normalizer()(text).text


def fold_table() -> dict[str, str]:
    """Traditional -> simplified characters folded by :func:`normalize`."""
    return dict(default_lexicon().fold)
