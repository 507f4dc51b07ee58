"""The content checker: what a message, letter, script or template may say.

Collection texts are checked for what the law forbids (threats of violence or
arrest, abuse, telling the family or the employer, impersonating courts or the
police, garnishment without a judgment, pressure to borrow ...) and for the
disclosures it requires (mini-Miranda, "from a debt collector", opt-out,
limited-content voicemail, the sender's identity), in English and Chinese. It
runs when a template is saved and again when a message is rendered: a text with
a BLOCK finding is never sent, one with a REVIEW finding waits for a person.

The phrases are data, not code: the YAML lexicons of
``arrears/compliance/lexicon/`` (see :mod:`.lexicon`), loaded and compiled once.
Texts are normalised before matching (:mod:`.normalize`), and a phrase under a
plain negation ("we will not sue") is not a finding (:mod:`.matching`).

    >>> context = ContentContext(channel="sms", jurisdictions=("CN",))
    >>> [(f.rule, f.verdict) for f in check_content("【星河消费金融】今天不还就让你坐牢", context)]
    [('CN-PROH-01', 'BLOCK'), ('CN-PROH-01', 'REVIEW')]
    >>> check_content("【星河消费金融】请按时还款，谢谢。", context)
    []

Rule ids are those of ``compliance-rules.md``; see ``lexicon/rules.yaml``.
"""

from __future__ import annotations

import functools

from arrears.compliance.content.deadlines import overshadowing_findings
from arrears.compliance.content.disclosures import disclosure_findings, disclosures_in
from arrears.compliance.content.lexicon import default_lexicon
from arrears.compliance.content.model import ContentContext, ContentFinding
from arrears.compliance.content.normalize import Normalizer
from arrears.compliance.content.prohibited import prohibited_findings
from arrears.compliance.content.report import ordered

__all__ = ["ContentContext", "ContentFinding", "check_content", "disclosures_present"]


def check_content(text: str, context: ContentContext) -> list[ContentFinding]:
    """What is wrong with ``text`` sent as ``context``; empty when it may go out.

    BLOCK: forbidden content, or a required disclosure missing (``requires``
    names it). REVIEW: doubtful content a person must approve. Strictest first.
    """
    lexicon = default_lexicon()
    norm = _normalizer()(text)
    return ordered(
        [
            *prohibited_findings(norm, context, lexicon),
            *overshadowing_findings(norm, context, lexicon),
            *disclosure_findings(norm, context, lexicon),
        ]
    )


def disclosures_present(text: str) -> frozenset[str]:
    """Which disclosures ``text`` carries, in English or Chinese.

    Among ``mini_miranda``, ``debt_collector_disclosure`` (the full mini-Miranda
    counts), ``opt_out_notice``, ``collector_identity`` and
    ``limited_content_message`` (the text could be left as a limited-content
    voicemail: it names the caller, asks for a call back and reveals no debt).
    """
    return disclosures_in(_normalizer()(text), default_lexicon())


@functools.cache
def _normalizer() -> Normalizer:
    return Normalizer(default_lexicon().fold)
