"""The personalisation variables of a message, from the account as it is now.

Every variable of the template catalogue (:data:`arrears.templates.VARIABLES`)
that the caller provides is filled here, so any shipped template can be sent.
Money values are :class:`~arrears.core.money.Money` (templates format them per
locale with the ``money`` filter); dates are dates. Creditor-specific values
(agency name and address, callback number, office hours, portal address,
settlement discount) come from the client's settings, with neutral defaults so
a demo works out of the box.

Offers (settlement, plan) are the client's standing terms until the
resolution policy computes them per account; they are conservative on purpose:
a settlement below the policy's authority is never offered by a template.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from arrears.core.aging import days_past_due
from arrears.core.money import Money

DEFAULT_OFFICE_HOURS = {"zh-CN": "工作日 9:00-18:00", "en-US": "Mon-Fri 9am-6pm"}
DEFAULT_PRODUCT = {"zh-CN": "借款", "en-US": "account"}
# Product codes as files carry them, in words a debtor reads; unknown codes fall back to
# the code with spaces (a client may name its products in settings: product_names).
PRODUCT_NAMES = {
    "personal_loan": {"zh-CN": "个人贷款", "en-US": "personal loan"},
    "credit_card": {"zh-CN": "信用卡", "en-US": "credit card"},
    "pos_instalment": {"zh-CN": "消费分期", "en-US": "instalment purchase"},
    "cash_loan": {"zh-CN": "现金贷款", "en-US": "cash loan"},
    "medical": {"zh-CN": "医疗费用", "en-US": "medical bill"},
    "telecom": {"zh-CN": "通信服务费", "en-US": "phone bill"},
    "utility": {"zh-CN": "公用事业费", "en-US": "utility bill"},
    "auto_deficiency": {"zh-CN": "汽车贷款差额", "en-US": "auto loan balance"},
    "invoice": {"zh-CN": "货款", "en-US": "invoice"},
}
VALIDATION_DAYS = 35  # Reg F 1006.34(b)(3): 30 days after receipt, receipt assumed in 5
REMEDY_DAYS = 21  # CCA s.87/88: not less than 14 days after service; margin for the post
SETTLEMENT_DAYS = 14
PLAN_COUNT = 6


def locale_for(language: str | None) -> str:
    """The template locale for a debtor's language (zh-* -> zh-CN, everything else en-US)."""
    return "zh-CN" if (language or "").lower().startswith("zh") else "en-US"


def masked_ref(ref: str) -> str:
    return f"****{ref[-4:]}" if len(ref) > 4 else ref


def first_name(name: str, locale: str) -> str:
    if locale == "zh-CN" or not name.split():
        return name  # a full Chinese name is the polite form without a known title
    return name.split(maxsplit=1)[0]


