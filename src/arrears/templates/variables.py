"""The personalisation variables: the one list a template may use.

Every variable a template names must be here (checked when templates load),
and a value given at render time must have the declared kind. The table of
``docs/templates.md`` is generated from this catalogue
(:func:`markdown_table`; a test keeps the two equal).

Two variables are filled by the compliance layer, never by the caller:
``disclosure`` and ``opt_out_instruction`` (see
:mod:`arrears.compliance.content.required`). A template that names one of them
places that text itself; otherwise it is added around the body.

:func:`sample_variables` gives a documented sample context, per locale, used by
previews and by the content check of every template at load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from arrears.core.money import Money

TEXT = "text"
MONEY = "money"
DATE = "date"
INTEGER = "integer"
URL = "url"
PHONE = "phone"

CALLER = "caller"
COMPLIANCE = "compliance"

# Python type a value of each kind must have.
KIND_TYPES: dict[str, type] = {
    TEXT: str,
    MONEY: Money,
    DATE: date,
    INTEGER: int,
    URL: str,
    PHONE: str,
}


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable templates may use."""

    name: str
    kind: str  # text money date integer url phone
    description: str
    description_zh: str
    provided_by: str = CALLER  # caller | compliance


_V = Variable
VARIABLES: tuple[Variable, ...] = (
    # The debtor.
    _V("debtor_name", TEXT, "Full name of the debtor (a person or a company).", "债务人全名"),
    _V(
        "debtor_first_name",
        TEXT,
        "How to address the debtor: the first name in English; in Chinese the surname with "
        "先生/女士, or the full name when the gender is unknown.",
        "称呼：英文用名；中文用姓氏加先生/女士，性别未知时用全名",
    ),
    # Who is collecting, and how to reach them.
    _V(
        "creditor_name",
        TEXT,
        "The creditor (the client whose account it is).",
        "债权人（委托方）名称",
    ),
    _V(
        "agency_name",
        TEXT,
        "The organisation collecting: the agency, or the creditor collecting itself.",
        "催收机构名称（或自行催收的债权人）",
    ),
    _V("agent_name", TEXT, "The collector's name (the one they use consistently).", "催收员姓名"),
    _V("agent_phone", PHONE, "The collector's direct telephone number.", "催收员直线电话"),
    _V("callback_number", PHONE, "The number to call back (the team's line).", "回电号码"),
    _V("office_hours", TEXT, "When the team answers the phone, in words.", "服务时间"),
    _V(
        "portal_link", URL, "The self-service portal: balance, plans, disputes.", "自助服务平台链接"
    ),
    _V("pay_link", URL, "A link to pay this account.", "还款链接"),
    # The account.
    _V(
        "account_ref_masked",
        TEXT,
        "The account reference, masked to its last four characters (****1234).",
        "账户号（仅显示后四位，如 ****1234）",
    ),
    _V("product_name", TEXT, "The product (credit card, personal loan ...).", "产品名称"),
    _V("invoice_ref", TEXT, "Invoice number(s), for business debts.", "发票号（企业欠款）"),
    _V("currency", TEXT, "ISO 4217 code of the account's currency.", "币种代码"),
    _V("balance", MONEY, "The amount owed now.", "当前欠款总额"),
    _V("principal", MONEY, "The principal part of the balance.", "本金"),
    _V("interest", MONEY, "The interest part of the balance.", "利息"),
    _V(
        "fees", MONEY, "The fees part of the balance (as the agreement allows).", "费用（合同约定）"
    ),
    _V("min_payment", MONEY, "The minimum payment due.", "最低还款额"),
    _V("due_date", DATE, "The date the payment was (or is) due.", "到期还款日"),
    _V("days_past_due", INTEGER, "Days past the due date (0 before it).", "逾期天数"),
    _V("today", DATE, "The date the message is written.", "发送日期"),
    _V(
        "validation_end_date",
        DATE,
        "US: the end of the validation period (disputes until this date).",
        "美国：债务核实期截止日",
    ),
    # Offers and arrangements.
    _V("settlement_amount", MONEY, "An offered settlement amount.", "和解金额"),
    _V("settlement_deadline", DATE, "Until when the settlement offer stands.", "和解方案有效期"),
    _V("plan_instalment", MONEY, "The instalment of a payment plan.", "分期每期金额"),
    _V("plan_count", INTEGER, "The number of instalments of the plan.", "分期期数"),
    _V(
        "plan_due_date",
        DATE,
        "The due date of the plan's next (or missed) instalment.",
        "分期还款日",
    ),
    _V("promise_amount", MONEY, "The amount the debtor promised to pay.", "承诺还款金额"),
    _V("promise_date", DATE, "The date the debtor promised to pay by.", "承诺还款日期"),
    _V("payment_amount", MONEY, "The payment just received.", "本次收到的还款金额"),
    _V("payment_date", DATE, "The date of the payment just received.", "本次还款日期"),
    # Letters (US validation notice, UK notices).
    _V("debtor_address", TEXT, "The debtor's postal address.", "债务人通信地址"),
    _V(
        "agency_address",
        TEXT,
        "The collector's postal address (for disputes and letters).",
        "催收机构通信地址（异议、信函）",
    ),
    _V(
        "itemization_date",
        DATE,
        "US: the itemization date (12 CFR 1006.34(b)(3)).",
        "美国：分项列示基准日",
    ),
    _V(
        "itemization_creditor",
        TEXT,
        "US: the creditor on the itemization date (default: creditor_name).",
        "美国：分项列示基准日的债权人",
    ),
    _V(
        "itemization_amount",
        MONEY,
        "US: the amount owed on the itemization date.",
        "美国：基准日欠款金额",
    ),
    _V(
        "payments_credits",
        MONEY,
        "US: payments and credits since the itemization date.",
        "美国：基准日以来的还款与抵扣",
    ),
    _V(
        "arrears_amount",
        MONEY,
        "UK: the sum in arrears (arrears and default notices).",
        "英国：拖欠金额",
    ),
    _V(
        "remedy_date",
        DATE,
        "UK: the date by which a default notice's breach must be remedied.",
        "英国：违约补救截止日",
    ),
    _V(
        "plan_first_date",
        DATE,
        "The due date of a payment plan's first instalment.",
        "分期首期还款日",
    ),
    # Filled by the compliance layer.
    _V(
        "disclosure",
        TEXT,
        "The statements the law requires (debt-collector disclosure, identity, call "
        "recording) for this channel and place. Name it to place them yourself, e.g. in a "
        "call script after the identity check; otherwise they are added around the body.",
        "法规要求的告知语（催收告知、身份、录音提示）；模板可自行放置，否则自动加在正文前后",
        COMPLIANCE,
    ),
    _V(
        "opt_out_instruction",
        TEXT,
        "How to stop these messages, when the law requires it (e-mail, text). Name it to "
        "place it yourself; otherwise it is added at the end.",
        "退订说明（法规要求时）；模板可自行放置，否则自动加在末尾",
        COMPLIANCE,
    ),
)

