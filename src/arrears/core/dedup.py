"""Deduplication keys: one place that says what makes two messages the same.

Every message that leaves arrears carries a key built here (DESIGN §4 rule 7).
The key is unique in the outbox, is the interaction's key, and is handed to the
provider as its idempotency key (the SMS provider's ``reference``, the e-mail's
``Message-ID``), so a message retried after a crash is recognised everywhere
as the same message and not sent or recorded twice.

A planned message is the same message when it is the same plan date, account,
strategy step and channel: re-running a day's plan yields the same keys. A
message outside the plan (a reply confirmation, a receipt, a report) names its
kind and the parts that identify it.

    >>> from datetime import date
    >>> planned_key(date(2026, 11, 23), 42, "d1_sms", "sms")
    'plan:2026-11-23:42:d1_sms:sms'
    >>> event_key("stop_confirmation", "sms", "+8613800138000", "2026-11-23")
    'event:stop_confirmation:sms:+8613800138000:2026-11-23'
"""

from __future__ import annotations

from datetime import date

MAX_LENGTH = 200  # the column width; keys are ASCII apart from the parts given


def planned_key(plan_date: date, account_id: int, step: str, channel: str) -> str:
    """The key of a message the daily plan asked for."""
    return _checked(f"plan:{plan_date.isoformat()}:{account_id}:{step}:{channel}")


def event_key(kind: str, *parts: str) -> str:
    """The key of a message caused by an event (``kind``) identified by ``parts``."""
    if not kind or not parts:
        raise ValueError("an event key needs a kind and at least one identifying part")
    return _checked(":".join(("event", kind, *parts)))


def _checked(key: str) -> str:
    if len(key) > MAX_LENGTH:
        raise ValueError(f"deduplication key longer than {MAX_LENGTH} characters: {key[:60]}...")
    return key
