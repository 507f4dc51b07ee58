"""``cn-consumer``: a Chinese consumer-finance company's overdue loans and cards.

The file is what such a lender's core system exports: GB18030 CSV with Chinese
headers (read through the shipped mapping preset ``cn-lender``), dates written
``2026/3/5`` or ``2026年3月5日`` and amounts ``12,345.67`` or ``¥12,345.67``, the
style varying from row to row as when two systems' exports are concatenated.
The preset's columns carry no country or jurisdiction: both come from the
client (CN). Products: personal loans (median ¥8,000, 18 % a year plus 6 %
default interest booked as 罚息, accrual stopped after 360 days: at most the
24 % a year courts protect), credit cards (median ¥12,000, 日息万五 = 18.25 %
and a late fee of 0.5 % of the balance per month, at most 12) and point-of-sale
instalments (median ¥3,000). Payments arrive by Alipay, WeChat Pay or bank
transfer in ``cn-consumer-payments.csv`` (preset ``cn-payments``).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import numpy as np

from arrears.sim.portfolio.book import FIRST_PARTY, Product
from arrears.sim.portfolio.consumer import ConsumerSpec, build_consumers
from arrears.sim.portfolio.formats import (
    Row,
    amount_text,
    cn_slash_date,
    cn_word_date,
    row_texts,
)
from arrears.sim.portfolio.model import DemoClient, DemoFile
from arrears.sim.portfolio.payments import Payment, PaymentPlan
from arrears.sim.portfolio.people import CnPeople
from arrears.sim.portfolio.writers import write_csv

CLIENT = DemoClient(
    code="cn-consumer",
    name="Huaxin Consumer Finance",
    name_zh="华信消费金融有限公司",
    jurisdiction="CN",
    currency="CNY",
    locale="zh-CN",
)

# The ``cn-lender`` preset: header -> canonical column, in file order.
ACCOUNT_HEADERS: tuple[tuple[str, str], ...] = (
    ("合同编号", "account_ref"),
    ("客户编号", "debtor_ref"),
    ("客户姓名", "name"),
    ("身份证号", "national_id"),
    ("出生日期", "birth_date"),
    ("手机号", "phones"),
    ("邮箱", "emails"),
    ("地址", "address"),
    ("城市", "city"),
    ("省份", "region"),
    ("币种", "currency"),
    ("剩余本金", "principal"),
    ("利息", "interest"),
    ("罚息", "fees"),
    ("放款日期", "opened_on"),
    ("逾期起始日", "due_on"),
    ("最后还款日", "last_payment_on"),
    ("最后还款金额", "last_payment_amount"),
    ("产品", "product"),
    ("数据来源", "source"),
)

# The ``cn-payments`` preset.
PAYMENT_HEADERS: tuple[tuple[str, str], ...] = (
    ("还款流水号", "reference"),
    ("合同编号", "account_ref"),
    ("还款金额", "amount"),
    ("还款日期", "paid_on"),
    ("还款方式", "method"),
    ("币种", "currency"),
)

PRODUCTS = (
    Product(
        "personal_loan",
        0.55,
        8_000,
        0.8,
        apr=0.18,
        penalty_apr=0.06,
        accrual_days=360,
        paid_down=(0.3, 1.0),
        tenure=(31, 720),
    ),
    Product(
        "credit_card",
        0.35,
        12_000,
        0.9,
        apr=0.1825,
        accrual_days=360,
        late_fee_rate=0.005,
        late_fee_cycles=12,
        paid_down=(0.5, 1.0),
        tenure=(90, 3650),
    ),
    Product(
        "pos_instalment",
        0.10,
        3_000,
        0.7,
        apr=0.15,
        penalty_apr=0.05,
        accrual_days=360,
        paid_down=(0.2, 1.0),
        tenure=(31, 540),
    ),
)

_REF_LETTER = {"personal_loan": "L", "credit_card": "C", "pos_instalment": "P"}


def _account_ref(seq: int, product: str, opened: date) -> str:
    return f"HX{_REF_LETTER[product]}{opened:%Y%m}{seq:07d}"


def _payment_ref(seq: int, payment: Payment) -> str:
    return f"HXR{payment.paid_on:%Y%m%d}{seq:07d}"


SPEC = ConsumerSpec(
    client=CLIENT,
    products=PRODUCTS,
    ageing=FIRST_PARTY,
    sources=(("creditor", 0.85), ("self_reported", 0.10), ("bureau", 0.05)),
    payments=PaymentPlan(methods=(("alipay", 0.45), ("wechat_pay", 0.35), ("bank_transfer", 0.2))),
    account_ref=_account_ref,
    debtor_ref=lambda n: f"KH{n:08d}",
    payment_ref=_payment_ref,
    account_defects=(
        "unparseable_date",
        "bad_national_id",
        "invalid_phone",
        "negative_principal",
        "missing_name",
    ),
    payment_defects=("negative_amount", "unparseable_paid_on", "missing_reference"),
    account_dates=cn_slash_date,
    payment_dates=cn_word_date,
    multi_share=0.10,
    # birth dates are not among them: the resident id carries the birth date
    conflict_fields=("address", "phones", "address", "emails"),
)


def _mixed_texts(rows: list[Row], columns: list[str], rng: np.random.Generator) -> list[list[str]]:
    """Each row in one of the two date styles and one of the two amount styles."""
    date_styles = rng.random(len(rows)) < 0.5
    yuan_signs = rng.random(len(rows)) < 0.4
    out = []
    for row, word, sign in zip(rows, date_styles, yuan_signs, strict=True):
        dates = cn_word_date if word else cn_slash_date
        symbol = "¥" if sign else ""
        out.append(row_texts(row, columns, dates, partial(amount_text, symbol=symbol)))
    return out


def write(out_dir: Path, *, accounts: int, seed: int, as_of: date) -> list[DemoFile]:
    """Write the accounts and payments files; their manifest entries."""
    portfolio = build_consumers(SPEC, CnPeople(seed, as_of), accounts, seed, as_of)
    rng = np.random.default_rng([seed, 31])
    account_path = out_dir / "cn-consumer-accounts.csv"
    payment_path = out_dir / "cn-consumer-payments.csv"
    columns = [c for _, c in ACCOUNT_HEADERS]
    account_rows = write_csv(
        account_path,
        [h for h, _ in ACCOUNT_HEADERS],
        _mixed_texts(portfolio.accounts, columns, rng),
        encoding="gb18030",
    )
    pay_columns = [c for _, c in PAYMENT_HEADERS]
    payment_rows = write_csv(
        payment_path,
        [h for h, _ in PAYMENT_HEADERS],
        _mixed_texts(portfolio.payments, pay_columns, rng),
        encoding="gb18030",
    )
    return [
        DemoFile(
            CLIENT.code,
            "accounts",
            account_path,
            "cn-lender",
            account_rows,
            tuple(portfolio.account_defects),
            tuple(portfolio.conflicts),
        ),
        DemoFile(
            CLIENT.code,
            "payments",
            payment_path,
            "cn-payments",
            payment_rows,
            tuple(portfolio.payment_defects),
        ),
    ]
