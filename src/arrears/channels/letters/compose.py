"""From a template and the facts of one debtor to a :class:`~.model.LetterRequest`.

This is what the outbox dispatcher does for a ``letter:<template>`` action:
render the template's subject and body (:func:`~.templating.render_body`) with
the account's variables, then freeze the result with the sender and the
recipient into a request any process can lay out.

Variables the letter itself knows are added when the caller did not give
them: ``debtor_name``, ``agency_name`` (the letterhead), ``today`` (the letter
date), ``account_ref_masked`` (the reference), and two addresses on one line,
``agency_address`` (where the debtor writes back, e.g. the dispute address of a
validation notice) and ``debtor_address``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from arrears.channels.letters.model import LetterRequest, Recipient, Sender
from arrears.channels.letters.templating import LetterTemplate, render_body
from arrears.errors import InvalidInput

# Letters that are forms rather than correspondence: no "Sincerely," and no
# signature (the Reg F model validation notice, B-1, has neither).
NO_CLOSING = frozenset({"validation_notice"})


def letter_variables(
    variables: Mapping[str, object],
    sender: Sender,
    recipient: Recipient,
    letter_date: date,
    reference: str,
) -> dict[str, object]:
    """``variables`` completed with what the letter knows (the caller's values win)."""
    known: dict[str, object] = {
        "debtor_name": recipient.name,
        "agency_name": sender.letterhead_name,
        "today": letter_date,
        "account_ref_masked": reference,
        "agency_address": sender.address.one_line(),
        "debtor_address": recipient.address.one_line(),
    }
    return {**known, **dict(variables)}


def compose_letter(
    template: LetterTemplate,
    *,
    dedup_key: str,
    locale: str,
    jurisdiction: str,
    sender: Sender,
    recipient: Recipient,
    variables: Mapping[str, object],
    letter_date: date,
    reference: str = "",
    client_code: str = "",
    prefix_html: str = "",
    suffix_html: str = "",
    signature: tuple[str, ...] = (),
    footer_note: str = "",
    paper: str | None = None,
) -> LetterRequest:
    """The request for ``template`` sent to ``recipient``; InvalidInput if it may not be sent.

    A template is refused outside its jurisdictions (a US validation notice is
    never sent to China). ``prefix_html``/``suffix_html`` are the disclosures
    the compliance layer requires, placed around the body.
    """
    if not template.allows(jurisdiction):
        raise InvalidInput(
            f"letter template '{template.name}' is for {', '.join(template.jurisdictions)}, "
            f"not {jurisdiction}"
        )
    reference = reference or str(variables.get("account_ref_masked", ""))
    values = letter_variables(variables, sender, recipient, letter_date, reference)
    rendered = render_body(template, locale, values)
    return LetterRequest(
        dedup_key=dedup_key,
        template=template.name,
        locale=locale,
        jurisdiction=jurisdiction,
        sender=sender,
        recipient=recipient,
        subject=rendered.subject,
        body_html=rendered.html,
        letter_date=letter_date,
        reference=reference,
        variables=values,
        prefix_html=prefix_html,
        suffix_html=suffix_html,
        signature=signature,
        closing=template.name not in NO_CLOSING,
        footer_note=footer_note,
        paper=paper,
        client_code=client_code,
    )
