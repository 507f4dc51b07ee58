"""``arrears compliance``: ask the compliance engine about one contact; list the rules.

``arrears compliance check FILE.json`` (or ``-`` for standard input) prints the
verdict on one proposed contact as JSON (format: contact-check.md), exit 0. A
file that does not follow the format gets one line on standard error naming
the field, exit 2. ``arrears compliance rules`` lists rule ids, citations and
what each rule does, in English and Chinese.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from arrears.compliance.catalogue import RuleInfo, rules_for
from arrears.compliance.check import check_contact
from arrears.compliance.content.lexicon import default_lexicon
from arrears.compliance.rulebooks import Rulebooks, bundled_directory, load_rulebooks
from arrears.config import get_settings
from arrears.errors import ArrearsError, InvalidInput

app = typer.Typer(
    help="The compliance engine: check a contact, list the rules.", no_args_is_help=True
)

RULEBOOKS_HELP = "Folder of rulebook YAML files; default $ARREARS_CONFIG_DIR/rulebooks."


def rulebook_folder(option: Path | None) -> Path:
    """The rulebooks to use: the option, the configured folder, the source tree."""
    if option is not None:
        return option
    configured = get_settings().rulebook_dir
    return configured if configured.is_dir() else bundled_directory()


def read_payload(source: str) -> Any:
    """The JSON document of ``source`` (a path, or ``-`` for standard input)."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{source}: cannot read the file ({exc.__class__.__name__})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc


def _fail(message: str) -> SystemExit:
    """One line on standard error and exit status 2.

    ``SystemExit`` rather than ``typer.Exit``: the main entry point runs Click with
    ``standalone_mode=False``, where an ``Exit`` code is returned, not raised, and
    would be lost; ``SystemExit`` reaches the process whatever the caller.
    """
    typer.echo(" ".join(message.split()), err=True)  # always one line
    return SystemExit(2)


@app.command("check")
def check(
    source: str = typer.Argument(
        ..., metavar="FILE", help="Contact-check JSON file, or - for stdin."
    ),
    rulebooks: Path | None = typer.Option(None, "--rulebooks", help=RULEBOOKS_HELP),
) -> None:
    """Print the verdict on one proposed contact (format: contact-check.md)."""
    try:
        books: Rulebooks = load_rulebooks(rulebook_folder(rulebooks))
        result = check_contact(read_payload(source), books)
    except ArrearsError as exc:
        raise _fail(exc.message) from exc
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


def content_rules(jurisdiction: str | None) -> list[RuleInfo]:
    """Rules only the content checker reports (their citations come from its lexicon)."""
    known = {r.id for r in rules_for(None)}
    prefix = {"GB": "UK-"}.get((jurisdiction or "").upper(), f"{(jurisdiction or '').upper()}-")
    return [
        RuleInfo(
            rule_id,
            rule_id.split("-")[0].replace("UK", "GB"),
            citation,
            "Checked in the text of the message (content checker).",
            "在消息文本中审查（内容审查）。",
        )
        for rule_id, citation in sorted(default_lexicon().citations.items())
        if rule_id not in known and (jurisdiction is None or rule_id.startswith(prefix))
    ]


@app.command("rules")
def rules(
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", "-j", help="Only this jurisdiction (US, US-MA, CN, GB)."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """List the rule ids, their citations and what each does (English and Chinese)."""
    listed = rules_for(jurisdiction) + content_rules(jurisdiction)
    if as_json:
        rows = [
            {
                "rule": r.id,
                "jurisdiction": r.jurisdiction,
                "citation": r.citation,
                "title": r.title,
                "title_zh": r.title_zh,
                "status": r.status,
            }
            for r in listed
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in listed:
        typer.echo(f"{r.id:<17} {r.jurisdiction:<6} {r.status}  {r.citation}")
        typer.echo(f"{'':<27}{r.title}")
        typer.echo(f"{'':<27}{r.title_zh}")
