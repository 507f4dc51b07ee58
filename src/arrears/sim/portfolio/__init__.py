"""Synthetic demo portfolios: realistic, reproducible, deliberately imperfect.

:func:`generate_demo` writes the import files of four fictional creditors, as
each would really send them, and a ``manifest.json`` telling the loader what to
import in which order (``arrears import <kind> <path> --client <code>
[--mapping <preset>]``):

* ``cn-consumer`` -- Chinese consumer loans and cards, 45 % of the accounts:
  GB18030 CSV with Chinese headers, mapping presets ``cn-lender`` / ``cn-payments``;
* ``us-agency`` -- US third-party agency debts, 30 %: UTF-8 CSV, canonical headers;
* ``uk-utility`` -- UK energy and telecom arrears, 10 %: XLSX, canonical headers;
* ``b2b-receivables`` -- Chinese B2B open invoices, 15 %: Parquet, one row per invoice.

Realism, and where each choice is made:

* balances are log-normal per product around its median (¥8,000 personal
  loans, ¥12,000 cards, $900 medical, $3,500 cards, £600 energy, ¥60,000
  invoices with a long tail) -- :mod:`.book` and the client modules;
* ageing: a creditor's own book is 55 % 1-30 days past due, 15 % 31-60, 8 %
  61-90, 12 % 91-180, 10 % 181-900 (exponential tail), with 7 % not yet due for
  pre-due reminders; an agency's placed book is older (47 % beyond 180 days,
  charged off at 180, none pre-due). Overall about 5 % are not yet due;
* interest and fees grow with balance and age within caps; ``original_amount``
  >= principal; ``opened_on`` a product tenure before ``due_on``;
* about 10 % of Chinese and US debtors hold 2-3 accounts (same ``debtor_ref``,
  name, id, phones); a few of those second accounts come from ``skip_trace``
  with a contradicting birth date, phone, address or e-mail (conflicts);
* about 35 % of accounts paid 1-4 times in the last 180 days (never more than
  45 % of the principal), 40 % carry a last payment;
* about 0.3 % of the rows of every file are deliberately bad (:mod:`.defects`),
  and the manifest names them;
* people: valid resident ids, mobiles from real operator prefixes, US
  ``555-01xx`` and UK Ofcom drama numbers, e-mails on example.* only (:mod:`.people`).

Amounts are integers in minor units from sampling to writing. The same seed
gives byte-identical files.

:func:`canonical_accounts_frame` is the fast, vectorised cousin for benchmarks:
a polars frame of canonical rows, a million in a few seconds.
"""

from arrears.sim.portfolio.bench import canonical_accounts_frame, write_canonical_csv
from arrears.sim.portfolio.demo import generate_demo
from arrears.sim.portfolio.model import Defect, DemoClient, DemoFile, DemoManifest

__all__ = [
    "Defect",
    "DemoClient",
    "DemoFile",
    "DemoManifest",
    "canonical_accounts_frame",
    "generate_demo",
    "write_canonical_csv",
]
