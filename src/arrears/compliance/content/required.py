"""The disclosures the compliance layer adds to a message; template authors never write them.

A template says what the collector wants to say; the law says what every
message must also say, and that depends on where it goes, not on who wrote
the template. :func:`required_disclosures` answers, for one channel, set of
jurisdictions, language and sender, with the text to put before and after the
body (:class:`RequiredText`). The renderer of :mod:`arrears.templates` wraps
every body with it and then runs :func:`~arrears.compliance.content.check_content`
on the final text, so what is inserted here is exactly what the content checker
recognises (``lexicon/disclosures.yaml``).

=============  ==============================================================
United States  every communication except a voicemail: the initial one
               carries the mini-Miranda (12 CFR 1006.18(e)(1)), later ones say
               they are from a debt collector (1006.18(e)(2)), in the language
               of the text (1006.18(e)(4): a Chinese text gets the statement in
               Chinese and in English); every e-mail and text carries an
               opt-out statement (1006.6(e)); a text starts with the sender's
               name. A voicemail gets nothing: it must be a limited-content
               message (1006.2(j)), which a disclosure would spoil
               (comment 2(j)-1).
China          a text starts with the sender's signature 【sender】 and ends
               with 退订回T; an e-mail and a letter say who sent them (CBA
               guideline: no impersonation; design choice D, CN-PROH-01).
Great Britain  a text starts with the sender's name and an e-mail says who it
               is from (CONC 7: a firm does not mislead about who it is).
Every call     a recording notice (CN-REC-01: collection calls are recorded;
               US state all-party consent laws; transparency elsewhere).
=============  ==============================================================

Each piece is a :class:`Disclosure` with a ``kind``. A template may place the
statements itself (a call script says them after the identity check, not
before): the renderer offers ``{{ disclosure }}`` (the ``identity``,
``debt_collector`` and ``recording`` pieces) and ``{{ opt_out_instruction }}``
(the ``opt_out`` piece) and leaves out of the wrapping what the body placed
(:meth:`RequiredText.without`). Signatures are never placed by the author.

    >>> required_disclosures("sms", ("CN",), "zh-CN", False, "星河消费金融").wrap("请按时还款。")
    '【星河消费金融】请按时还款。退订回T'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from arrears.compliance.content.model import ContentContext
from arrears.compliance.content.normalize import is_han

# Kinds of pieces.
SIGNATURE = "signature"  # 【sender】 or "Sender: " at the start of a text message
IDENTITY = "identity"  # "This e-mail is from Sender."
DEBT_COLLECTOR = "debt_collector"  # the mini-Miranda or "from a debt collector"
OPT_OUT = "opt_out"  # how to stop electronic messages
RECORDING = "recording"  # the call is recorded
# Pieces a template may place itself, through the variables the renderer offers.
PLACEABLE: dict[str, frozenset[str]] = {
    "disclosure": frozenset({IDENTITY, DEBT_COLLECTOR, RECORDING}),
    "opt_out_instruction": frozenset({OPT_OUT}),
}

PREFIX = "prefix"
SUFFIX = "suffix"

_US_DISC_INITIAL = "FDCPA §807(11); 12 CFR 1006.18(e)(1), (e)(4)"
_US_DISC_LATER = "FDCPA §807(11); 12 CFR 1006.18(e)(2), (e)(4)"
_US_OPT_OUT = "12 CFR 1006.6(e)"
_CN_SIGNATURE = "CBA guideline (no impersonation), design choice D (CN-PROH-01); carrier SMS rules"
_CN_OPT_OUT = "carrier practice (工信部《通信短信息服务管理规定》): a way to refuse further texts"
_CN_IDENTITY = "CBA guideline (no impersonation), design choice D (CN-PROH-01)"
_GB_IDENTITY = "FCA CONC 7 (a firm must not mislead about who it is; design choice)"
_RECORDING = {
    "CN": "CN-REC-01 (phone collection is recorded)",
    "US": "state all-party consent laws (e.g. Cal. Penal Code §632)",
    "GB": "UK GDPR transparency (design choice)",
}

_MINI_MIRANDA = (
    "This is a communication from a debt collector. This is an attempt to collect a debt "
    "and any information obtained will be used for that purpose."
)
_MINI_MIRANDA_ZH = "我们正在催收一笔债务，所获得的任何信息都将用于该目的。"

# What a message is called in a sentence, by channel: (English, Chinese).
_NOUNS = {
    "sms": ("message", "短信"),
    "email": ("e-mail", "邮件"),
    "call": ("call", "次通话"),
    "letter": ("letter", "信函"),
    "visit": ("visit", "次上门沟通"),
    "social_private": ("message", "消息"),
}
_ELECTRONIC = frozenset({"sms", "email", "social_private"})


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One piece of required text: what kind, the words, where, and why."""

    kind: str
    text: str
    position: str  # prefix | suffix
    basis: str  # the rule or decision that requires it


