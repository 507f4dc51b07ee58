"""The staff side of the web app: sign-in, the workbench, the supervisor console, the dashboards.

One :class:`~arrears.workbench.guard.Guard` checks every staff request on the
server; each part's router receives its ``require`` and so cannot forget it.
Its refusals become pages here: a browser without a session goes to the
sign-in page, a missing permission gets a 403 page in the person's language.
The shared assets (``staff.css``, ``staff.js``) are served from this origin
at ``/static/staff/`` (no CDN).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from arrears.analytics import pages as dashboards
from arrears.store.uow import UnitOfWork
from arrears.ui.render import STATIC, STATIC_FILES, STATIC_PREFIX
from arrears.web.security import staff_error
from arrears.workbench import auth_pages, supervisor_pages
from arrears.workbench import pages as workbench
from arrears.workbench.guard import Guard, StaffRedirect, StaffRefused, StaffWeb


def install(
    app: FastAPI, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
    config: StaffWeb,
) -> Guard:  # fmt: skip
    guard = Guard(uow_factory, clock, config)
    app.include_router(auth_pages.build_router(uow_factory, clock, guard))
    app.include_router(workbench.build_router(uow_factory, clock, guard.require,
                                              config_dir=config.config_dir))  # fmt: skip
    policy_dir = config.config_dir / "resolution"
    app.include_router(supervisor_pages.build_router(uow_factory, clock, guard.require,
                                                     policy_dir=policy_dir))  # fmt: skip
    app.include_router(dashboards.build_router(uow_factory, clock, guard.require))

    @app.get(STATIC_PREFIX + "/{name}", include_in_schema=False)
    def static(name: str, request: Request) -> Response:
        if name not in STATIC_FILES:
            return staff_error(request, 404)
        return Response((STATIC / name).read_bytes(), media_type=STATIC_FILES[name],
                        headers={"Cache-Control": "public, max-age=3600"})  # fmt: skip

    @app.exception_handler(StaffRedirect)
    async def _redirect(request: Request, exc: StaffRedirect) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(StaffRefused)
    async def _refused(request: Request, exc: StaffRefused) -> Response:
        return staff_error(request, exc.status)

    return guard
