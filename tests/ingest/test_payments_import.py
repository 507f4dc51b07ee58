"""Importing payments: the waterfall, references, reversals, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.ingest.helpers import ACCOUNT_HEADERS, account, add_client, counts, do_import, write_csv

from arrears.kit.crypto import FieldCipher
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db

PAY_HEADERS = [
    "account_ref",
    "amount",
    "currency",
    "paid_on",
    "reference",
    "method",
    "kind",
    "reverses",
]


@pytest.fixture
def env(
    uow_factory: Callable[[], UnitOfWork],
    cipher: FieldCipher,
    clock: Callable[[], datetime],
    tmp_path: Path,
) -> dict[str, object]:
    add_client(uow_factory, clock)
    env = {"uow_factory": uow_factory, "cipher": cipher, "clock": clock}
    # A1 owes 1,234.56 principal + 10.00 interest + 5.00 fees = 1,249.56
    do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1"), account("A2")]), **env)
    return env


def balance(engine: Engine, ref: str) -> tuple[int, ...]:
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT principal_minor, interest_minor, fees_minor, costs_minor, credit_minor"
                " FROM accounts WHERE account_ref = :r"
            ),
            {"r": ref},
        ).one()
    return tuple(row)


def status(engine: Engine, ref: str) -> str:
    with engine.connect() as connection:
        return str(
            connection.execute(
                text("SELECT status FROM accounts WHERE account_ref = :r"), {"r": ref}
            ).scalar()
        )


def pay(
    ref: str,
    amount: str,
    reference: str,
    kind: str = "payment",
    reverses: str = "",
    currency: str = "USD",
) -> list[str]:
    return [ref, amount, currency, "2026-11-01", reference, "card", kind, reverses]


class TestPaymentImport:
    def test_a_partial_payment_goes_fees_then_interest_then_principal(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(tmp_path / "p.csv", PAY_HEADERS, [pay("A1", "20.00", "P1")])
        assert counts(do_import(path, kind="payments", **env)) == (1, 0, 0, 0)
        assert balance(engine, "A1") == (123456 - 500, 0, 0, 0, 0)

    def test_re_importing_the_same_payments_changes_nothing(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(tmp_path / "p.csv", PAY_HEADERS, [pay("A1", "20.00", "P1")])
        do_import(path, kind="payments", **env)
        assert counts(do_import(path, kind="payments", **env)) == (0, 0, 1, 0)
        assert balance(engine, "A1") == (123456 - 500, 0, 0, 0, 0)

    def test_paying_everything_and_more_marks_the_account_paid_with_a_credit(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(tmp_path / "p.csv", PAY_HEADERS, [pay("A1", "1,300.00", "P1")])
        do_import(path, kind="payments", **env)
        assert balance(engine, "A1") == (0, 0, 0, 0, 130000 - 124956)
        assert status(engine, "A1") == "paid"
        # The credit is the debtor's money: one refund task, also when the file comes again.
        do_import(path, kind="payments", **env)
        with engine.connect() as connection:
            tasks = connection.execute(text("SELECT kind, role FROM tasks")).all()
        assert [tuple(t) for t in tasks] == [("refund", "supervisor")]

    def test_a_reversal_restores_the_balance_and_reopens_the_account(
        self, tmp_path: Path, env, engine: Engine
    ):
        do_import(
            write_csv(tmp_path / "p.csv", PAY_HEADERS, [pay("A1", "1,249.56", "P1")]),
            kind="payments",
            **env,
        )
        assert status(engine, "A1") == "paid"
        path = write_csv(
            tmp_path / "r.csv",
            PAY_HEADERS,
            [pay("A1", "1,249.56", "R1", kind="reversal", reverses="P1")],
        )
        assert counts(do_import(path, kind="payments", **env)) == (1, 0, 0, 0)
        assert balance(engine, "A1") == (123456, 1000, 500, 0, 0)
        assert status(engine, "A1") == "active"
        # Re-aged: the reversed payment is no longer the account's last payment.
        with engine.connect() as connection:
            last = connection.execute(
                text(
                    "SELECT last_payment_on, last_payment_minor FROM accounts"
                    " WHERE account_ref = 'A1'"
                )
            ).one()
        assert tuple(last) == (None, None)

    def test_a_reversal_without_a_reference_takes_the_latest_payment_of_that_amount(
        self, tmp_path: Path, env, engine: Engine
    ):
        do_import(
            write_csv(tmp_path / "p.csv", PAY_HEADERS, [pay("A1", "20.00", "P1")]),
            kind="payments",
            **env,
        )
        do_import(
            write_csv(tmp_path / "r.csv", PAY_HEADERS, [pay("A1", "20.00", "R1", kind="reversal")]),
            kind="payments",
            **env,
        )
        assert balance(engine, "A1") == (123456, 1000, 500, 0, 0)

    def test_bad_payments_are_rejected_with_their_reason(self, tmp_path: Path, env, engine: Engine):
        path = write_csv(
            tmp_path / "p.csv",
            PAY_HEADERS,
            [
                pay("NOPE", "1.00", "P1"),
                pay("A1", "1.00", "P2", currency="CNY"),
                pay("A1", "-1.00", "P3"),
                pay("A1", "5.00", "P4", kind="reversal", reverses="P999"),
                pay("A1", "1.00", "P5"),
                pay("A1", "2.00", "P5"),
            ],
        )
        summary = do_import(path, kind="payments", **env)
        assert counts(summary) == (1, 0, 0, 5)
        assert summary.reject_file is not None
        text_ = summary.reject_file.read_text(encoding="utf-8-sig")
        for reason in (
            "no such account",
            "the account is in USD",
            "reverses",
            "already recorded with other values",
        ):
            assert reason in text_
        assert balance(engine, "A1")[2] == 400

    def test_every_payment_is_audited_with_balances_before_and_after(
        self, tmp_path: Path, env, engine: Engine
    ):
        do_import(
            write_csv(tmp_path / "p.csv", PAY_HEADERS, [pay("A1", "20.00", "P1")]),
            kind="payments",
            **env,
        )
        with engine.connect() as connection:
            before, after = connection.execute(
                text("SELECT before, after FROM audit_events WHERE action = 'payment.recorded'")
            ).one()
        assert "500" in str(before) and "P1" in str(after)