CATALOGUE: Mapping[str, Variable] = {v.name: v for v in VARIABLES}
COMPLIANCE_VARIABLES = frozenset(v.name for v in VARIABLES if v.provided_by == COMPLIANCE)
# Reserved context key the filters read the formatting locale from.
LOCALE_KEY = "_locale"

# --------------------------------------------------------------------------- samples

SAMPLE_TODAY = date(2026, 11, 20)
_SAMPLE_DATES: dict[str, date] = {
    "due_date": date(2026, 11, 5),
    "today": SAMPLE_TODAY,
    "validation_end_date": date(2026, 12, 28),
    "settlement_deadline": date(2026, 12, 31),
    "plan_due_date": date(2026, 12, 5),
    "promise_date": date(2026, 11, 27),
    "payment_date": date(2026, 11, 18),
    "itemization_date": date(2026, 6, 30),
    "remedy_date": date(2026, 12, 18),
    "plan_first_date": date(2026, 12, 5),
}
# Amounts in major units (balance = principal + interest + fees).
_SAMPLE_AMOUNTS: dict[str, str] = {
    "balance": "12345.67",
    "principal": "11000.00",
    "interest": "1195.67",
    "fees": "150.00",
    "min_payment": "600.00",
    "settlement_amount": "8000.00",
    "plan_instalment": "1029.00",
    "promise_amount": "1500.00",
    "payment_amount": "1029.00",
    "arrears_amount": "1800.00",
    "itemization_amount": "11800.00",
    "payments_credits": "300.00",
}
_SAMPLE_PEOPLE: dict[str, dict[str, str]] = {
    "zh": {
        "agency_address": "上海市浦东新区世纪大道100号20层",
        "debtor_address": "上海市徐汇区漕溪北路88号3号楼1201室",
        "debtor_name": "张伟",
        "debtor_first_name": "张先生",
        "creditor_name": "星河消费金融",
        "agency_name": "安信资产管理有限公司",
        "agent_name": "王芳",
        "agent_phone": "021-6088-1234",
        "callback_number": "400-820-1234",
        "office_hours": "每天 9:00-21:00",
        "portal_link": "https://pay.example.cn/portal",
        "pay_link": "https://pay.example.cn/p/8F3K2",
        "product_name": "个人消费贷款",
        "invoice_ref": "INV-2026-0815",
    },
    "en-US": {
        "agency_address": "PO Box 4100, Columbus, OH 43215",
        "debtor_address": "1200 Elm Street, Apt 4B, Springfield, IL 62704",
        "debtor_name": "Jordan Smith",
        "debtor_first_name": "Jordan",
        "creditor_name": "Acme Bank",
        "agency_name": "Northbridge Associates",
        "agent_name": "Alex Morgan",
        "agent_phone": "(555) 010-0142",
        "callback_number": "1-800-555-0199",
        "office_hours": "Monday to Friday, 8 a.m. to 8 p.m. Eastern Time",
        "portal_link": "https://pay.example.com/portal",
        "pay_link": "https://pay.example.com/p/8F3K2",
        "product_name": "Acme Rewards credit card",
        "invoice_ref": "INV-2026-0815",
    },
    "en-GB": {
        "agency_address": "PO Box 410, Manchester M1 1AA",
        "debtor_address": "12 Station Road, Leeds LS1 4DY",
        "debtor_name": "Sam Taylor",
        "debtor_first_name": "Sam",
        "creditor_name": "Thameside Bank",
        "agency_name": "Thameside Customer Support",
        "agent_name": "Priya Shah",
        "agent_phone": "0161 496 0142",
        "callback_number": "0800 048 0199",
        "office_hours": "Monday to Friday, 8am to 8pm, and Saturday, 9am to 1pm",
        "portal_link": "https://pay.example.co.uk/portal",
        "pay_link": "https://pay.example.co.uk/p/8F3K2",
        "product_name": "personal loan",
        "invoice_ref": "INV-2026-0815",
    },
}
_LOCALE_CURRENCIES = {"zh": "CNY", "en-US": "USD", "en-GB": "GBP"}


