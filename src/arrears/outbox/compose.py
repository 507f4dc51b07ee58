"""From an outbox row to the message a channel adapter sends.

The template is rendered in the debtor's language with the variables of the
account as it is now; the compliance layer adds the disclosures the
jurisdiction requires (the template author does not write them) and checks the
final text. A template that is missing or blocked makes the message dead with
the reason: retrying would not help.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arrears.channels.base import OutgoingMessage
from arrears.channels.letters.channel import HEADERS as LETTER_HEADERS
from arrears.errors import ArrearsError
from arrears.outbox.variables import locale_for, masked_ref, message_variables
from arrears.templates import RenderContext, TemplateCatalogue, render

FIRST_NOTICE_TEMPLATES = frozenset({"validation_notice"})


@dataclass(frozen=True)
class Composed:
    message: OutgoingMessage
    locale: str
    content: str  # the text the compliance engine reads (subject and body)
    reviewed: frozenset[str]  # REVIEW rules a person accepted for this template


class ComposeError(ArrearsError):
    """The message cannot be written (no template, a blocked template, a bad variable)."""


def compose(
    row: dict[str, Any],
    details: dict[str, Any],
    catalogue: TemplateCatalogue,
    sender: str,
    now: datetime,
    jurisdictions: tuple[str, ...],
    initial: bool,
) -> Composed:
    """Render ``row``'s template for its account and address it (raises ComposeError)."""
    name = row.get("template")
    if not name:
        raise ComposeError(f"outbox row {row['id']} has no template")
    locale = locale_for(details.get("language"))
    # An arrangement's message (plan agreement, settlement letter, reminder) carries its own
    # figures on the outbox row; they win over the client's standing offer terms.
    variables = message_variables(details, locale, now, arrangement=row.get("details") or {})
    context = RenderContext(
        channel=row["channel"],
        jurisdictions=jurisdictions,
        initial_communication=initial or name in FIRST_NOTICE_TEMPLATES,
        sender=str(variables["agency_name"]),
        validation_end=None,
        time_barred=False,
        business_debtor=details.get("debtor_kind") == "company",
    )
    try:
        template = catalogue.get(name)
        rendered = render(template, locale, variables, context)
    except ArrearsError as exc:
        raise ComposeError(f"template {name} ({locale}): {exc}") from exc
    except LookupError as exc:
        raise ComposeError(f"template {name} does not exist") from exc
    message = OutgoingMessage(
        dedup_key=row["dedup_key"],
        channel=row["channel"],
        to=_recipient(row, details),
        sender=sender,
        text=rendered.text,
        subject=rendered.subject,
        html=rendered.html,
        locale=locale,
        headers=_headers(row, details, name, now),
    )
    content = "\n".join(part for part in (rendered.subject, rendered.text) if part)
    return Composed(message, locale, content, frozenset(template.reviewed))


def _headers(
    row: dict[str, Any], details: dict[str, Any], name: str, now: datetime
) -> dict[str, str]:
    """What an adapter needs beyond the text; for letters the print details (never shown
    on the envelope: the letter adapter checks the window and the outside)."""
    headers = {LETTER_HEADERS["template"]: name}
    if row["channel"] == "letter":
        values = {
            "jurisdiction": details.get("jurisdiction") or "",
            "postal_code": details.get("postal_code") or "",
            "country": details.get("country") or "",
            "reference": masked_ref(str(details["account_ref"])),
            "letter_date": now.date().isoformat(),
            "client": details["client_code"],
        }
        headers.update({LETTER_HEADERS[k]: v for k, v in values.items() if v})
    return headers


def _recipient(row: dict[str, Any], details: dict[str, Any]) -> str:
    if row["channel"] != "letter":
        return str(row["contact_to"])
    # A letter's recipient block: the name, then the address lines as stored.
    return "\n".join([str(details["debtor_name"]), *str(row["contact_to"]).splitlines()])
