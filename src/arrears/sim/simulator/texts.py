"""What a simulated debtor writes back, in the language of their account.

The replies go through the real inbound path (matching, the intent classifier,
the consequences), so they are written the way people write: a promise names
an amount and a date, a STOP is a STOP.
"""

from __future__ import annotations

from datetime import date

TEXTS = {
    "zh": {
        "promise": "我会在{month}月{day}日还{amount}元",
        "stop": "退订",
        "dispute": "这不是我借的钱，我不认可这笔欠款",
        "hardship": "我失业了，现在还不上",
        "paid": "我已经还了",
    },
    "en": {
        "promise": "I will pay {symbol}{amount} on {iso}",
        "stop": "STOP",
        "dispute": "This is not my debt, I dispute it",
        "hardship": "I lost my job and cannot pay right now",
        "paid": "I have paid it already",
    },
}
SYMBOL = {"USD": "$", "GBP": "£", "CNY": "¥", "EUR": "€"}


def reply_text(kind: str, *, currency: str, amount_minor: int, due: date) -> str:
    """The text of a reply of ``kind`` (see :data:`behaviour.REPLY_KINDS`)."""
    language = "zh" if currency == "CNY" else "en"
    amount = f"{amount_minor // 100}" if language == "zh" else f"{amount_minor / 100:.2f}"
    return TEXTS[language][kind].format(
        month=due.month, day=due.day, amount=amount, iso=due.isoformat(),
        symbol=SYMBOL.get(currency, ""),
    )  # fmt: skip
