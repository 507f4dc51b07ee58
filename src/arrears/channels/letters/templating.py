"""Letter templates: the YAML files of ``config/templates/letter/`` and how a body is rendered.

Each file is one template in the format of the template catalogue
(:mod:`arrears.templates`): ``name``, ``channel: letter``, ``purpose``,
``jurisdictions``, ``initial_communication`` and, per locale, a ``subject`` and
an HTML ``body`` with Jinja2 variables. This module reads them with the few
checks a letter needs, and :func:`render_body` renders one in a sandbox with
autoescaping, strict undefined variables and two filters, ``money`` and
``date`` (:mod:`.formats`).

:func:`render_body` is the one place a letter template is rendered: when the
catalogue's engine is wired in, only its body changes (``render(template,
locale, variables, context)`` returns a subject and HTML as well).

A locale the template lacks falls back within its language: ``en-GB`` is
rendered from the ``en-US`` text (dates and amounts still in the British way).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from arrears.channels.letters.formats import format_date, format_money
from arrears.errors import ConfigError, InvalidInput
from arrears.kit.yamlio import YamlProblem, parse_yaml

_FALLBACK = {"en-GB": "en-US", "en-US": "en-GB"}


@dataclass(frozen=True, slots=True)
class LocaleText:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    """One letter template: what it is for, where it may be used, its text per locale."""

    name: str
    purpose: str
    jurisdictions: tuple[str, ...]
    initial_communication: bool
    locales: Mapping[str, LocaleText]
    source: str = ""

    def text(self, locale: str) -> tuple[str, LocaleText]:
        """The locale actually used for ``locale`` and its text."""
        for candidate in (locale, _FALLBACK.get(locale)):
            if candidate and candidate in self.locales:
                return candidate, self.locales[candidate]
        known = ", ".join(sorted(self.locales))
        raise InvalidInput(f"letter template '{self.name}' has no '{locale}' text (has {known})")

    def allows(self, jurisdiction: str) -> bool:
        """Whether the template may be sent in ``jurisdiction`` (``US-MA`` counts as US)."""
        country = jurisdiction.strip().upper().split("-", 1)[0]
        return jurisdiction.upper() in self.jurisdictions or country in self.jurisdictions


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A rendered template: the subject line and the HTML fragment of the body."""

    subject: str
    html: str
    locale: str  # the template locale used (after fallback)


def _problem(source: str, message: str) -> ConfigError:
    return ConfigError(f"{source}: {message}")


def _locale_text(source: str, locale: object, spec: object) -> LocaleText:
    if not isinstance(spec, dict) or set(spec) != {"subject", "body"}:
        raise _problem(source, f"locales.{locale} must have exactly 'subject' and 'body'")
    subject, body = spec["subject"], spec["body"]
    if not isinstance(subject, str) or not isinstance(body, str) or not body.strip():
        raise _problem(source, f"locales.{locale}: subject and body must be text")
    return LocaleText(subject.strip(), body)


def parse_template(text: str, source: str) -> LetterTemplate:
    """One letter template from the text of its YAML file."""
    try:
        data = parse_yaml(text, source).data
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    required = {"name", "channel", "purpose", "jurisdictions", "locales"}
    if not isinstance(data, dict) or not required <= set(data):
        raise _problem(source, f"a letter template needs {', '.join(sorted(required))}")
    if data["channel"] != "letter":
        raise _problem(source, f"channel is '{data['channel']}', not 'letter'")
    jurisdictions = data["jurisdictions"]
    if not isinstance(jurisdictions, list) or not jurisdictions:
        raise _problem(source, "jurisdictions must be a non-empty list")
    locales = data["locales"]
    if not isinstance(locales, dict) or not locales:
        raise _problem(source, "locales must map a locale to its subject and body")
    return LetterTemplate(
        name=str(data["name"]),
        purpose=str(data["purpose"]),
        jurisdictions=tuple(str(j).upper() for j in jurisdictions),
        initial_communication=bool(data.get("initial_communication", False)),
        locales={str(k): _locale_text(source, k, v) for k, v in locales.items()},
        source=source,
    )


def load_letter_templates(folder: Path) -> dict[str, LetterTemplate]:
    """Every ``*.yaml`` of ``folder`` by template name; the name must match the file name."""
    templates: dict[str, LetterTemplate] = {}
    for path in sorted(folder.glob("*.yaml")):
        template = parse_template(path.read_text(encoding="utf-8"), str(path))
        if template.name != path.stem:
            raise _problem(str(path), f"name '{template.name}' differs from the file name")
        templates[template.name] = template
    if not templates:
        raise ConfigError(f"no letter templates in {folder}")
    return templates


@functools.cache
def _environment(locale: str) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )

    @pass_context
    def money(context: Context, value: object, currency: str | None = None) -> str:
        # The currency of the letter's variables unless the template names one.
        return format_money(_defined(value), locale, currency or context.get("currency"))

    def as_date(value: object) -> str:
        return format_date(_defined(value), locale)

    env.filters["money"] = money
    env.filters["date"] = as_date
    return env


def _defined(value: object) -> object:
    """``value``, or the UndefinedError of a missing variable (StrictUndefined raises on str)."""
    if isinstance(value, Undefined):
        str(value)
    return value


@functools.lru_cache(maxsize=512)
def _compiled(locale: str, source: str) -> Any:
    return _environment(locale).from_string(source)


def render_text(source: str, locale: str, variables: Mapping[str, object]) -> str:
    """One Jinja2 text (a subject or a body) rendered with ``variables``."""
    try:
        return str(_compiled(locale, source).render(dict(variables)))
    except TemplateError as exc:
        raise InvalidInput(f"letter template: {exc.message or exc}") from None


def render_body(
    template: LetterTemplate, locale: str, variables: Mapping[str, object]
) -> RenderedBody:
    """The subject and HTML body of ``template`` in ``locale`` (the swap point for the engine)."""
    used, text = template.text(locale)
    try:
        subject = render_text(text.subject, locale, variables)
        body = render_text(text.body, locale, variables)
    except InvalidInput as exc:
        raise InvalidInput(f"{template.name} ({used}): {exc.message}") from None
    # The subject is plain text; the body is HTML that autoescaping made safe.
    return RenderedBody(Markup(subject).unescape(), body, used)
