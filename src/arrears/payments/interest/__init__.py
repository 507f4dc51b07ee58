"""Interest and late fees on accounts in collection (issue 5 §4).

* :mod:`.config` — the law per jurisdiction and the clients' contract terms,
  YAML under ``config/interest/`` validated with file, line and field.
* :mod:`.frames` — the accrual arithmetic over Polars frames; every rule it
  applies is the one in :mod:`arrears.core.interest`.
* :mod:`.service` — :func:`accrue` (the run: ledger lines, positions, balances,
  one audit event; never commits) and :func:`account_ledger`.
"""

from arrears.payments.interest.config import InterestConfig, load_interest_config
from arrears.payments.interest.service import AccrualSummary, account_ledger, accrue

__all__ = ["AccrualSummary", "InterestConfig", "account_ledger", "accrue", "load_interest_config"]
