"""Rendering: variables in, the final text out, with its disclosures, checked.

:func:`render` does, in order:

1. refuses a template the load-time check blocked (:class:`TemplateBlocked`), and
   a request the template was not written for (another channel, a jurisdiction
   it does not list, an initial communication it is not fit for, a time-barred
   debt or the validation period it excludes: :class:`TemplateRenderError`);
2. picks the locale: the one asked for; else the same language in another
   region (an en-GB reader gets the en-US words, with British dates); else the
   template's first locale if the file says ``fallback: true``; else an error;
3. checks the variables (all the template names, none unknown, each of its
   kind) and renders every part in the sandbox;
4. asks the compliance layer for the required disclosures
   (:func:`~arrears.compliance.content.required.required_disclosures`), places
   ``{{ disclosure }}`` / ``{{ opt_out_instruction }}`` where the body names
   them and wraps the body with the rest;
5. runs the content check on the FINAL text (subject and text; subject and
   HTML as text) and refuses a BLOCK finding, or a REVIEW finding the file does
   not acknowledge under ``reviewed:``.

:func:`preview` does the same without refusing anything, for people reviewing
templates (``arrears templates preview``) and for the check at load.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from arrears.compliance.content import check_content
from arrears.compliance.content.model import BLOCK, ContentContext, ContentFinding
from arrears.compliance.content.report import ordered
from arrears.compliance.content.required import (
    PLACEABLE,
    Disclosure,
    RequiredText,
    required_disclosures,
)
from arrears.core.money import Money
from arrears.templates.errors import TemplateBlocked, TemplateRenderError
from arrears.templates.model import Template
from arrears.templates.variables import (
    CATALOGUE,
    COMPLIANCE_VARIABLES,
    KIND_TYPES,
    LOCALE_KEY,
)

# The finding of a text in two languages with a disclosure in one (12 CFR 1006.18(e)(4)).
BOTH_LANGUAGES = "US-DISC-03"


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Where a message goes: what the law and the content check need to know."""

    channel: str  # sms email call voicemail letter
    jurisdictions: tuple[str, ...]  # the debtor's: CN, US, US-CA, GB ...
    initial_communication: bool = False  # the first communication with the consumer
    sender: str = ""  # the name the message goes out under (signature, identity)
    validation_end: date | None = None  # inside the US validation period: its end
    time_barred: bool = False
    business_debtor: bool = False  # a company: consumer-collection law does not apply


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: final words, disclosures included, and what the check said."""

    template: str
    locale: str  # the locale of the words used
    channel: str
    subject: str | None
    text: str  # the plain text (a letter's body as text)
    html: str | None  # e-mail HTML part; a letter's HTML body
    findings: tuple[ContentFinding, ...]  # acknowledged REVIEW findings when rendered
    disclosures: tuple[Disclosure, ...] = ()  # what the compliance layer added


def render(
    template: Template, locale: str, variables: Mapping[str, Any], context: RenderContext
) -> Rendered:
    """The final message, or TemplateBlocked / TemplateRenderError (see the module doc)."""
    if not template.active:
        raise TemplateBlocked(
            template.name, locale, [f.finding for f in template.problems] or _no_reason()
        )
    rendered = preview(template, locale, variables, context)
    refused = [
        f for f in rendered.findings if f.verdict == BLOCK or f.rule not in template.reviewed
    ]
    if refused:
        raise TemplateBlocked(template.name, rendered.locale, refused)
    return rendered


def _no_reason() -> list[ContentFinding]:
    return [
        ContentFinding(
            rule="(load)",
            verdict=BLOCK,
            citation="arrears templates check",
            message="the template failed its check at load",
        )
    ]


def preview(
    template: Template, locale: str, variables: Mapping[str, Any], context: RenderContext
) -> Rendered:
    """Render as :func:`render` does, but return the findings instead of refusing."""
    composed = compose(template, locale, variables, context)
    findings = content_findings(composed, template, context)
    if any(f.rule == BOTH_LANGUAGES for f in findings):
        # Written in English and Chinese (a Chinese name in an English text, say):
        # the statements are then given in both languages.
        composed = compose(template, locale, variables, context, bilingual=True)
        findings = content_findings(composed, template, context)
    return replace(composed, findings=tuple(findings))


def compose(
    template: Template,
    locale: str,
    variables: Mapping[str, Any],
    context: RenderContext,
    *,
    bilingual: bool = False,
) -> Rendered:
    """The final words (disclosures included), not yet checked (``findings`` empty)."""
    _check_fit(template, context)
    text_locale, format_locale = resolve_locale(template, locale)
    words = template.locales[text_locale]
    values = _values(template, words.variables - words.optional, variables)
    required = required_disclosures(
        context.channel,
        law_jurisdictions(template, context),
        text_locale,
        context.initial_communication,
        context.sender,
        bilingual=bilingual,
    )
    placed: set[str] = set()
    for name, kinds in PLACEABLE.items():
        values[name] = required.text_of(kinds)
        if name in words.variables:
            placed |= kinds
    values[LOCALE_KEY] = format_locale
    wrapping = required.without(placed)
    parts = {
        part: _run(template, text_locale, part, compiled, values)
        for part, compiled in words.compiled.items()
    }
    if template.channel == "letter":
        html_body: str | None = wrap_html(wrapping, parts["body"])
        text = wrapping.wrap(html_to_text(parts["body"]))
    else:
        text = wrapping.wrap(parts["body"])
        html_body = wrap_html(wrapping, parts["html"]) if "html" in parts else None
    return Rendered(
        template=template.name,
        locale=text_locale,
        channel=template.channel,
        subject=parts.get("subject"),
        text=text,
        html=html_body,
        findings=(),
        disclosures=wrapping.parts,
    )


# --------------------------------------------------------------------------- fit


def _check_fit(template: Template, context: RenderContext) -> None:
    name = template.name
    if context.channel != template.channel:
        raise TemplateRenderError(
            f"template '{name}' is a {template.channel} template, not a {context.channel} one"
        )
    if not context.jurisdictions:
        raise TemplateRenderError(f"template '{name}': say which jurisdictions apply")
    outside = [j for j in context.jurisdictions if not covers(template.jurisdictions, j)]
    if outside:
        raise TemplateRenderError(
            f"template '{name}' is for {', '.join(template.jurisdictions)}, "
            f"not {', '.join(outside)}"
        )
    if context.initial_communication and not template.initial_communication:
        raise TemplateRenderError(
            f"template '{name}' is not written for an initial communication "
            "(initial_communication: false)"
        )
    if context.time_barred and not template.for_time_barred_debts:
        raise TemplateRenderError(
            f"template '{name}' is not for time-barred debts (for_time_barred_debts: false)"
        )
    if context.validation_end is not None and not template.for_validation_period:
        raise TemplateRenderError(
            f"template '{name}' is not for the validation period (for_validation_period: false)"
        )


def covers(patterns: tuple[str, ...], jurisdiction: str) -> bool:
    """A template listing ``patterns`` may be used for ``jurisdiction``.

    ``*`` covers everything, ``US`` and ``US-*`` cover ``US`` and every
    ``US-XX``, ``US-CA`` only itself; ``UK`` is read as ``GB``.
    """
    wanted = _canonical(jurisdiction)
    country = wanted.split("-", 1)[0]
    accepted = {"*", wanted, country, f"{country}-*"}
    return any(_canonical(pattern) in accepted for pattern in patterns)


def _canonical(jurisdiction: str) -> str:
    text = jurisdiction.strip().upper()
    return "GB" + text[2:] if text.startswith("UK") else text


def law_jurisdictions(template: Template, context: RenderContext) -> tuple[str, ...]:
    """The jurisdictions whose consumer-collection law applies to this message.

    None for a business template sent to a company debtor: commercial debt is
    outside the FDCPA, CONC 7 and the consumer-lending guidelines. The content
    prohibitions still apply everywhere (the checker holds a text for no
    jurisdiction to all of them).
    """
    if template.audience == "business" and context.business_debtor:
        return ()
    return context.jurisdictions


# --------------------------------------------------------------------------- locale


def resolve_locale(template: Template, locale: str) -> tuple[str, str]:
    """(the locale of the words to use, the locale to format amounts and dates in)."""
    wanted = locale.replace("_", "-")
    if wanted in template.locales:
        return wanted, wanted
    language = wanted.split("-", 1)[0].lower()
    for available in template.locales:
        if available.split("-", 1)[0].lower() == language:
            return available, wanted
    if template.fallback:
        first = next(iter(template.locales))
        return first, first
    raise TemplateRenderError(
        f"template '{template.name}' has no {locale} text (it has "
        f"{', '.join(template.locales)}; write fallback: true to use the first)"
    )


# --------------------------------------------------------------------------- variables


def _values(template: Template, needed: frozenset[str], given: Mapping[str, Any]) -> dict[str, Any]:
    problems = []
    for name, value in given.items():
        variable = CATALOGUE.get(name)
        if variable is None:
            problems.append(f"'{name}' is not a template variable")
        elif name in COMPLIANCE_VARIABLES:
            problems.append(f"'{name}' is filled by the compliance layer, not by the caller")
        elif not _of_kind(value, KIND_TYPES[variable.kind]):
            problems.append(
                f"'{name}' must be a {variable.kind} ({KIND_TYPES[variable.kind].__name__}), "
                f"not {type(value).__name__}"
            )
    missing = sorted(needed - COMPLIANCE_VARIABLES - set(given))
    if missing:
        problems.append(f"missing variable(s): {', '.join(missing)}")
    if problems:
        raise TemplateRenderError(f"template '{template.name}': " + "; ".join(problems))
    return dict(given)


def _of_kind(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is Money:
        return isinstance(value, Money)
    return isinstance(value, expected)


def _run(
    template: Template, locale: str, part: str, compiled: jinja2.Template, values: dict[str, Any]
) -> str:
    try:
        return compiled.render(values).strip()
    except SecurityError as exc:
        raise TemplateRenderError(
            f"template '{template.name}' ({locale} {part}): refused by the sandbox: {exc}"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateRenderError(
            f"template '{template.name}' ({locale} {part}): missing variable: {exc.message}"
        ) from exc
    except (jinja2.TemplateError, TypeError, ValueError) as exc:
        raise TemplateRenderError(
            f"template '{template.name}' ({locale} {part}): {type(exc).__name__}: {exc}"
        ) from exc


# --------------------------------------------------------------------------- HTML


def wrap_html(required: RequiredText, body: str) -> str:
    """An HTML ``body`` with the disclosures before and after it, escaped, one paragraph each."""

    def block(position: str) -> str:
        texts = [p.text for p in required.parts if p.position == position]
        return "".join(f'<p class="disclosure">{htmllib.escape(t)}</p>\n' for t in texts)

    before, after = block("prefix"), block("suffix")
    return f"{before}{body.strip()}\n{after}".strip()


_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
     "section", "header", "footer", "address", "blockquote", "hr"}
)  # fmt: skip


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.pieces.append(data)


def html_to_text(markup: str) -> str:
    """What a reader sees of ``markup``: the text, one line per block (for the check)."""
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.pieces).splitlines())
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


# --------------------------------------------------------------------------- check


_WORDS = re.compile(r"\w+")


def content_findings(
    rendered: Rendered, template: Template, context: RenderContext
) -> list[ContentFinding]:
    """The content check of the final words: subject and text, and subject and HTML as text."""
    content = ContentContext(
        channel=context.channel,
        jurisdictions=law_jurisdictions(template, context),
        initial_communication=context.initial_communication,
        time_barred=context.time_barred,
        validation_end=context.validation_end,
    )
    head = f"{rendered.subject}\n\n" if rendered.subject else ""
    findings = check_content(head + rendered.text, content)
    if rendered.html is not None:
        html_text = html_to_text(rendered.html)
        # The HTML part usually says exactly what the text part says: check it only
        # when its words differ (a template may say more, or less, in HTML).
        if _WORDS.findall(html_text) != _WORDS.findall(rendered.text):
            findings += check_content(head + html_text, content)
    return ordered(findings)
