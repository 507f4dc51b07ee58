"""The sandbox gateway's hosted payment page: plain, accessible HTML in English or Chinese.

One form takes a test card number (labelled input, one submit button); a
second offers the three test outcomes as buttons. A finished payment shows its
status and a link back to the merchant. Everything shown is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Protocol

from arrears.core.money import Money
from arrears.errors import ArrearsError


class Shown(Protocol):
    id: str
    amount_minor: int
    currency: str
    description: str
    return_url: str
    locale: str
    status: str


_TEXT = {
    "en": {
        "title": "Sandbox payment",
        "amount": "Amount",
        "card": "Card number",
        "pay": "Pay",
        "quick": "Test outcomes",
        "ok": "Pay (test success)",
        "decline": "Decline (test failure)",
        "later": "Pay later (pending)",
        "done": "This payment is",
        "back": "Back to the merchant",
        "unknown": "Use a test card: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is "
        "declined, 4000 0000 0000 0077 stays pending.",
    },
    "zh": {
        "title": "沙箱支付",
        "amount": "金额",
        "card": "卡号",
        "pay": "支付",
        "quick": "测试结果",
        "ok": "支付（测试成功）",
        "decline": "拒绝（测试失败）",
        "later": "稍后支付（处理中）",
        "done": "此笔支付状态：",
        "back": "返回商户",
        "unknown": "请使用测试卡：4242 4242 4242 4242 成功，4000 0000 0000 0002 被拒，"
        "4000 0000 0000 0077 处理中。",
    },
}


def words(checkout: Shown) -> dict[str, str]:
    return _TEXT["zh" if checkout.locale.lower().startswith("zh") else "en"]


def _amount(minor: int, currency: str, lang: str) -> str:
    """``$50.00`` / ``US$50.00``; the raw minor units for a currency we do not know."""
    try:
        return Money(minor, currency).format("zh_CN" if lang == "zh-CN" else "en_US")
    except ArrearsError:
        return f"{minor} ({currency} minor units)"


def page_html(checkout: Shown, error: str | None = None) -> str:
    w = words(checkout)
    lang = "zh-CN" if checkout.locale.lower().startswith("zh") else "en"
    amount = escape(_amount(checkout.amount_minor, checkout.currency, lang))
    head = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{w['title']}</title></head><body><main>"
        f"<h1>{w['title']}</h1><p>{escape(checkout.description)}</p>"
        f"<p>{w['amount']}: <strong>{amount}</strong></p>"
    )
    if checkout.status != "open":
        back = escape(checkout.return_url)
        return (
            f'{head}<p role="status">{w["done"]} <strong>{escape(checkout.status)}'
            f'</strong></p><p><a href="{back}">{w["back"]}</a></p></main></body></html>'
        )
    alert = f'<p role="alert">{escape(error)}</p>' if error else ""
    action = f"/pay/{escape(checkout.id)}"
    return (
        f'{head}{alert}<form method="post" action="{action}">'
        f'<label for="card">{w["card"]}</label> '
        f'<input id="card" name="card" inputmode="numeric" autocomplete="off"> '
        f'<button type="submit">{w["pay"]}</button></form>'
        f'<form method="post" action="{action}"><fieldset><legend>{w["quick"]}</legend>'
        f'<button name="outcome" value="succeeded">{w["ok"]}</button> '
        f'<button name="outcome" value="failed">{w["decline"]}</button> '
        f'<button name="outcome" value="pending">{w["later"]}</button>'
        f"</fieldset></form></main></body></html>"
    )
