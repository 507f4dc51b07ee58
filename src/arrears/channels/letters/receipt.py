"""A payment receipt as a PDF: what the debtor downloads after paying.

A receipt is not a letter: it is not posted, so it has no envelope window and
no return address. It says who received the money (the creditor, and the
agency collecting for it), when, how much, against which account (masked to
its last characters), how the payment was applied (costs, fees, interest,
principal, credit) and what remains owed. Labels are in the debtor's language
(zh-CN or en-US/en-GB); amounts and dates are formatted for that locale.

The PDF is laid out by WeasyPrint with the letters' local-only fetcher (it
fetches nothing) and is deterministic: the same receipt gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, StrictUndefined
from weasyprint import CSS, HTML

from arrears.channels.letters.formats import format_date
from arrears.channels.letters.render import LocalOnlyFetcher
from arrears.core.money import Money
from arrears.kit.crypto import mask

ORDER = ("costs", "fees", "interest", "principal", "credit")

LABELS = {
    "zh": {
        "title": "还款凭证", "creditor": "债权人", "collector": "收款方", "account": "账户",
        "reference": "凭证编号", "paid_on": "还款日期", "method": "方式", "amount": "金额",
        "applied": "本次还款冲抵", "remaining": "剩余应还", "issued": "开具日期",
        "reversal": "冲正（撤销还款）",
        "costs": "费用（诉讼等）", "fees": "手续费/罚息", "interest": "利息", "principal": "本金",
        "credit": "溢缴款（待退还）",
        "note": "本凭证由系统生成，无需签章。如有疑问请联系债权人。",
    },
    "en": {
        "title": "Payment receipt", "creditor": "Creditor", "collector": "Received by",
        "account": "Account", "reference": "Receipt number", "paid_on": "Date paid",
        "method": "Method", "amount": "Amount", "applied": "Applied to",
        "remaining": "Balance remaining", "issued": "Issued", "reversal": "Reversal",
        "costs": "Costs", "fees": "Fees", "interest": "Interest", "principal": "Principal",
        "credit": "Credit (to be refunded)",
        "note": "This receipt is produced by the system and needs no signature.",
    },
}  # fmt: skip

_PAGE = """<!doctype html>
<html lang="{{ locale }}"><head><meta charset="utf-8"><title>{{ l.title }}</title></head>
<body><h1>{{ l.title }}</h1>
<table class="facts">
<tr><th>{{ l.reference }}</th><td>{{ r.reference }}</td></tr>
<tr><th>{{ l.creditor }}</th><td>{{ r.creditor }}</td></tr>
{% if r.collector %}<tr><th>{{ l.collector }}</th><td>{{ r.collector }}</td></tr>{% endif %}
<tr><th>{{ l.account }}</th><td>{{ account }}</td></tr>
<tr><th>{{ l.paid_on }}</th><td>{{ paid_on }}</td></tr>
{% if r.method %}<tr><th>{{ l.method }}</th><td>{{ r.method }}</td></tr>{% endif %}
<tr><th>{{ l.amount }}</th><td class="amount">{{ amount }}{% if r.reversal %}
 ({{ l.reversal }}){% endif %}</td></tr>
</table>
<h2>{{ l.applied }}</h2>
<table class="lines">{% for name, value in lines %}
<tr><th>{{ l[name] }}</th><td class="amount">{{ value }}</td></tr>{% endfor %}
<tr class="total"><th>{{ l.remaining }}</th><td class="amount">{{ remaining }}</td></tr>
</table>
<p class="note">{{ l.issued }}: {{ issued }}. {{ l.note }}</p>
</body></html>"""

_CSS = """
@page { size: A4; margin: 25mm 20mm; }
body { font-family: "DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif;
       font-size: 11pt; color: #111; }
h1 { font-size: 18pt; margin: 0 0 8mm; } h2 { font-size: 12pt; margin: 8mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: normal; color: #444; width: 45%; padding: 1.5mm 0; }
td { padding: 1.5mm 0; } td.amount { text-align: right; }
tr.total th, tr.total td { border-top: 0.4pt solid #111; font-weight: bold; }
p.note { margin-top: 12mm; font-size: 9pt; color: #444; }
"""


@dataclass(frozen=True)
class Receipt:
    """What a receipt shows; amounts in minor units of ``currency``."""

    reference: str
    creditor: str
    account_ref: str
    paid_on: date
    amount_minor: int
    currency: str
    allocation: dict[str, int]  # costs, fees, interest, principal, credit
    remaining_minor: int
    issued_on: date
    locale: str = "en-US"
    collector: str = ""
    method: str | None = None
    reversal: bool = False


def receipt_html(receipt: Receipt) -> str:
    """The receipt as an HTML page (the input of WeasyPrint)."""
    language = "zh" if receipt.locale.startswith("zh") else "en"
    loc = receipt.locale.replace("-", "_")

    def money(minor: int) -> str:
        return Money(minor, receipt.currency).format(loc)

    lines = [(k, money(abs(receipt.allocation.get(k, 0))))
             for k in ORDER if receipt.allocation.get(k)]  # fmt: skip
    env = Environment(autoescape=True, undefined=StrictUndefined)
    return env.from_string(_PAGE).render(
        locale=receipt.locale, l=LABELS[language], r=receipt, lines=lines,
        account=mask(receipt.account_ref, keep=4), amount=money(receipt.amount_minor),
        paid_on=format_date(receipt.paid_on, receipt.locale),
        remaining=money(receipt.remaining_minor),
        issued=format_date(receipt.issued_on, receipt.locale),
    )  # fmt: skip


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as PDF bytes (deterministic for the same receipt)."""
    identifier = hashlib.sha256(f"receipt:{receipt.reference}".encode()).hexdigest()[:32]
    document = HTML(string=receipt_html(receipt), url_fetcher=LocalOnlyFetcher())
    pdf = document.write_pdf(
        stylesheets=[CSS(string=_CSS)], pdf_identifier=identifier.encode(), custom_metadata=True
    )
    assert isinstance(pdf, bytes)
    return pdf
