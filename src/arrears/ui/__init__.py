"""The staff user interface kit: layout, languages and assets shared by every staff page.

The workbench (``/workbench``), the supervisor console (``/supervisor``) and
the dashboards (``/dashboards``) are separate parts of the app that look and
behave as one. This package gives them:

- :mod:`arrears.ui.i18n` — catalogues and a translator (zh-CN, en-US) with
  money and date formatting; each part adds its own catalogue.
- :mod:`arrears.ui.render` — :class:`~arrears.ui.render.Renderer`: templates
  that extend ``staff/base.html`` (navigation by permission, language switch,
  sign-out, keyboard shortcuts, notices).
- ``static/`` — ``staff.css`` and ``staff.js`` (keyboard shortcuts), served
  by the web app at ``/static/staff/``; no inline script or style anywhere
  (the content security policy forbids them).

How a part builds a page (in its ``pages.py``)::

    RENDERER = Renderer(Path(__file__).parent / "templates", Catalogue(LOCALES, "workbench"))

    def build_router(uow_factory, clock, require) -> APIRouter:
        router = APIRouter(include_in_schema=False)

        collector = Depends(require("accounts.assigned"))

        @router.get("/workbench/x", response_class=HTMLResponse)
        def x(me: Principal = collector) -> HTMLResponse:
            return HTMLResponse(RENDERER.render("x.html", me, section="queue", rows=[...]))

(Not ``Annotated[...]`` aliases defined inside ``build_router``: with
``from __future__ import annotations`` FastAPI cannot resolve a local alias.)
``require(permission)`` is passed in by the web app (:mod:`arrears.web.staff`):
it answers who is signed in (a :class:`~arrears.core.roles.Principal`),
redirects a browser without a session to the sign-in page, refuses a missing
permission with 403, and checks the ``csrf`` form field on every POST before
the handler runs. Templates::

    {% extends "staff/base.html" %}
    {% block title %}{{ _("Queue") }}{% endblock %}
    {% block content %}
      <form method="post" action="/workbench/x">
        <input type="hidden" name="csrf" value="{{ csrf }}"> ...
      </form>
    {% endblock %}

Keyboard shortcuts: give any link or button ``data-key="n"`` (one key) and a
``title``; ``staff.js`` triggers it when that key is pressed outside a text
field, and ``?`` lists the page's shortcuts.
"""