def message_variables(
    details: dict[str, Any], locale: str, now: datetime, arrangement: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything a template may use, for one account (``details``: store.queries.outreach).

    ``arrangement`` is the figures an outbox row carries for a plan, settlement or promise
    message (see :func:`_arranged`); they replace the standing offer terms.
    """
    money = _money(details)
    settings = details.get("client_settings") or {}
    today = now.date()
    return {
        **_parties(details, settings, locale),
        **_amounts(details, money, today),
        **_offers(details, settings, money, today),
        **_arranged(arrangement or {}, details["currency"]),
        "today": today,
    }


def _money(details: dict[str, Any]) -> dict[str, Money]:
    currency = details["currency"]
    parts = {k: Money(int(details.get(f"{k}_minor") or 0), currency)
             for k in ("principal", "interest", "fees", "costs")}  # fmt: skip
    parts["balance"] = parts["principal"] + parts["interest"] + parts["fees"] + parts["costs"]
    return parts


def _parties(details: dict[str, Any], settings: dict[str, Any], locale: str) -> dict[str, Any]:
    agency = str(settings.get("agency_name", details["client_name"]))
    callback = str(settings.get("callback_number", "400-000-0000"))
    portal = str(settings.get("portal_url", "http://127.0.0.1:8000/portal"))
    address = [details.get(k) for k in ("address", "city", "region", "postal_code")]
    return {
        "debtor_name": details["debtor_name"],
        "debtor_first_name": first_name(details["debtor_name"], locale),
        "debtor_address": ", ".join(str(a) for a in address if a),
        "creditor_name": details["client_name"],
        "agency_name": agency,
        "agency_address": str(settings.get("agency_address", "")),
        "agent_name": str(settings.get("agent_name", agency)),
        "agent_phone": callback,
        "callback_number": callback,
        "office_hours": str(settings.get("office_hours", DEFAULT_OFFICE_HOURS[locale])),
        "portal_link": portal,
        "pay_link": f"{portal}/pay",
        "account_ref_masked": masked_ref(str(details["account_ref"])),
        "invoice_ref": masked_ref(str(details["account_ref"])),
        "product_name": product_name(details.get("product"), locale, settings),
    }


def product_name(code: str | None, locale: str, settings: dict[str, Any]) -> str:
    """A product code in the debtor's words (client settings first, then the shipped names)."""
    if not code:
        return DEFAULT_PRODUCT[locale]
    names = {**PRODUCT_NAMES, **settings.get("product_names", {})}
    return str(names.get(code, {}).get(locale) or code.replace("_", " "))


def _amounts(details: dict[str, Any], money: dict[str, Money], today: date) -> dict[str, Any]:
    currency = details["currency"]
    due: date = details["due_on"]
    itemized = Money(int(details.get("original_minor") or money["balance"].minor), currency)
    # Since the itemization date: interest and fees added, payments and credits taken off.
    paid = itemized + money["interest"] + money["fees"] + money["costs"] - money["balance"]
    last_paid = details.get("last_payment_minor")
    return {
        "currency": currency,
        "balance": money["balance"],
        "principal": money["principal"],
        "interest": money["interest"],
        "fees": money["fees"] + money["costs"],
        "min_payment": money["balance"],
        "arrears_amount": money["balance"],
        "due_date": due,
        "days_past_due": max(days_past_due(due, today), 0),
        "validation_end_date": today + timedelta(days=VALIDATION_DAYS),
        "itemization_date": details.get("charged_off_on") or due,
        "itemization_creditor": details["client_name"],
        "itemization_amount": itemized,
        "payments_credits": paid if not paid.is_negative() else Money.zero(currency),
        "remedy_date": today + timedelta(days=REMEDY_DAYS),
        "payment_amount": Money(int(last_paid or 0), currency),
        "payment_date": details.get("last_payment_on") or today,
    }


def _arranged(figures: dict[str, Any], currency: str) -> dict[str, Any]:
    """The variables of a real arrangement, from the figures its message was queued with.

    A plan agreement carries ``plan_id``, ``instalment_minor``, ``count``, ``first_due_on``;
    a settlement letter ``settlement_id``, ``amount_minor``, ``due_on``; a promise reminder
    ``promise_id``, ``amount_minor``, ``due_on``; an instalment reminder ``plan_id``,
    ``instalment``, ``amount_minor``, ``due_on``.
    """
    out: dict[str, Any] = {}
    due = date.fromisoformat(figures["due_on"]) if figures.get("due_on") else None
    amount = Money(int(figures["amount_minor"]), currency) if "amount_minor" in figures else None
    if "settlement_id" in figures and amount is not None:
        out["settlement_amount"] = amount
        if due is not None:
            out["settlement_deadline"] = due
    elif "promise_id" in figures and amount is not None:
        out["promise_amount"] = amount
        if due is not None:
            out["promise_date"] = due
    elif "plan_id" in figures:
        if "instalment_minor" in figures:
            out["plan_instalment"] = Money(int(figures["instalment_minor"]), currency)
        elif amount is not None:  # a reminder: what is left of this instalment
            out["plan_instalment"] = amount
        if "count" in figures:
            out["plan_count"] = int(figures["count"])
        if figures.get("first_due_on"):
            out["plan_first_date"] = date.fromisoformat(figures["first_due_on"])
        if due is not None:
            out["plan_due_date"] = due
    return out


def _offers(
    details: dict[str, Any], settings: dict[str, Any], money: dict[str, Money], today: date
) -> dict[str, Any]:
    currency = details["currency"]
    discount = Decimal(str(settings.get("settlement_discount", "0.2")))
    count = int(settings.get("plan_count", PLAN_COUNT))
    instalment = money["balance"].split(count)[0]  # the largest share: the plan never falls short
    promised = details.get("promise_minor")
    return {
        "settlement_amount": money["balance"] - money["balance"].times(discount),
        "settlement_deadline": today + timedelta(days=SETTLEMENT_DAYS),
        "plan_instalment": instalment,
        "plan_count": count,
        "plan_first_date": today + timedelta(days=7),
        "plan_due_date": details.get("promise_on") or today,
        "promise_amount": Money(int(promised), currency) if promised else money["balance"],
        "promise_date": details.get("promise_on") or today,
    }
