"""``uk-utility``: an energy supplier's (and its broadband arm's) household arrears.

Albion Energy sends an Excel workbook with the canonical headers: dates are real
Excel date cells, amounts numeric cells formatted ``£#,##0.00``, phone numbers
and postcodes text. Debtors live in fourteen British cities with Ofcom drama
landlines (the drama mobile range 07700 900xxx is not valid for
``phonenumbers``, so households have landlines only); ``region`` is the nation
(England, Scotland, Wales, Northern Ireland), jurisdiction GB. Products: energy
(``utility``, median £600) and ``telecom`` (median £250); no interest, modest
late fees. About 8 % of households hold two or three accounts (gas and
electricity, or energy and broadband). Payments (card, bank transfer, cash at
a PayPoint) come in a second workbook.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arrears.sim.portfolio.book import FIRST_PARTY, Product
from arrears.sim.portfolio.consumer import ConsumerSpec, build_consumers
from arrears.sim.portfolio.formats import uk_date
from arrears.sim.portfolio.model import DemoClient, DemoFile
from arrears.sim.portfolio.payments import Payment, PaymentPlan
from arrears.sim.portfolio.people import UkPeople
from arrears.sim.portfolio.writers import write_xlsx

CLIENT = DemoClient(
    code="uk-utility",
    name="Albion Energy Ltd",
    name_zh="阿尔比恩能源有限公司",
    jurisdiction="GB",
    currency="GBP",
    locale="en-GB",
)

ACCOUNT_COLUMNS = (
    "account_ref", "debtor_ref", "name", "birth_date", "phones", "emails", "address", "city",
    "region", "postal_code", "country", "currency", "principal", "interest", "fees",
    "original_amount", "opened_on", "due_on", "last_payment_on", "last_payment_amount",
    "product", "jurisdiction", "source",
)  # fmt: skip

PAYMENT_COLUMNS = ("account_ref", "amount", "currency", "paid_on", "reference", "method", "kind")

PRODUCTS = (
    Product(
        "utility", 0.7, 600, 0.8, late_fee_rate=0.02, late_fee_cycles=3,
        paid_down=(0.7, 1.0), tenure=(180, 3650),
    ),
    Product(
        "telecom", 0.3, 250, 0.7, late_fee_rate=0.03, late_fee_cycles=2,
        paid_down=(0.8, 1.0), tenure=(60, 1460),
    ),
)  # fmt: skip


def _payment_ref(seq: int, payment: Payment) -> str:
    return f"AEP{seq:08d}"


SPEC = ConsumerSpec(
    client=CLIENT,
    products=PRODUCTS,
    ageing=FIRST_PARTY,
    sources=(("creditor", 0.95), ("bureau", 0.05)),
    payments=PaymentPlan(methods=(("card", 0.45), ("bank_transfer", 0.4), ("cash", 0.15))),
    account_ref=lambda seq, product, opened: f"AE{seq:08d}",
    debtor_ref=lambda n: f"AEC{n:07d}",
    payment_ref=_payment_ref,
    account_defects=("unparseable_date", "invalid_phone", "negative_principal", "missing_name"),
    payment_defects=("negative_amount", "unparseable_paid_on", "missing_reference"),
    account_dates=uk_date,
    payment_dates=uk_date,
    multi_share=0.08,
)


def write(out_dir: Path, *, accounts: int, seed: int, as_of: date) -> list[DemoFile]:
    """Write the accounts and payments workbooks; their manifest entries."""
    portfolio = build_consumers(SPEC, UkPeople(seed, as_of), accounts, seed, as_of)
    account_path = out_dir / "uk-utility-accounts.xlsx"
    payment_path = out_dir / "uk-utility-payments.xlsx"
    account_rows = write_xlsx(
        account_path,
        ACCOUNT_COLUMNS,
        portfolio.accounts,
        sheet="Arrears",
        created=as_of,
        money_format="£#,##0.00",
    )
    payment_rows = write_xlsx(
        payment_path,
        PAYMENT_COLUMNS,
        portfolio.payments,
        sheet="Payments",
        created=as_of,
        money_format="£#,##0.00",
    )
    return [
        DemoFile(
            CLIENT.code, "accounts", account_path, None, account_rows,
            tuple(portfolio.account_defects),
        ),
        DemoFile(
            CLIENT.code, "payments", payment_path, None, payment_rows,
            tuple(portfolio.payment_defects),
        ),
    ]  # fmt: skip
