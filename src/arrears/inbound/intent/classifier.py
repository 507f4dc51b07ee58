"""The trained text classifier: character n-grams and a logistic regression.

Replies are short, bilingual, misspelt and full of texting ("ill pay u fri",
"不要在打了", "yi jing 还了"). Character n-grams (``char_wb``, 1 to 4
characters) need no word segmentation for Chinese and shrug off typos in
English; a multinomial logistic regression over them gives probabilities that
are good enough to threshold (see docs/inbound.md for the figures).

The model is trained from ``data/labelled.tsv``, a hand-written labelled set
shipped in the package, deterministically (a solver without randomness, and
a fixed ``random_state`` all the same) the first time it is needed, then kept for the life of the
process (:func:`default_model`). No pickled model is shipped: the labelled file
is the model's source, reviewed like code, and training takes about a second.

Before the n-grams are taken, a reply is normalised (:mod:`.text`) and every
number becomes ``0``: "还500" and "还3000" are the same kind of reply, and the
model should learn that, not the amounts.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from arrears.errors import ConfigError
from arrears.inbound.intent.result import INTENTS, IntentName
from arrears.inbound.intent.text import normalize

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

DATA_PACKAGE = "arrears.inbound.intent"
TRAINING_FILE = "labelled.tsv"
HELDOUT_FILE = "heldout.tsv"
LANGUAGES = ("en", "zh")
RANDOM_STATE = 0
# Inverse regularisation strength, chosen by 5-fold cross-validation on the
# training file (bench/inbound/run.py --cv), never on the held-out file: the
# best macro-F1 (C 5 to 50 are within 0.002 of each other), and a weaker
# regularisation than the default 1.0, whose probabilities are so flat that
# nearly every reply would fall below the review threshold.
C = 10.0
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled reply."""

    intent: IntentName
    language: str
    text: str


def load_examples(name: str = TRAINING_FILE) -> list[Example]:
    """The labelled replies of a shipped data file (``labelled.tsv`` or ``heldout.tsv``)."""
    data = resources.files(DATA_PACKAGE).joinpath("data").joinpath(name)
    return parse_examples(data.read_text(encoding="utf-8"), source=name)


def parse_examples(text: str, *, source: str) -> list[Example]:
    """Rows of a tab-separated file with the header ``intent language text``.

    An unknown intent or language, a missing column or an empty text is a
    ConfigError naming the line: a typo must not quietly teach the model a
    new class.
    """
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != ["intent", "language", "text"]:
        raise ConfigError(f"{source} line 1: the header must be 'intent<TAB>language<TAB>text'")
    examples = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != 3 or not row[2].strip():
            raise ConfigError(f"{source} line {line}: expected intent, language and a text")
        intent, language, reply = row
        if intent not in INTENTS:
            raise ConfigError(f"{source} line {line}: unknown intent '{intent}'")
        if language not in LANGUAGES:
            raise ConfigError(f"{source} line {line}: unknown language '{language}'")
        examples.append(Example(intent, language, reply.strip()))
    return examples


def model_text(reply: str) -> str:
    """What the model reads: the normalised reply with every number as ``0``."""
    return _NUMBER.sub("0", normalize(reply))


def build_pipeline(*, c: float = C, random_state: int = RANDOM_STATE) -> Pipeline:
    """The untrained pipeline: TF-IDF over character n-grams, then logistic regression."""
    # scikit-learn (with SciPy and pandas, about 130 MiB) is imported when a model is
    # built, not with every command that merely can classify a reply (an import).
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            (
                "ngrams",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 4),
                    sublinear_tf=True,
                    lowercase=False,  # model_text has already folded case
                ),
            ),
            (
                "classify",
                # newton-cg: exact, deterministic and, on these ~15k sparse
                # features, several times faster than lbfgs.
                LogisticRegression(
                    C=c, solver="newton-cg", max_iter=2000, random_state=random_state
                ),
            ),
        ]
    )


class IntentModel:
    """A trained classifier: probabilities of every intent for a reply."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        classes: Any = pipeline.classes_
        self.labels: tuple[IntentName, ...] = tuple(cast(IntentName, str(c)) for c in classes)

    def probabilities(self, replies: Sequence[str]) -> list[dict[IntentName, float]]:
        """For each reply, the probability of each intent (they sum to 1)."""
        rows = self._pipeline.predict_proba([model_text(r) for r in replies])
        return [
            {label: float(p) for label, p in zip(self.labels, row, strict=True)} for row in rows
        ]

    def predict(self, reply: str) -> tuple[IntentName, float]:
        """The most probable intent of ``reply`` and its probability."""
        probabilities = self.probabilities([reply])[0]
        best = max(self.labels, key=lambda label: probabilities[label])
        return best, probabilities[best]


def train(examples: Sequence[Example], *, c: float = C) -> IntentModel:
    """Train a model on ``examples`` (deterministic: same examples, same model)."""
    if len({e.intent for e in examples}) < 2:
        raise ConfigError("training needs examples of at least two intents")
    pipeline = build_pipeline(c=c)
    pipeline.fit([model_text(e.text) for e in examples], [e.intent for e in examples])
    return IntentModel(pipeline)


@functools.cache
def default_model() -> IntentModel:
    """The model trained on the shipped labelled set, trained once per process."""
    return train(load_examples())
