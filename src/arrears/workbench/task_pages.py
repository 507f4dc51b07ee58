"""Tasks and reminders: the collector's follow-ups, due ones first.

- ``GET /workbench/tasks`` — open tasks, soonest due first; those due now are
  marked, and the count of due reminders shows on every workbench page (a
  notice with a link here), so nothing needs a push channel.
- ``POST /workbench/tasks`` — a follow-up on an account at a time (``t`` on
  the account page).
- ``POST /workbench/tasks/{id}/done`` — close one with what was done.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from arrears.core.roles import Principal
from arrears.errors import ArrearsError, InvalidInput, NotFound
from arrears.ui.i18n import N_
from arrears.workbench import service
from arrears.workbench.account_pages import _local, _text, _zone
from arrears.workbench.guard import StaffRefused, posted, redirect

if TYPE_CHECKING:
    from arrears.workbench.pages import Workbench


def install(router: APIRouter, wb: Workbench, require: Callable[[str | None], Any]) -> None:
    owner = Depends(require("tasks.own"))

    @router.get("/workbench/tasks")
    def tasks(request: Request, me: Principal = owner) -> Response:
        now = wb.clock()
        notice = {"added": N_("The task was added."), "done": N_("The task was closed.")}.get(
            request.query_params.get("saved", ""))  # fmt: skip
        with wb.uow_factory() as uow:
            mine = service.my_tasks(uow=uow, me=me, now=now)
            return wb.page("tasks.html", me, request, section="tasks", tasks=mine.tasks,
                           now=now, notice=notice)  # fmt: skip

    @router.post("/workbench/tasks")
    def add(request: Request, me: Principal = owner, form: FormData = Depends(posted)) -> Response:
        now = wb.clock()
        try:
            account_id = int(_text(form, "account_id") or "0")
        except ValueError:
            raise StaffRefused(400) from None
        with wb.uow_factory() as uow:
            try:
                account = service.visible_account(uow=uow, me=me, account_id=account_id, at=now)
                due = _local(_text(form, "due_at"), _zone(uow, account.debtor_id))
                token = _text(form, "token")[:64] or secrets.token_hex(8)
                service.add_task(uow=uow, me=me, account_id=account_id,
                                 title=_text(form, "title"), due_at=due, at=now,
                                 key=f"workbench:{token}")  # fmt: skip
            except NotFound:
                uow.commit()
                raise StaffRefused(404) from None
            except (ArrearsError, ValueError) as exc:
                reason = exc if isinstance(exc, ArrearsError) else InvalidInput(str(exc))
                return wb.page("tasks.html", me, request, section="tasks", status=400, now=now,
                               tasks=service.my_tasks(uow=uow, me=me, now=now).tasks,
                               error=(N_("The task was not added: %(reason)s"),
                                      {"reason": reason}))  # fmt: skip
            uow.commit()
        return redirect(f"/workbench/accounts/{account_id}?task=1")

    @router.post("/workbench/tasks/{task_id}/done")
    def done(task_id: int, me: Principal = owner, form: FormData = Depends(posted)) -> Response:
        with wb.uow_factory() as uow:
            try:
                service.complete_task(uow=uow, me=me, task_id=task_id, at=wb.clock(),
                                      outcome=_text(form, "outcome")[:500] or None)  # fmt: skip
            except NotFound:
                raise StaffRefused(404) from None
            except ArrearsError:
                return redirect("/workbench/tasks")
            uow.commit()
        return redirect("/workbench/tasks?saved=done")
