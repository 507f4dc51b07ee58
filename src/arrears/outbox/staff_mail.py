"""Staff mail: outbox messages to our own people (scheduled reports), not to debtors.

An outbox row of kind ``staff`` has no account, debtor or client: it is a
message to a member of staff, so the debtor compliance re-check (contact
hours, frequency, holds, opt-outs) does not apply and no interaction is
recorded. Everything else is the outbox's: the row is claimed with a lease,
its deduplication key is the e-mail's ``Message-ID``, a temporary failure is
retried with the same back-off, a permanent one makes it dead, every attempt
is a row and the batch is audited (``outbox.dispatcher``).

The row carries the subject, text and language in ``details``; a report run's
file is kept once in ``report_deliveries`` (``details.delivery_id``) and
attached to each recipient's message here. Staff mail leaves through the
default e-mail adapter (the channel configuration without a client).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arrears.channels.base import Attachment, OutgoingMessage
from arrears.store.uow import UnitOfWork

KIND = "staff"


class StaffMailError(ValueError):
    """A staff message that cannot be composed (its report file is gone)."""


def is_staff(row: dict[str, Any]) -> bool:
    return row.get("kind") == KIND


def attachments(
    uow_factory: Callable[[], UnitOfWork], rows: list[dict[str, Any]]
) -> dict[int, Attachment]:
    """The report files the rows point at, by delivery id (read once per batch)."""
    ids = sorted({int(r["details"]["delivery_id"]) for r in rows
                  if (r.get("details") or {}).get("delivery_id") is not None})  # fmt: skip
    if not ids:
        return {}
    with uow_factory() as uow:
        found = uow.report_schedules.deliveries(ids)
        return {i: Attachment(d.filename, d.content_type, bytes(d.payload))
                for i, d in found.items()}  # fmt: skip


def message(row: dict[str, Any], files: dict[int, Attachment]) -> OutgoingMessage:
    """The e-mail of one staff row; raises StaffMailError when its file is missing."""
    details = row.get("details") or {}
    attached: tuple[Attachment, ...] = ()
    if details.get("delivery_id") is not None:
        file = files.get(int(details["delivery_id"]))
        if file is None:
            raise StaffMailError(f"report delivery {details['delivery_id']} no longer exists")
        attached = (file,)
    return OutgoingMessage(
        dedup_key=row["dedup_key"], channel="email", to=row["contact_to"], sender="",
        text=str(details.get("text", "")), subject=str(details.get("subject", "")),
        locale=str(details.get("locale", "en-US")), attachments=attached,
    )  # fmt: skip


def compose_all(
    uow_factory: Callable[[], UnitOfWork], rows: list[dict[str, Any]]
) -> tuple[dict[int, OutgoingMessage], dict[int, str]]:
    """Messages by outbox id, and the reason of each row that cannot be composed."""
    files = attachments(uow_factory, rows)
    ready: dict[int, OutgoingMessage] = {}
    failed: dict[int, str] = {}
    for row in rows:
        try:
            ready[row["id"]] = message(row, files)
        except StaffMailError as exc:
            failed[row["id"]] = str(exc)
    return ready, failed
