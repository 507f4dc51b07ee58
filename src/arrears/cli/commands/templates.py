"""``arrears templates``: list, preview and check the message templates.

``list`` shows every template (name, channel, locales, active or blocked,
purpose); ``preview NAME`` prints the final text of one template with the
sample values, the disclosures the compliance layer adds and the findings of
the content check; ``check`` checks every template (or one) and exits 1 with
one ``file line N: ... RULE (citation): message`` line per problem.

The folder is ``$ARREARS_CONFIG_DIR/templates`` (``config/templates``), or
``--folder``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from arrears.config import get_settings
from arrears.templates import (
    RenderContext,
    Template,
    TemplateCatalogue,
    TemplateFileError,
    load_templates,
    preview,
    sample_variables,
)
from arrears.templates.model import ACTIVE, BLOCKED, NEEDS_REVIEW
from arrears.templates.schema import CHANNELS

app = typer.Typer(
    help="Message templates (config/templates): list, preview, check.", no_args_is_help=True
)

FOLDER_HELP = "Template folder; default $ARREARS_CONFIG_DIR/templates."
_STATUS = {ACTIVE: "active", BLOCKED: "BLOCKED", NEEDS_REVIEW: "REVIEW"}
_COUNTRY_OF = {"CN": "CN", "US": "US", "GB": "GB", "UK": "GB"}


def _folder(option: Path | None) -> Path:
    return option if option is not None else get_settings().template_dir


def _catalogue(option: Path | None) -> TemplateCatalogue:
    return load_templates(_folder(option))


@app.command("list")
def list_templates(
    channel: str | None = typer.Option(None, "--channel", help=f"One of {', '.join(CHANNELS)}."),
    locale: str | None = typer.Option(None, "--locale", help="Only templates with this locale."),
    folder: Path | None = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """List the templates: name, channel, locales, status, purpose."""
    if channel is not None and channel not in CHANNELS:
        raise typer.BadParameter(f"use one of {', '.join(CHANNELS)}", param_hint="--channel")
    rows = [
        (t.name, t.channel, ",".join(t.locales), _STATUS.get(t.status, t.status), t.purpose)
        for t in _catalogue(folder).templates(channel=channel, locale=locale)
    ]
    if not rows:
        typer.echo("no templates")
        return
    header = ("name", "channel", "locales", "status", "purpose")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        typer.echo("  ".join([*cells, row[4]]))


@app.command("preview")
def preview_template(
    name: str = typer.Argument(..., help="Template name."),
    locale: str | None = typer.Option(None, "--locale", help="Default: the template's first."),
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", help="Default: the template's first (CN, US, US-CA, GB)."
    ),
    initial: bool = typer.Option(
        False, "--initial", help="As the initial communication (US mini-Miranda)."
    ),
    sender: str | None = typer.Option(None, "--sender", help="Default: the sample agency."),
    time_barred: bool = typer.Option(False, "--time-barred", help="As for a time-barred debt."),
    validation_end: str | None = typer.Option(
        None, "--validation-end", help="US: inside the validation period ending YYYY-MM-DD."
    ),
    html: bool = typer.Option(False, "--html", help="Also print the HTML part."),
    folder: Path | None = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """Print a template's final text with the sample values, disclosures and findings."""
    template = _catalogue(folder).get(name)
    chosen_locale = locale or template.locale_names[0]
    place = jurisdiction or _first_place(template)
    country = _COUNTRY_OF.get(place[:2].upper(), "")
    currency = {"CN": "CNY", "US": "USD", "GB": "GBP"}.get(country)
    if locale is None and country == "GB" and chosen_locale.startswith("en"):
        chosen_locale = "en-GB"  # British dates for a British reader
    variables = sample_variables(chosen_locale, currency, business=template.audience == "business")
    context = RenderContext(
        channel=template.channel,
        jurisdictions=(place,),
        initial_communication=initial,
        sender=sender or str(variables["agency_name"]),
        validation_end=_day(validation_end),
        time_barred=time_barred,
        business_debtor=template.audience == "business",
    )
    rendered = preview(template, chosen_locale, variables, context)
    typer.echo(f"template: {template.name} ({template.channel}) — {template.purpose}")
    typer.echo(
        f"locale: {rendered.locale}  jurisdiction: {place}  "
        f"status: {_STATUS.get(template.status, template.status)}"
    )
    if rendered.subject is not None:
        typer.echo(f"subject: {rendered.subject}")
    typer.echo("-" * 72)
    typer.echo(rendered.text)
    typer.echo("-" * 72)
    if html and rendered.html is not None:
        typer.echo(rendered.html)
        typer.echo("-" * 72)
    if rendered.disclosures:
        typer.echo("added by the compliance layer:")
        for part in rendered.disclosures:
            typer.echo(f"  {part.kind} ({part.position}): {part.basis}")
    if not rendered.findings:
        typer.echo("findings: none")
    for finding in rendered.findings:
        acknowledged = " (acknowledged)" if finding.rule in template.reviewed else ""
        typer.echo(
            f"finding: {finding.verdict}{acknowledged} {finding.rule} "
            f"({finding.citation}): {finding.message}"
        )


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            "write the date as YYYY-MM-DD", param_hint="--validation-end"
        ) from None


def _first_place(template: Template) -> str:
    first = template.jurisdictions[0]
    if first == "*":
        return "US"
    return first.removesuffix("-*")


@app.command("check")
def check(
    name: str | None = typer.Argument(None, help="One template (default: all)."),
    channels: list[str] | None = typer.Option(
        None, "--channel", help="Only these channels (repeat the option for several)."
    ),
    folder: Path | None = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """Check the templates; exit 1 with file:line/rule/citation lines when any fails."""
    try:
        catalogue = _catalogue(folder)
    except TemplateFileError as exc:
        for problem in exc.problems:
            typer.echo(problem)
        raise SystemExit(1) from exc
    templates = [catalogue.get(name)] if name is not None else list(catalogue)
    if channels:
        unknown = sorted(set(channels) - set(CHANNELS))
        if unknown:
            raise typer.BadParameter(f"use {', '.join(CHANNELS)}", param_hint="--channel")
        templates = [t for t in templates if t.channel in channels]
    failing = [t for t in templates if not t.active]
    for template in templates:
        for finding in template.problems:
            typer.echo(str(finding))
    acknowledged = sum(1 for t in templates for f in t.findings if not f.blocking)
    note = f" ({acknowledged} acknowledged REVIEW finding(s))" if acknowledged else ""
    if failing:
        typer.echo(
            f"{len(failing)} of {len(templates)} template(s) fail: "
            + ", ".join(t.name for t in failing)
        )
        raise SystemExit(1)
    typer.echo(f"{len(templates)} template(s) pass{note}")
