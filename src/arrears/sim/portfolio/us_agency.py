"""``us-agency``: a third-party collection agency's placed consumer debts.

Liberty Recovery Partners collects for hospitals, card issuers, carriers and
auto lenders, so its book is older than a lender's (most accounts 91+ days,
many charged off at 180 days past due, a few beyond the statute of
limitations). Debtors live in twelve states (jurisdiction ``US-XX``). The file
is UTF-8 CSV with the canonical headers (no mapping), amounts ``$1,234.56`` and
dates ``MM/DD/YYYY`` (month first, the default). Products: credit cards (median
$3,500, 24.9 % APR and $35-ish late fees until charge-off), medical bills
(median $900, no interest), telecom (median $350, early-termination and late
fees) and auto deficiencies (median $7,500, 8 % interest, repossession costs).
Payments (card, ACH, check) come in a canonical CSV with ISO dates; about 3 %
bounce and are followed by a reversal naming the payment in ``reverses``.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import numpy as np

from arrears.sim.portfolio.book import PLACED, Book, Product
from arrears.sim.portfolio.consumer import ConsumerSpec, build_consumers
from arrears.sim.portfolio.formats import amount_text, iso_date, row_texts, us_date
from arrears.sim.portfolio.model import DemoClient, DemoFile
from arrears.sim.portfolio.payments import Payment, PaymentPlan
from arrears.sim.portfolio.people import UsPeople
from arrears.sim.portfolio.writers import write_csv

CLIENT = DemoClient(
    code="us-agency",
    name="Liberty Recovery Partners",
    name_zh="自由追收合伙公司",
    jurisdiction="US",
    currency="USD",
    locale="en-US",
)

ACCOUNT_COLUMNS = (
    "account_ref", "debtor_ref", "name", "birth_date", "phones", "emails", "address", "city",
    "region", "postal_code", "country", "language", "currency", "principal", "interest", "fees",
    "costs", "original_amount", "opened_on", "due_on", "charged_off_on", "last_payment_on",
    "last_payment_amount", "product", "jurisdiction", "source",
)  # fmt: skip

PAYMENT_COLUMNS = (
    "account_ref", "amount", "currency", "paid_on", "reference", "method", "kind", "reverses",
)  # fmt: skip

PRODUCTS = (
    Product(
        "credit_card", 0.40, 3_500, 0.9, apr=0.249, accrual_days=180, late_fee_rate=0.01,
        late_fee_cycles=6, paid_down=(0.6, 1.0), tenure=(180, 3650),
    ),
    Product("medical", 0.30, 900, 1.0, paid_down=(0.4, 1.0), tenure=(35, 120)),
    Product(
        "telecom", 0.20, 350, 0.7, late_fee_rate=0.03, late_fee_cycles=3,
        paid_down=(0.8, 1.0), tenure=(60, 1460),
    ),
    Product(
        "auto_deficiency", 0.10, 7_500, 0.6, apr=0.08, accrual_days=720,
        paid_down=(0.9, 1.0), tenure=(365, 2190),
    ),
)  # fmt: skip


def _costs(rng: np.random.Generator, book: Book) -> None:
    """Repossession and sale costs on auto deficiencies; court costs on a few old accounts."""
    auto = np.array([p == "auto_deficiency" for p in book.product], dtype=bool)
    share = rng.uniform(0.05, 0.15, size=len(book))
    book.costs[auto] = np.rint(book.principal[auto] * share[auto]).astype(np.int64)
    court = ~auto & (book.dpd > 540) & (rng.random(len(book)) < 0.05)
    book.costs[court] = rng.integers(150, 401, size=int(court.sum())) * 100


def _payment_ref(seq: int, payment: Payment) -> str:
    return f"LRP-P{seq:08d}"


SPEC = ConsumerSpec(
    client=CLIENT,
    products=PRODUCTS,
    ageing=PLACED,
    sources=(("creditor", 0.72), ("bureau", 0.2), ("skip_trace", 0.08)),
    payments=PaymentPlan(
        methods=(("card", 0.5), ("bank_transfer", 0.35), ("check", 0.15)), reversal_share=0.03
    ),
    account_ref=lambda seq, product, opened: f"LRP{seq:08d}",
    debtor_ref=lambda n: f"LRP-D{n:07d}",
    payment_ref=_payment_ref,
    account_defects=("unparseable_date", "invalid_phone", "negative_principal", "missing_name"),
    payment_defects=("negative_amount", "unparseable_paid_on", "missing_reference"),
    account_dates=us_date,
    payment_dates=iso_date,
    multi_share=0.10,
    conflict_fields=("birth_date", "address", "phones"),
    charge_off_after=180,
    adjust=_costs,
)


def write(out_dir: Path, *, accounts: int, seed: int, as_of: date) -> list[DemoFile]:
    """Write the accounts and payments files; their manifest entries."""
    portfolio = build_consumers(SPEC, UsPeople(seed, as_of), accounts, seed, as_of)
    account_path = out_dir / "us-agency-accounts.csv"
    payment_path = out_dir / "us-agency-payments.csv"
    dollars = partial(amount_text, symbol="$")
    account_rows = write_csv(
        account_path,
        ACCOUNT_COLUMNS,
        (row_texts(r, ACCOUNT_COLUMNS, us_date, dollars) for r in portfolio.accounts),
    )
    plain = partial(amount_text, grouping=False)
    payment_rows = write_csv(
        payment_path,
        PAYMENT_COLUMNS,
        (row_texts(r, PAYMENT_COLUMNS, iso_date, plain) for r in portfolio.payments),
    )
    return [
        DemoFile(
            CLIENT.code, "accounts", account_path, None, account_rows,
            tuple(portfolio.account_defects), tuple(portfolio.conflicts),
        ),
        DemoFile(
            CLIENT.code, "payments", payment_path, None, payment_rows,
            tuple(portfolio.payment_defects),
        ),
    ]  # fmt: skip
