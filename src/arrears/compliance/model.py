"""Verdicts, findings and the frames the engine reads and writes.

These schemas are the contract between the callers (planner, send-time gate,
workbench, the ``compliance check`` command) and the rules. A caller builds a
*contacts* frame (one proposed contact per row, with the facts the rules need)
and a *history* frame (past contacts of the same people); the engine returns a
*findings* frame (zero or more findings per contact) and a *decisions* frame
(one verdict per contact, the strictest finding winning).
"""

from __future__ import annotations

from enum import IntEnum

import polars as pl

UTC_TIME = pl.Datetime("us", "UTC")


class Verdict(IntEnum):
    """Ordered from least to most protective: the maximum wins."""

    ALLOW = 0
    REQUIRE = 1
    REVIEW = 2
    DELAY = 3
    BLOCK = 4


VERDICT_NAMES = [v.name for v in Verdict]

# A list of the person's own designations, in their local time.
INCONVENIENT = pl.List(
    pl.Struct(
        {"days": pl.List(pl.String()), "from": pl.String(), "to": pl.String(), "until": pl.Date()}
    )
)
OPT_OUTS = pl.List(pl.Struct({"channel": pl.String(), "to": pl.String(), "at": UTC_TIME}))
HOLDS = pl.List(pl.Struct({"kind": pl.String(), "debt": pl.String(), "since": UTC_TIME}))
CONSENTS = pl.List(pl.Struct({"kind": pl.String(), "date": pl.Date(), "to": pl.String()}))

CONTACTS: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(),  # row key, unique in the frame
    # whom counters are kept for (debtor id, or a third party); integer ids stay integers when
    # the history gives integers too (frames.person_type)
    "person": pl.String(),
    "now": UTC_TIME,  # the instant of the proposed contact
    "jurisdictions": pl.List(pl.String()),  # rulebooks that apply: US, US-MA, CN, GB, ...
    "channel": pl.String(),  # call voicemail sms email letter visit social_private ...
    "to": pl.String(),  # number, e-mail or address used
    "debt": pl.String(),  # the debt the contact is about
    "automated": pl.Boolean(),  # auto-dialled / prerecorded call, automated text
    "counterparty": pl.String(),  # debtor spouse attorney third_party emergency_contact employer
    "purpose": pl.String(),  # collection location_inquiry reply opt_out_confirmation ...
    "content": pl.String(),  # text of the message, if known (null otherwise)
    "to_line_type": pl.String(),  # mobile landline unknown (null: not a phone)
    "to_owner": pl.String(),  # debtor third_party employer (null: unknown)
    "to_place": pl.String(),  # home work (null: not tied to a place)
    "to_employer_email": pl.Boolean(),  # an e-mail known to be employer-provided
    "zones": pl.List(pl.String()),  # candidate IANA zones of the person
    "zones_known": pl.Boolean(),  # false: no zone was known and a conservative set is used
    "inconvenient_times": INCONVENIENT,
    "inconvenient_places": pl.List(pl.String()),
    "opt_outs": OPT_OUTS,
    "holds": HOLDS,
    "consents": CONSENTS,
    "time_barred": pl.Boolean(),  # the debt is past its statute of limitations
    "validation_sent_at": UTC_TIME,  # US: when the validation notice was sent (null: not yet)
    "first_contact_at": UTC_TIME,  # the initial communication about the debt (null: none)
    "debtor_unreachable": pl.Boolean(),  # CN: the debtor cannot be reached (失联)
}

HISTORY: dict[str, pl.DataType] = {
    "person": pl.String(),
    "at": UTC_TIME,
    "channel": pl.String(),
    "direction": pl.String(),  # out | in
    "to": pl.String(),
    "debt": pl.String(),
    # no_answer voicemail limited_content_message busy not_in_service conversation
    # delivered bounced third_party_answered
    "outcome": pl.String(),
}

# Optional columns, added after the first version: callers may leave them out and the
# engine reads them as null (unknown). They are kept apart so that code casting every
# column of CONTACTS / HISTORY keeps working.
CONTACTS_OPTIONAL: dict[str, pl.DataType] = {
    # A judgment was obtained on the debt: garnishment language may be lawful (1006.18(b)(3)).
    "judgment_obtained": pl.Boolean(),
}
HISTORY_OPTIONAL: dict[str, pl.DataType] = {
    # Facts about the address used, matched like the contact's own, so counters can tell a
    # misdirected call (to_owner third_party, Reg F cmt 14(b)(2)(i)-3), a call to the
    # consumer's attorney (1006.14(b)(3)(iii)) and the residence/cell vs elsewhere split
    # of 209 CMR 18.16(1)(d).
    "counterparty": pl.String(),  # debtor spouse attorney third_party ... (null: debtor)
    "to_line_type": pl.String(),  # mobile landline unknown
    "to_owner": pl.String(),  # debtor third_party employer
    "to_place": pl.String(),  # home work
}

FINDINGS: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(),
    "rule": pl.String(),  # e.g. US-FREQ-01
    "verdict": pl.String(),  # ALLOW REQUIRE REVIEW DELAY BLOCK
    "until": UTC_TIME,  # DELAY: earliest instant this finding clears
    "citation": pl.String(),  # e.g. 12 CFR 1006.14(b)(2)(i)(A)
    "message": pl.String(),  # one sentence a person understands (English)
    "message_zh": pl.String(),  # the same in Chinese (may be null)
    "requires": pl.List(pl.String()),  # REQUIRE: what the contact must carry or do
}

DECISIONS: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(),
    "verdict": pl.String(),
    "until": UTC_TIME,  # DELAY: when every time-based finding clears
    "rules": pl.List(pl.String()),  # the rules that found something, strictest first
}


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
