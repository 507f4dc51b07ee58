"""The content check of templates at load ("at save"): every locale, with sample values.

Each template is rendered in each of its locales for each place it lists, with
:func:`~arrears.templates.variables.sample_variables` and the sample agency as
sender, and the final text (disclosures included) goes through the content
checker in every situation the template may be used in:

* a later communication, and, when ``initial_communication: true``, an initial one;
* a time-barred debt (unless ``for_time_barred_debts: false``);
* for US places, the validation period (unless ``for_validation_period: false``),
  ending on the sample ``validation_end_date``;
* a business template (``audience: business``): for a company debtor, where
  only the prohibitions apply.

``*`` stands for each of US, CN and GB (a consumer template for anywhere must
pass in each). A BLOCK finding makes the template ``blocked``; a REVIEW finding
makes it ``review`` unless its rule is listed under ``reviewed:``. Either way
the catalogue keeps the template, marked inactive, and ``render`` refuses it.
A template that cannot be rendered with the samples at all (a filter on the
wrong kind of value) is a file error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from arrears.compliance.content.model import BLOCK, COUNTRIES, ContentContext
from arrears.templates.catalogue import TemplateCatalogue
from arrears.templates.errors import TemplateFileError, TemplateRenderError
from arrears.templates.model import (
    ACTIVE,
    BLOCKED,
    NEEDS_REVIEW,
    Template,
    TemplateFinding,
)
from arrears.templates.render import RenderContext, preview
from arrears.templates.variables import sample_variables

_CURRENCIES = {"US": "USD", "CN": "CNY", "GB": "GBP"}
_EVERYWHERE = (("US",), ("CN",), ("GB",))


@dataclass(frozen=True, slots=True)
class _Situation:
    name: str
    initial: bool = False
    time_barred: bool = False
    validation_end: date | None = None
    business: bool = False


def check_catalogue(templates: Iterable[Template]) -> TemplateCatalogue:
    """Every template checked; TemplateFileError lists those that cannot be rendered."""
    checked: list[Template] = []
    problems: list[str] = []
    folder = templates.folder if isinstance(templates, TemplateCatalogue) else None
    for template in templates:
        try:
            checked.append(check_template(template))
        except TemplateFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise TemplateFileError(problems)
    return TemplateCatalogue(checked, folder)


def check_template(template: Template) -> Template:
    """``template`` with its status and findings (see the module doc)."""
    found: dict[tuple[str, tuple[str, ...], str, str, str], TemplateFinding] = {}
    for locale, words in template.locales.items():
        line = words.lines.get("body", template.line)
        for places in _places(template):
            reading = _reading(template, locale, places)
            business = template.audience == "business"
            variables = sample_variables(reading, _currency(places), business=business)
            sender = str(variables["agency_name"])
            for situation in _situations(template, places):
                context = RenderContext(
                    channel=template.channel,
                    jurisdictions=places,
                    initial_communication=situation.initial,
                    sender=sender,
                    validation_end=situation.validation_end,
                    time_barred=situation.time_barred,
                    business_debtor=situation.business,
                )
                try:
                    rendered = preview(template, reading, variables, context)
                except TemplateRenderError as exc:
                    where = f"{template.source} line {line}: " if template.source else ""
                    raise TemplateFileError([f"{where}locales.{locale}: {exc.message}"]) from exc
                for finding in rendered.findings:
                    key = (locale, places, finding.rule, finding.verdict, finding.message)
                    found.setdefault(
                        key,
                        TemplateFinding(
                            template=template.name,
                            locale=locale,
                            jurisdictions=places,
                            situation=situation.name,
                            finding=finding,
                            acknowledged=finding.verdict != BLOCK
                            and finding.rule in template.reviewed,
                            source=template.source,
                            line=line,
                        ),
                    )
    findings = tuple(found.values())
    if any(f.finding.verdict == BLOCK for f in findings):
        status = BLOCKED
    elif any(f.blocking for f in findings):
        status = NEEDS_REVIEW
    else:
        status = ACTIVE
    return replace(template, status=status, findings=findings)


def _places(template: Template) -> Iterator[tuple[str, ...]]:
    """One representative jurisdiction tuple per place the template lists."""
    seen: set[tuple[str, ...]] = set()
    for pattern in template.jurisdictions:
        upper = pattern.upper()
        if upper == "*":
            options: tuple[tuple[str, ...], ...] = (
                (("*",),) if template.audience == "business" else _EVERYWHERE
            )
        elif upper.endswith("-*"):
            options = ((upper[:-2],),)
        else:
            options = ((upper,),)
        for option in options:
            if option not in seen:
                seen.add(option)
                yield option
        if template.audience == "business":
            return  # the law is the same (none) wherever a company debtor is


def _reading(template: Template, locale: str, places: tuple[str, ...]) -> str:
    """The locale a reader in ``places`` asks for: en-GB for English words in GB."""
    british = locale.startswith("en") and "en-GB" not in template.locales
    return "en-GB" if british and "GB" in _countries(places) else locale


def _countries(places: tuple[str, ...]) -> frozenset[str]:
    return ContentContext(channel="sms", jurisdictions=places).countries & COUNTRIES


def _currency(places: tuple[str, ...]) -> str | None:
    for country in sorted(_countries(places)):
        return _CURRENCIES[country]
    return None


def _situations(template: Template, places: tuple[str, ...]) -> Iterator[_Situation]:
    if template.audience == "business":
        yield _Situation("business debtor", business=True)
        return
    yield _Situation("later communication")
    if template.initial_communication:
        yield _Situation("initial communication", initial=True)
    if template.for_time_barred_debts:
        yield _Situation("time-barred debt", time_barred=True)
    if template.for_validation_period and "US" in _countries(places):
        end = sample_variables("en-US")["validation_end_date"]
        yield _Situation(
            "validation period", initial=template.initial_communication, validation_end=end
        )