@dataclass(frozen=True, slots=True)
class RequiredText:
    """What goes before (``prefix``) and after (``suffix``) a message body.

    ``before`` and ``after`` join the prefix to the body and the body to the
    suffix (nothing after 【signature】, a space or a blank line otherwise).
    """

    prefix: str
    suffix: str
    parts: tuple[Disclosure, ...] = ()
    before: str = "\n\n"
    after: str = "\n\n"
    within: str = "\n"  # between two pieces on the same side

    def wrap(self, body: str) -> str:
        """``body`` with the prefix and suffix around it."""
        text = body.strip()
        if self.prefix:
            text = self.prefix + self.before + text if text else self.prefix
        if self.suffix:
            text = text + self.after + self.suffix if text else self.suffix
        return text

    def text_of(self, kinds: Iterable[str]) -> str:
        """The pieces of ``kinds``, in order, as one text (to be placed by a template)."""
        wanted = frozenset(kinds)
        joiner = "" if self.within == "" else " "
        return _join([p.text for p in self.parts if p.kind in wanted], joiner)

    def without(self, kinds: Iterable[str]) -> RequiredText:
        """This text less the pieces of ``kinds`` (which the body places itself)."""
        dropped = frozenset(kinds)
        parts = tuple(p for p in self.parts if p.kind not in dropped)
        return replace(
            self,
            prefix=_join([p.text for p in parts if p.position == PREFIX], self.within),
            suffix=_join([p.text for p in parts if p.position == SUFFIX], self.within),
            parts=parts,
        )


def _join(texts: list[str], within: str) -> str:
    """``texts`` joined by ``within``; a space after English even where Chinese needs none."""
    joined = ""
    for text in texts:
        if joined and not within and joined[-1].isascii() and not joined[-1].isspace():
            joined += " "
        joined += (within if joined else "") + text
    return joined


def required_disclosures(
    channel: str,
    jurisdictions: tuple[str, ...],
    locale: str,
    initial_communication: bool,
    sender: str,
    *,
    bilingual: bool = False,
) -> RequiredText:
    """The text the compliance layer adds to a message sent as described.

    ``jurisdictions`` are the rulebooks of the debtor (``US``, ``US-MA``, ``CN``,
    ``GB``; empty for none, e.g. a business debt outside consumer law);
    ``locale`` the language of the message (``zh-CN``, ``en-US``); ``sender``
    the name the message goes out under (the agency, or the creditor
    collecting itself). ``bilingual``: the text is written in English and
    Chinese (a Chinese name in an English text), so the US statements are given
    in both whatever the locale (1006.18(e)(4)).
    """
    countries = ContentContext(channel=channel, jurisdictions=jurisdictions).countries
    zh = locale.lower().startswith("zh")
    name = sender.strip()
    parts: list[Disclosure] = []
    if channel == "sms":
        parts += _signature(countries, zh, name)
    if "US" in countries:
        parts += _us(channel, zh, initial_communication, bilingual)
    if "CN" in countries:
        parts += _cn(channel, zh, name)
    if "GB" in countries and channel == "email":
        parts.append(_identity("email", zh, name, _GB_IDENTITY))
    if channel == "call":
        parts += _recording(countries, zh)
    return _assemble(channel, zh, _unique(parts))


def _signature(countries: frozenset[str], zh: bool, sender: str) -> list[Disclosure]:
    if not sender:
        return []
    if "CN" in countries:
        return [Disclosure(SIGNATURE, f"【{sender}】", PREFIX, _CN_SIGNATURE)]
    if countries & {"US", "GB"}:
        basis = _US_OPT_OUT if "US" in countries else _GB_IDENTITY
        text = f"{sender}：" if zh else f"{sender}: "
        return [Disclosure(SIGNATURE, text, PREFIX, basis)]
    return []


