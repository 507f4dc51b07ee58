"""Sample senders, recipients and variables for letter tests (China, US, UK)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arrears.channels.letters.compose import compose_letter
from arrears.channels.letters.model import LetterRequest, PostalAddress, Recipient, Sender
from arrears.channels.letters.templating import LetterTemplate, load_letter_templates
from arrears.core.money import Money

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "config" / "templates" / "letter"
LETTER_DATE = date(2026, 4, 8)

CN_SENDER = Sender(
    letterhead_name="星河资产服务有限公司",
    return_name="星河服务中心",
    address=PostalAddress(("上海市浦东新区世纪大道100号20层", "邮编 200120"), "200120", "CN"),
    contact_lines=("客服电话 400-800-1234 · 工作日 9:00–18:00",),
)
CN_LAW_FIRM = Sender(
    letterhead_name="上海明理律师事务所",
    return_name="上海明理律师事务所",
    address=PostalAddress(("上海市黄浦区中山东一路18号", "邮编 200002"), "200002", "CN"),
)
CN_RECIPIENT = Recipient(
    "张伟",
    PostalAddress(("广东省深圳市南山区科技园南路88号", "3栋1201室", "邮编 518057"), "518057", "CN"),
)
US_SENDER = Sender(
    letterhead_name="Harbor Point Recovery LLC",
    return_name="HPR Services",
    address=PostalAddress(("PO Box 4410", "Columbus, OH 43215"), "43215", "US"),
    contact_lines=("Tel. (800) 555-0134 · Mon–Fri 8am–8pm ET · hpr.example.com",),
)
US_RECIPIENT = Recipient(
    "Jennifer Smith",
    PostalAddress(("1234 Maple Avenue, Apt 5B", "Springfield, IL 62704"), "62704", "US"),
)
GB_SENDER = Sender(
    letterhead_name="Thames Credit Services Ltd",
    return_name="TCS",
    address=PostalAddress(("PO Box 120", "Leeds", "LS1 4AP"), "LS1 4AP", "GB"),
    contact_lines=("0113 496 0000 · Mon–Fri 8am–8pm",),
)
GB_RECIPIENT = Recipient(
    "Oliver Brown",
    PostalAddress(("Flat 3, 27 Victoria Road", "Bristol", "BS8 1TH"), "BS8 1TH", "GB"),
)

PARTIES = {
    "CN": (CN_SENDER, CN_RECIPIENT, "CNY"),
    "US": (US_SENDER, US_RECIPIENT, "USD"),
    "GB": (GB_SENDER, GB_RECIPIENT, "GBP"),
}


def variables(currency: str, locale: str) -> dict[str, object]:
    """Every variable a shipped letter template uses, for one currency."""
    zh = locale.startswith("zh")

    def money(minor: int) -> Money:
        return Money(minor, currency)

    return {
        "creditor_name": "星河消费金融" if currency == "CNY" else "Riverbank Card Services",
        "currency": currency,
        "balance": money(1_234_567),
        "principal": money(1_100_000),
        "interest": money(104_567),
        "fees": money(30_000),
        "due_date": date(2026, 3, 1),
        "days_past_due": 38,
        "portal_link": "https://portal.example.com",
        "pay_link": "https://pay.example.com/r/AB12CD",
        "agent_name": "李娜" if zh else "Maria Lopez",
        "agent_phone": "021-5555-0100" if currency == "CNY" else "(800) 555-0199",
        "callback_number": "400-800-1234" if currency == "CNY" else "(800) 555-0134",
        "office_hours": "工作日 9:00–18:00" if zh else "Mon–Fri 8am–8pm",
        "validation_end_date": date(2026, 5, 19),
        "settlement_amount": money(800_000),
        "settlement_deadline": date(2026, 5, 31),
        "plan_instalment": money(102_881),
        "plan_count": 12,
        "plan_first_date": date(2026, 5, 1),
        "promise_amount": money(100_000),
        "promise_date": date(2026, 4, 20),
        "account_ref_masked": "****4821",
        # beyond the catalogue (docs/letters.md)
        "itemization_date": date(2025, 11, 30),
        "itemization_amount": money(1_150_000),
        "payments_credits": money(50_000),
        "arrears_amount": money(61_500),
        "remedy_date": date(2026, 4, 30),
    }


def templates() -> dict[str, LetterTemplate]:
    return load_letter_templates(TEMPLATES)


def country_of(template: LetterTemplate, locale: str) -> str:
    """Where the sample of ``template`` in ``locale`` goes: US for en-US, CN for zh-CN if listed."""
    preferred = "US" if locale == "en-US" else "CN"
    return preferred if preferred in template.jurisdictions else template.jurisdictions[0]


def sample_letter(
    template: LetterTemplate,
    locale: str,
    country: str | None = None,
    dedup_key: str | None = None,
    **overrides: object,
) -> LetterRequest:
    """``template`` for the sample debtor of ``country`` (see :func:`country_of`)."""
    country = country or country_of(template, locale)
    sender, recipient, currency = PARTIES[country]
    if template.name == "lawyer_letter_cn":
        sender = CN_LAW_FIRM
    if country == "GB" and locale == "en-US":
        locale = "en-GB"
    values = {**variables(currency, locale), **overrides}
    return compose_letter(
        template,
        dedup_key=dedup_key or f"letter:{template.name}:{locale}:{country}",
        locale=locale,
        jurisdiction=country,
        sender=sender,
        recipient=recipient,
        variables=values,
        letter_date=LETTER_DATE,
        client_code="demo",
    )
