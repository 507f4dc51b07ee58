"""Portal pages that make arrangements: a promise, a payment plan, a settlement offer.

Each goes through the resolution service a collector uses, under the client's
resolution policy (``config/resolution``): the plans offered are the policy's
standard offers, a settlement within the debtor's own authority is accepted at
once and anything above it is queued for a person's approval, a promise must
fall within the policy's limits. A refusal shows the policy's reason.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.responses import RedirectResponse, Response

from arrears.errors import ArrearsError, InvalidInput
from arrears.payments import plans, promises, settlements
from arrears.payments.policy import PolicyBook, ResolutionPolicy, load_policies
from arrears.portal import actions, service, views
from arrears.portal.i18n import N_

if TYPE_CHECKING:
    from arrears.portal.pages import Handler, Visit, _Pages

FREQUENCY_LABELS = {
    "weekly": N_("%(count)s weekly payments of %(amount)s, the first on %(date)s"),
    "fortnightly": N_("%(count)s payments every two weeks of %(amount)s, the first on %(date)s"),
    "monthly": N_("%(count)s monthly payments of %(amount)s, the first on %(date)s"),
}


@lru_cache(maxsize=4)
def _book(folder: Path) -> PolicyBook:
    return load_policies(folder)


def policy_for(pages: _Pages, who: service.Verified) -> ResolutionPolicy:
    folder = pages.config.policy_dir
    if folder is None:
        raise InvalidInput(N_("Arrangements cannot be made online. Please ask us to call you."))
    return _book(folder).for_client(who.client.code, who.account.jurisdiction
                                    or who.client.jurisdiction)  # fmt: skip


def routes(pages: _Pages) -> list[tuple[str, str, Handler, bool]]:
    r = _Resolution(pages)
    return [
        ("/promise", "GET", r.promise_form, True),
        ("/promise", "POST", r.promise, True),
        ("/plan", "GET", r.plan_form, True),
        ("/plan", "POST", r.plan, True),
        ("/settle", "GET", r.settle_form, True),
        ("/settle", "POST", r.settle, True),
    ]


class _Resolution:
    def __init__(self, pages: _Pages) -> None:
        self.pages = pages

    # --- promise ------------------------------------------------------------------------------

    def promise_page(self, visit: Visit, error: str | None = None, status: int = 200) -> Response:
        who = self.pages.who(visit)
        days = 14
        with contextlib.suppress(ArrearsError):
            days = policy_for(self.pages, who).promises.max_days_ahead
        today = visit.at.date()
        latest = today + timedelta(days=days)
        return self.pages.page(visit, "promise.html", page="promise", status=status, error=error,
                               balance=views.balance_minor(who), currency=who.account.currency,
                               today=today.isoformat(), latest=latest.isoformat(),
                               latest_date=latest)  # fmt: skip

    async def promise_form(self, visit: Visit) -> Response:
        service.audit_view(visit.uow, self.pages.who(visit), "promise", at=visit.at)
        return self.promise_page(visit)

    async def promise(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        form = self.pages.form(visit)
        try:
            amount = actions.parse_amount(self.pages.text(form, "amount", 30),
                                          who.account.currency)  # fmt: skip
            due_on = _date(self.pages.text(form, "due_on", 10))
            promises.take_promise(uow=visit.uow, account=who.account, amount_minor=amount,
                                  due_on=due_on, channel="portal", taken_by=service.ACTOR,
                                  at=visit.at, policy=policy_for(self.pages, who))  # fmt: skip
        except ArrearsError as exc:
            visit.uow.rollback()
            return self.promise_page(visit, self.pages.error_text(visit, exc), 400)
        return self.pages.done(visit, "promise")

    # --- plan ---------------------------------------------------------------------------------

    def offers(self, visit: Visit, who: service.Verified) -> list[Any]:
        try:
            policy = policy_for(self.pages, who)
        except ArrearsError:
            return []
        return list(plans.plan_offers(account=who.account, policy=policy, as_of=visit.at.date()))

    def plan_page(self, visit: Visit, error: str | None = None, status: int = 200) -> Response:
        who = self.pages.who(visit)
        t = visit.t
        shown = []
        for offer in self.offers(visit, who):
            terms = offer.terms
            label = t.gettext(FREQUENCY_LABELS[str(terms.frequency)], count=terms.count,
                              amount=t.money(offer.instalment_minor, terms.currency),
                              date=t.date(offer.instalments[0].due_on))  # fmt: skip
            if terms.down_payment_minor:
                label += " " + t.gettext(N_("(down payment %(amount)s)"), amount=t.money(
                    terms.down_payment_minor, terms.currency))  # fmt: skip
            shown.append({"key": _offer_key(offer), "label": label})
        return self.pages.page(visit, "plan.html", page="plan", status=status, error=error,
                               offers=shown, balance=views.balance_minor(who),
                               currency=who.account.currency)  # fmt: skip

    async def plan_form(self, visit: Visit) -> Response:
        service.audit_view(visit.uow, self.pages.who(visit), "plan", at=visit.at)
        return self.plan_page(visit)

    async def plan(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        key = self.pages.text(self.pages.form(visit), "offer", 40)
        chosen = next((o for o in self.offers(visit, who) if _offer_key(o) == key), None)
        try:
            if chosen is None:
                raise InvalidInput(N_("Choose one of the plans offered"))
            plans.create_plan(uow=visit.uow, account=who.account, offer=chosen,
                              policy=policy_for(self.pages, who), created_by=service.ACTOR,
                              channel="portal", at=visit.at)  # fmt: skip
        except ArrearsError as exc:
            visit.uow.rollback()
            return self.plan_page(visit, self.pages.error_text(visit, exc), 400)
        return self.pages.done(visit, "plan")

    # --- settlement ---------------------------------------------------------------------------

    def settle_page(self, visit: Visit, error: str | None = None, status: int = 200) -> Response:
        who = self.pages.who(visit)
        most = 3
        with contextlib.suppress(ArrearsError):
            most = policy_for(self.pages, who).settlements.max_instalments
        return self.pages.page(visit, "settle.html", page="settle", status=status, error=error,
                               balance=views.balance_minor(who), currency=who.account.currency,
                               max_instalments=most)  # fmt: skip

    async def settle_form(self, visit: Visit) -> Response:
        service.audit_view(visit.uow, self.pages.who(visit), "settle", at=visit.at)
        return self.settle_page(visit)

    async def settle(self, visit: Visit) -> Response:
        who = self.pages.who(visit)
        form = self.pages.form(visit)
        try:
            amount = actions.parse_amount(self.pages.text(form, "amount", 30),
                                          who.account.currency)  # fmt: skip
            kind = self.pages.text(form, "form", 20) or "lump_sum"
            count_text = self.pages.text(form, "instalments", 3)
            count = int(count_text) if kind == "short_plan" and count_text.isdigit() else 1
            result = settlements.propose_settlement(
                uow=visit.uow, account=who.account, amount_minor=amount, form=kind,
                instalments=count, by=service.ACTOR, role="debtor", channel="portal",
                at=visit.at, policy=policy_for(self.pages, who),
            )  # fmt: skip
        except ArrearsError as exc:
            visit.uow.rollback()
            return self.settle_page(visit, self.pages.error_text(visit, exc), 400)
        code = "settlement" if result.status == "accepted" else "settlement_queued"
        return RedirectResponse(f"{visit.base}?done={code}", status_code=303)


def _offer_key(offer: Any) -> str:
    return f"{offer.terms.frequency}:{offer.terms.count}"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(N_("Choose a date")) from None
