"""A payment reference is unique per client: a second insert is a conflict, not a crash."""

from __future__ import annotations

from datetime import date

import pytest
from tests.payments.test_disputes import AT, seed

from arrears.errors import Conflict

pytestmark = pytest.mark.db


def test_a_reference_recorded_meanwhile_is_a_conflict(uow_factory):
    account_id = seed(uow_factory)

    def add(uow) -> None:
        account = uow.accounts.get(account_id)
        uow.payments.add(client_id=account.client_id, account_id=account_id, reference="P1",
                         kind="payment", amount_minor=100, currency="USD",
                         paid_on=date(2026, 11, 20), allocation={}, created_at=AT)  # fmt: skip

    with uow_factory() as uow:
        add(uow)
        uow.commit()
    # What a second process that checked before the first committed would do next:
    with uow_factory() as uow, pytest.raises(Conflict, match="retry"):
        add(uow)