def _family(locale: str) -> str:
    lowered = locale.replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh"
    return "en-GB" if lowered == "en-gb" else "en-US"


_SAMPLE_COMPANIES = {
    "zh": ("华远贸易有限公司", "财务部"),
    "en-US": ("Brightline Manufacturing Inc.", "Accounts team"),
    "en-GB": ("Harbour Street Trading Ltd", "Accounts team"),
}


def sample_variables(
    locale: str, currency: str | None = None, *, business: bool = False
) -> dict[str, Any]:
    """A complete, documented set of sample values for previews and checks.

    Names and links suit ``locale`` (Chinese names for ``zh-*``, British ones for
    ``en-GB``, American ones otherwise); amounts are in ``currency`` (default:
    CNY for Chinese, GBP for en-GB, USD otherwise). Dates are fixed around
    2026-11-20 so that previews are reproducible. ``business``: the debtor is
    a company (for business templates).
    """
    family = _family(locale)
    code = currency or _LOCALE_CURRENCIES[family]
    values: dict[str, Any] = dict(_SAMPLE_PEOPLE[family])
    values.update({k: Money.of_major(v, code) for k, v in _SAMPLE_AMOUNTS.items()})
    values.update(_SAMPLE_DATES)
    values["account_ref_masked"] = "****1234"
    values["itemization_creditor"] = values["creditor_name"]
    values["currency"] = Money.zero(code).currency
    values["days_past_due"] = (SAMPLE_TODAY - _SAMPLE_DATES["due_date"]).days
    values["plan_count"] = 12
    if business:
        values["debtor_name"], values["debtor_first_name"] = _SAMPLE_COMPANIES[family]
    return values


def markdown_table() -> str:
    """The variables as the Markdown table of ``docs/templates.md``."""
    lines = [
        "| variable | kind | filled by | meaning | 说明 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for v in VARIABLES:
        lines.append(
            f"| `{v.name}` | {v.kind} | {v.provided_by} | {v.description} | {v.description_zh} |"
        )
    return "\n".join(lines)