def _us(channel: str, zh: bool, initial: bool, bilingual: bool) -> list[Disclosure]:
    found: list[Disclosure] = []
    # Spoken and printed first (a call script says it right after the identity check);
    # at the foot of electronic messages, beside the opt-out.
    where = SUFFIX if channel in _ELECTRONIC else PREFIX
    if channel in _NOUNS:
        english, chinese = _NOUNS[channel]
        if initial:
            en = _MINI_MIRANDA
            zh_text = f"本{chinese}来自债务催收机构。{_MINI_MIRANDA_ZH}"
            basis = _US_DISC_INITIAL
        else:
            en = f"This {english} is from a debt collector."
            zh_text = f"本{chinese}来自债务催收机构。"
            basis = _US_DISC_LATER
        # A Chinese text for a US consumer also carries the English words: names,
        # addresses and links in English can make it a text "in" both languages,
        # which must then carry the disclosure in both (1006.18(e)(4)).
        both = zh or bilingual
        text = (f"{zh_text} {en}" if zh else f"{en} {zh_text}") if both else en
        found.append(Disclosure(DEBT_COLLECTOR, text, where, basis))
    if channel in _ELECTRONIC:
        found.append(Disclosure(OPT_OUT, _us_opt_out(channel, zh), SUFFIX, _US_OPT_OUT))
    return found


def _us_opt_out(channel: str, zh: bool) -> str:
    if channel == "email":
        if zh:
            return "如不希望再通过此邮箱收到我们的邮件，请回复主题为“STOP”的邮件即可退订。"
        return 'To stop e-mails from us to this address, reply with "STOP" in the subject line.'
    return "回复STOP退订短信。" if zh else "Reply STOP to opt out of texts."


def _cn(channel: str, zh: bool, sender: str) -> list[Disclosure]:
    if channel == "sms":
        text = "退订回T" if zh else "Reply T to opt out."
        return [Disclosure(OPT_OUT, text, SUFFIX, _CN_OPT_OUT)]
    if channel in {"email", "letter"} and sender:
        return [_identity(channel, zh, sender, _CN_IDENTITY)]
    return []


def _identity(channel: str, zh: bool, sender: str, basis: str) -> Disclosure:
    if zh:
        verb = "发出" if channel == "letter" else "发送"
        text = f"本{'函' if channel == 'letter' else '邮件'}由{sender}{verb}。"
    else:
        text = f"This {_NOUNS[channel][0]} is from {_latin_name(sender)}."
    return Disclosure(IDENTITY, text, SUFFIX, basis)


def _latin_name(sender: str) -> str:
    """A Chinese name in an English sentence is set in 【】, as Chinese senders sign."""
    return f"【{sender}】" if any(is_han(c) for c in sender) else sender


def _recording(countries: frozenset[str], zh: bool) -> list[Disclosure]:
    if not countries:
        return []
    basis = "; ".join(_RECORDING[c] for c in sorted(countries))
    text = "为保障您的权益，本次通话将全程录音。" if zh else "This call is recorded."
    return [Disclosure(RECORDING, text, PREFIX, basis)]


def _unique(parts: list[Disclosure]) -> list[Disclosure]:
    """One piece per (kind, text); the first signature only."""
    kept: list[Disclosure] = []
    for part in parts:
        if part.kind == SIGNATURE and any(k.kind == SIGNATURE for k in kept):
            continue
        if any(k.kind == part.kind and k.text == part.text for k in kept):
            continue
        kept.append(part)
    return kept


def _assemble(channel: str, zh: bool, parts: list[Disclosure]) -> RequiredText:
    if channel == "sms":
        within = "" if zh else " "
        before, after = "", within
    else:
        within, before, after = "\n", "\n\n", "\n\n"
    text = RequiredText(
        prefix="", suffix="", parts=tuple(parts), before=before, after=after, within=within
    )
    return text.without(())


__all__ = [
    "DEBT_COLLECTOR",
    "IDENTITY",
    "OPT_OUT",
    "PLACEABLE",
    "RECORDING",
    "SIGNATURE",
    "Disclosure",
    "RequiredText",
    "required_disclosures",
]
