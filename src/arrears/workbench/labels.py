"""Words for the codes the workbench shows: account and item statuses, channels.

Message ids (marked with ``N_``), translated where a page is rendered.
"""

from __future__ import annotations

from arrears.ui.i18n import N_

STATUS_LABELS = {
    "active": N_("Active"), "promised": N_("Promised"), "in_plan": N_("In a plan"),
    "disputed": N_("Disputed"), "on_hold": N_("On hold"), "legal": N_("Legal"),
    "paid": N_("Paid"), "settled": N_("Settled"), "closed": N_("Closed"),
    "placed": N_("Placed"), "recalled": N_("Recalled"), "written_off": N_("Written off"),
    # promises, plans, settlements, disputes
    "pending": N_("pending"), "kept": N_("kept"), "partial": N_("partly kept"),
    "broken": N_("broken"), "cancelled": N_("cancelled"), "completed": N_("completed"),
    "pending_approval": N_("waiting for approval"), "accepted": N_("accepted"),
    "rejected": N_("rejected"), "open": N_("open"), "resolved": N_("resolved"),
}  # fmt: skip
CHANNEL_LABELS = {
    "call": N_("Call"), "phone": N_("Phone"), "sms": N_("Text message"), "email": N_("E-mail"),
    "letter": N_("Letter"), "portal": N_("Portal"), "voicemail": N_("Voicemail"),
    "payment": N_("Payment"), "document": N_("Document"), "note": N_("Note"),
    "task": N_("Task"), "api": N_("API"), "file": N_("File"),
}  # fmt: skip
