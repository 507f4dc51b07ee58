"""Portal pages about the debtor and the account: dispute, preferences, call back, documents.

A dispute goes through :func:`arrears.payments.disputes.open_dispute` (the hold
goes on at once; uploads are checked by their first bytes, at most 5 MB each);
preferences through :mod:`arrears.payments.preferences`, the ones the
compliance engine reads; a call back becomes a task for the collectors; the
documents page lists receipts, letters and the debtor's own uploads, each
downloaded only from this account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi.responses import Response
from starlette.datastructures import UploadFile

from arrears.channels.letters.receipt import Receipt, receipt_pdf
from arrears.errors import ArrearsError, InvalidInput
from arrears.payments import preferences as prefs_service
from arrears.payments.documents import MAX_BYTES, DocumentInput
from arrears.payments.preferences import WEEKDAYS
from arrears.payments.receipts import receipt_facts
from arrears.portal import actions, service
from arrears.portal.i18n import N_

if TYPE_CHECKING:
    from arrears.portal.pages import Handler, Visit, _Pages


def routes(pages: _Pages) -> list[tuple[str, str, Handler, bool]]:
    a = _Account(pages)
    return [
        ("/dispute", "GET", a.dispute_form, True),
        ("/dispute", "POST", a.dispute, True),
        ("/preferences", "GET", a.preferences_form, True),
        ("/preferences", "POST", a.preferences, True),
        ("/callback", "GET", a.callback_form, True),
        ("/callback", "POST", a.callback, True),
        ("/documents", "GET", a.documents, True),
        ("/documents/{kind}/{ident}", "GET", a.document, True),
    ]


class _Account:
    def __init__(self, pages: _Pages) -> None:
        self.pages = pages

    # --- dispute, preferences, call back ------------------------------------------------------

    async def dispute_form(self, visit: Visit, error: str | None = None,
                           status: int = 200) -> Response:  # fmt: skip
        self.pages.who(visit)
        reasons = [
            ("not_mine", N_("This is not my debt")),
            ("wrong_amount", N_("The amount is wrong")),
            ("already_paid", N_("I already paid")),
            ("identity_theft", N_("Identity theft")),
            ("other", N_("Other reason")),
        ]
        return self.pages.page(visit, "dispute.html", page="dispute", reasons=reasons, error=error,
                         status=status)  # fmt: skip

    async def dispute(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        form = self.pages.form(visit)
        uploads = []
        for item in form.getlist("documents"):
            if isinstance(item, UploadFile) and item.filename:
                data = await item.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    return await self.dispute_form(
                        visit, visit.t.gettext(N_("Each file must be at most 5 MB.")), 400
                    )
                uploads.append(DocumentInput(item.filename, data, item.content_type))
        try:
            actions.dispute(
                visit.uow,
                who,
                reason=self.pages.text(form, "reason", 40),
                details=self.pages.text(form, "details") or None,
                uploads=uploads,
                documents_root=self.pages.config.documents_dir,
                at=visit.at,
            )
        except ArrearsError as exc:
            visit.uow.rollback()
            return await self.dispute_form(visit, self.pages.error_text(visit, exc), 400)
        return self.pages.done(visit, "dispute")

    def preferences_page(self, visit: Visit, error: str | None = None,
                         status: int = 200) -> Response:  # fmt: skip
        who = self.pages.who(visit)
        prefs = prefs_service.preferences(visit.uow, who.debtor.id)
        times = [{"days": ",".join(r.get("days", [])), "from": r.get("from", ""),
                  "to": r.get("to", "")} for r in prefs.inconvenient_times][:3]  # fmt: skip
        times += [{"days": "", "from": "", "to": ""}] * (3 - len(times))
        return self.pages.page(visit, "preferences.html", page="preferences", prefs=prefs,
                         times=times, error=error, status=status, **PREFERENCE_LABELS)  # fmt: skip

    async def preferences_form(self, visit: Visit) -> Response:
        service.audit_view(visit.uow, self.pages.who(visit), "preferences", at=visit.at)
        return self.preferences_page(visit)

    async def preferences(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        form = self.pages.form(visit)
        stop = {v for v in form.getlist("stop") if isinstance(v, str)}
        consent = {v for v in form.getlist("consent") if isinstance(v, str)}
        times = []
        for n in (1, 2, 3):
            days = self.pages.text(form, f"days_{n}", 40)
            start, end = self.pages.text(form, f"from_{n}", 5), self.pages.text(form, f"to_{n}", 5)
            if days and start and end:
                times.append({"days": days.split(","), "from": start, "to": end})
        try:
            actions.set_preferences(visit.uow, who, stop=stop, consent=consent, times=times,
                                    at=visit.at)  # fmt: skip
        except ArrearsError as exc:
            visit.uow.rollback()
            return self.preferences_page(visit, self.pages.error_text(visit, exc), 400)
        return self.pages.done(visit, "preferences")

    def callback_page(self, visit: Visit, error: str | None = None,
                      status: int = 200) -> Response:  # fmt: skip
        slots = [
            ("morning", N_("Morning (9:00–12:00)")),
            ("afternoon", N_("Afternoon (12:00–17:00)")),
            ("evening", N_("Evening (17:00–20:00)")),
        ]
        return self.pages.page(visit, "callback.html", page="callback", slots=slots,
                         today=visit.at.date().isoformat(), error=error, status=status)  # fmt: skip

    async def callback_form(self, visit: Visit) -> Response:
        self.pages.who(visit)
        return self.callback_page(visit)

    async def callback(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        form = self.pages.form(visit)
        try:
            actions.request_callback(visit.uow, who, day=self.pages.text(form, "day", 10),
                                     slot=self.pages.text(form, "slot", 20),
                                     note=self.pages.text(form, "note", 600) or None,
                                     at=visit.at)  # fmt: skip
        except ArrearsError as exc:
            visit.uow.rollback()
            return self.callback_page(visit, self.pages.error_text(visit, exc), 400)
        return self.pages.done(visit, "callback")

    # --- documents --------------------------------------------------------------------------

    async def documents(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        service.audit_view(visit.uow, who, "documents", at=visit.at)
        return self.pages.page(visit, "documents.html", page="documents",
                         receipts=actions.receipts(visit.uow, who),
                         letters=actions.letters(visit.uow, who, self.pages.config.letters_dir),
                         uploads=actions.uploads(visit.uow, who))  # fmt: skip

    async def document(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        kind = visit.request.path_params.get("kind", "")
        ident_text = str(visit.request.path_params.get("ident", ""))
        if not ident_text.isdigit() or kind not in ("receipt", "letter", "file"):
            raise self.pages.refused(404)
        ident = int(ident_text)
        try:
            name, media, data = self.document_bytes(visit, who, kind, ident)
        except ArrearsError:
            raise self.pages.refused(404) from None
        actions.downloaded(visit.uow, who, kind, ident, visit.at)
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
        return Response(data, media_type=media, headers={"Content-Disposition": disposition})

    def document_bytes(self, visit: Visit, who: service.Verified, kind: str,
                       ident: int) -> tuple[str, str, bytes]:  # fmt: skip
        if kind == "receipt":
            payment = visit.uow.portal.payment(who.account.id, ident)
            if payment is None or payment.kind != "payment":
                raise InvalidInput("no such receipt")
            facts = receipt_facts(visit.uow, who.account, payment, visit.session.locale,
                                  visit.at.date())  # fmt: skip
            return f"receipt-{payment.reference}.pdf", "application/pdf", receipt_pdf(
                Receipt(**facts))  # fmt: skip
        if kind == "letter":
            pdf = actions.letter_pdf(visit.uow, who, self.pages.config.letters_dir, ident)
            return f"letter-{ident}.pdf", "application/pdf", pdf
        return actions.upload(visit.uow, who, self.pages.config.documents_dir, ident)


PREFERENCE_LABELS: dict[str, Any] = {
    "channel_labels": {"call": N_("Phone calls"), "sms": N_("Text messages"), "email": N_("E-mail"),
                       "letter": N_("Letters")},
    "consent_labels": [("texts", N_("Text messages to my mobile")),
                       ("automated_calls", N_("Automated calls")), ("email", N_("E-mail"))],
    "kind_labels": {"mobile": N_("Mobile"), "landline": N_("Landline"), "phone": N_("Phone"),
                    "email": N_("E-mail"), "address": N_("Address")},
    "day_sets": [(",".join(WEEKDAYS[:5]), N_("Weekdays")), (",".join(WEEKDAYS[5:]), N_("Weekends")),
                 (",".join(WEEKDAYS), N_("Every day"))],
}  # fmt: skip
