"""``b2b-receivables``: a Chinese industrial supplier's open invoices (应收账款).

Eastbridge Industrial Supply sells to Chinese companies on net-30 (60 %) or
net-60 (40 %) terms and exports its open receivables from the ERP as Parquet
with the canonical headers: ONE ROW PER OPEN INVOICE, 1-8 per customer account
(``account_ref``), ``principal`` the invoice's open amount (log-normal, median
¥60,000, long tail), ``original_amount`` its full amount (a fifth are part-paid),
``due_on`` its due date = ``invoice_date`` + terms. A customer's invoices are
monthly, so the oldest due date (the account's days past due) is the minimum and
later invoices may not be due yet. 30 % of the contracts charge late interest
of 万分之五 a day (18.25 % a year) on overdue invoices. Account-level columns
(name, contacts, ``opened_on`` = customer since, last payment) repeat on every
row of the account. Debtors are companies (``debtor_kind`` = company, no
national id), contacts an accounts-payable landline, often a mobile, and an
e-mail, all jurisdiction CN, currency CNY. Receipts (bank transfer, now and
then a cheque) are in a Parquet payments file, credited to the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from arrears.sim.portfolio.book import (
    FIRST_PARTY,
    NAT,
    Book,
    Product,
    charges,
    day,
    older_last_payments,
    sample_balances,
    sample_dpd,
    to_dates,
)
from arrears.sim.portfolio.consumer import OLDER_LAST_PAYMENT_SHARE, Portfolio, person_cells
from arrears.sim.portfolio.defects import pick_rows, spoil
from arrears.sim.portfolio.formats import Row, iso_date
from arrears.sim.portfolio.model import DemoClient, DemoFile
from arrears.sim.portfolio.payments import (
    Payment,
    PaymentPlan,
    payment_rows,
    record_last_payments,
    sample_payments,
)
from arrears.sim.portfolio.people import CnPeople, Person
from arrears.sim.portfolio.writers import write_parquet

CLIENT = DemoClient(
    code="b2b-receivables",
    name="Eastbridge Industrial Supply",
    name_zh="东桥工业供应有限公司",
    jurisdiction="CN",
    currency="CNY",
    locale="zh-CN",
)

ACCOUNT_COLUMNS = (
    "account_ref", "debtor_ref", "debtor_kind", "name", "phones", "emails", "address", "city",
    "region", "postal_code", "country", "currency", "principal", "interest", "fees",
    "original_amount", "opened_on", "due_on", "last_payment_on", "last_payment_amount",
    "product", "jurisdiction", "source", "invoice_no", "invoice_date",
)  # fmt: skip

PAYMENT_COLUMNS = ("account_ref", "amount", "currency", "paid_on", "reference", "method", "kind")

INVOICE = Product("invoice", 1.0, 60_000, 1.2, apr=0.1825, accrual_days=360)
INVOICES_PER_ACCOUNT = (0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05, 0.05)  # 1..8
PLAN = PaymentPlan(methods=(("bank_transfer", 0.92), ("check", 0.08)), round_share=0.3)
DEFECTS = ("missing_due_date", "negative_principal", "missing_name", "invalid_phone")
PAYMENT_DEFECTS = ("negative_amount", "missing_reference")


@dataclass
class Invoices:
    """Open invoices, one array entry each, ordered by account then date."""

    account: npt.NDArray[np.int64]
    due_on: npt.NDArray[np.datetime64]
    invoice_date: npt.NDArray[np.datetime64]
    principal: npt.NDArray[np.int64]
    interest: npt.NDArray[np.int64]
    original: npt.NDArray[np.int64]


def _invoices(rng: np.random.Generator, n: int, as_of: date) -> Invoices:
    """Monthly invoices per account, from the oldest unpaid one until today."""
    wanted = rng.choice(np.arange(1, 9), size=n, p=INVOICES_PER_ACCOUNT)
    terms = np.where(rng.random(n) < 0.6, 30, 60)
    oldest_due = day(as_of) - sample_dpd(rng, n, FIRST_PARTY).astype("timedelta64[D]")
    accounts, dues, dated = [], [], []
    for a in range(n):
        due = oldest_due[a]
        for j in range(int(wanted[a])):
            if j and due - np.timedelta64(int(terms[a]), "D") > day(as_of):
                break
            accounts.append(a)
            dues.append(due)
            dated.append(due - np.timedelta64(int(terms[a]), "D"))
            due = due + np.timedelta64(30 + int(rng.integers(0, 5)), "D")
    account = np.array(accounts, dtype=np.int64)
    due_on = np.array(dues, dtype="datetime64[D]")
    principal = sample_balances(
        rng, np.full(len(account), INVOICE.median), np.full(len(account), INVOICE.sigma)
    )
    dpd = (day(as_of) - due_on).astype(np.int64)
    interest, _ = charges(principal, dpd, (INVOICE,), np.zeros(len(account), dtype=np.int64))
    interest[~(rng.random(n) < 0.3)[account]] = 0
    part_paid = rng.random(len(account)) < 0.2
    original = np.where(
        part_paid, np.ceil(principal / rng.uniform(0.2, 0.9, len(account))), principal
    ).astype(np.int64)
    return Invoices(
        account, due_on, np.array(dated, dtype="datetime64[D]"), principal, interest, original
    )


def _account_book(rng: np.random.Generator, inv: Invoices, n: int) -> Book:
    """Account-level totals, enough to draw payments and last payments."""
    principal = np.bincount(inv.account, weights=inv.principal, minlength=n).astype(np.int64)
    first = np.r_[0, np.flatnonzero(np.diff(inv.account)) + 1]
    since = inv.invoice_date[first] - rng.integers(30, 2500, size=n).astype("timedelta64[D]")
    zeros = np.zeros(n, dtype=np.int64)
    return Book(
        product=["invoice"] * n,
        principal=principal,
        interest=zeros.copy(),
        fees=zeros.copy(),
        costs=zeros.copy(),
        original=principal.copy(),
        dpd=zeros.copy(),
        opened_on=since,
        due_on=inv.due_on[first],
        charged_off_on=np.full(n, NAT),
        last_payment_on=np.full(n, NAT),
        last_payment_amount=zeros.copy(),
    )


def _rows(inv: Invoices, book: Book, companies: list[Person], sources: list[str]) -> list[Row]:
    opened, paid = to_dates(book.opened_on), to_dates(book.last_payment_on)
    account_cells = []
    for a, company in enumerate(companies):
        cells = person_cells(company, separator="|")
        cells.update(
            account_ref=_account_ref(a),
            debtor_ref=f"EB-D{a + 1:05d}",
            currency=CLIENT.currency,
            opened_on=opened[a],
            last_payment_on=paid[a],
            last_payment_amount=int(book.last_payment_amount[a]) if paid[a] else None,
            product="invoice",
            source=sources[a],
        )
        account_cells.append(cells)
    due, dated = to_dates(inv.due_on), to_dates(inv.invoice_date)
    rows = []
    for i, a in enumerate(inv.account):
        issued = dated[i] or date.min
        row = dict(account_cells[int(a)])
        row.update(
            principal=int(inv.principal[i]),
            interest=int(inv.interest[i]),
            fees=0,
            original_amount=int(inv.original[i]),
            due_on=due[i],
            invoice_date=issued,
            invoice_no=f"EB{issued:%Y%m}{i + 1:06d}",
        )
        rows.append(row)
    return rows


def _account_ref(a: int) -> str:
    return f"EB-C{a + 1:05d}"


def _payment_ref(seq: int, payment: Payment) -> str:
    return f"EB-RCPT-{seq:07d}"


def build(accounts: int, seed: int, as_of: date) -> Portfolio:
    """Invoice rows and receipts of ``accounts`` customer accounts."""
    rng = np.random.default_rng([seed, 41])
    people = CnPeople(seed, as_of)
    companies = [people.company(a + 1) for a in range(accounts)]
    inv = _invoices(rng, accounts, as_of)
    book = _account_book(rng, inv, accounts)
    # bad rows only on single-invoice accounts, which then receive no payments
    single = np.bincount(inv.account, minlength=accounts)[inv.account] == 1
    bad = pick_rows(rng, single)
    eligible = np.ones(accounts, dtype=bool)
    eligible[inv.account[bad]] = False
    payments = sample_payments(rng, book, eligible, as_of, PLAN)
    record_last_payments(book, payments)
    older_last_payments(rng, book, np.isnat(book.last_payment_on), OLDER_LAST_PAYMENT_SHARE, as_of)
    sources = ["bureau" if rng.random() < 0.1 else "creditor" for _ in range(accounts)]
    rows = _rows(inv, book, companies, sources)
    defects = spoil(rows, bad, DEFECTS, iso_date)
    pay_rows, pay_defects = payment_rows(
        rng,
        payments,
        reference=_payment_ref,
        account_refs=[_account_ref(a) for a in range(accounts)],
        currency=CLIENT.currency,
        defects=PAYMENT_DEFECTS,
        dates=iso_date,
    )
    return Portfolio(rows, pay_rows, defects, pay_defects)


def write(out_dir: Path, *, accounts: int, seed: int, as_of: date) -> list[DemoFile]:
    """Write the invoices and receipts files; their manifest entries."""
    portfolio = build(accounts, seed, as_of)
    account_path = out_dir / "b2b-receivables-invoices.parquet"
    payment_path = out_dir / "b2b-receivables-payments.parquet"
    account_rows = write_parquet(account_path, ACCOUNT_COLUMNS, portfolio.accounts)
    payment_rows_ = write_parquet(payment_path, PAYMENT_COLUMNS, portfolio.payments)
    return [
        DemoFile(
            CLIENT.code, "accounts", account_path, None, account_rows,
            tuple(portfolio.account_defects),
        ),
        DemoFile(
            CLIENT.code, "payments", payment_path, None, payment_rows_,
            tuple(portfolio.payment_defects),
        ),
    ]  # fmt: skip
