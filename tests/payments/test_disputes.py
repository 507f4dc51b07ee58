"""Scenarios: a debtor disputes a debt, sends evidence, and the dispute is resolved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from arrears.errors import Conflict, InvalidInput
from arrears.payments.disputes import open_dispute, resolve_dispute
from arrears.payments.documents import DocumentInput, read_document, safe_name
from arrears.store.records import (
    AccountRecord,
    AuditEventRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    InteractionRecord,
    TaskRecord,
)
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% a statement\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def seed(uow_factory: Callable[[], UnitOfWork], *, jurisdiction: str = "CN",
         status: str = "active") -> int:  # fmt: skip
    """One client, one debtor with a mobile, an e-mail and an address, one account."""
    with uow_factory() as uow:
        s = uow.session
        client = ClientRecord(code="c1", name="Acme Lending", jurisdiction=jurisdiction,
                              currency="USD", settings={}, created_at=AT)  # fmt: skip
        s.add(client)
        s.flush()
        debtor = DebtorRecord(client_id=client.id, debtor_ref="D1", name="Alex Doe",
                              name_key="alex doe", language="en-US", jurisdiction=jurisdiction,
                              time_zones=[], risk_flags=[], created_at=AT,
                              updated_at=AT)  # fmt: skip
        s.add(debtor)
        s.flush()
        for kind, value in (("mobile", "+12025550123"), ("email", "alex@example.com"),
                            ("address", "1 Main St, Springfield, 12345")):  # fmt: skip
            s.add(ContactPointRecord(debtor_id=debtor.id, kind=kind, value=value, time_zones=[],
                                     consents={}, opt_outs=[], first_seen_at=AT,
                                     last_seen_at=AT))  # fmt: skip
        account = AccountRecord(client_id=client.id, account_ref="ACC-0001", debtor_id=debtor.id,
                                currency="USD", principal_minor=100_000, interest_minor=0,
                                fees_minor=0, costs_minor=0, credit_minor=0,
                                due_on=date(2026, 9, 1), status=status, holds=[], arms={},
                                jurisdiction=jurisdiction, created_at=AT,
                                updated_at=AT)  # fmt: skip
        s.add(account)
        s.flush()
        uow.commit()
        return account.id


def dispute(uow_factory, account_id: int, root: Path, **kwargs) -> int:
    with uow_factory() as uow:
        opened = open_dispute(
            uow=uow, account=uow.accounts.get(account_id), reason=kwargs.pop("reason", "not_mine"),
            details=kwargs.pop("details", "I never had this loan"), channel="portal",
            by="portal", at=AT, documents_root=root, **kwargs,
        )  # fmt: skip
        uow.commit()
        return opened.dispute.id


class TestOpeningADispute:
    def test_collection_stops_and_the_evidence_is_kept(self, uow_factory, tmp_path):
        account_id = seed(uow_factory)
        upload = DocumentInput("../../etc/statement.pdf", PDF, "application/pdf")
        dispute_id = dispute(uow_factory, account_id, tmp_path, documents=[upload])
        with uow_factory() as uow:
            account = uow.accounts.get(account_id)
            assert account.status == "disputed"
            assert [h["kind"] for h in account.holds] == ["dispute"]
            (doc,) = uow.disputes.documents(account_id)
            assert doc.filename == "statement.pdf" and doc.dispute_id == dispute_id
            assert doc.content_type == "application/pdf"
            assert read_document(tmp_path, doc) == PDF
            task = uow.session.scalars(select(TaskRecord)).one()
            assert task.kind == "dispute_review" and task.role == "compliance"
            timeline = uow.session.scalars(select(InteractionRecord)).one()
            assert timeline.outcome == "dispute_opened" and timeline.channel == "portal"
            actions = uow.session.scalars(select(AuditEventRecord.action)).all()
            assert "dispute.opened" in actions

    def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_written(
        self, uow_factory, tmp_path
    ):
        account_id = seed(uow_factory)
        fake = DocumentInput("invoice.pdf", b"MZ\x90\x00 an executable", "application/pdf")
        with pytest.raises(InvalidInput, match="PDF, PNG or JPEG"):
            dispute(uow_factory, account_id, tmp_path, documents=[fake])
        with uow_factory() as uow:
            assert uow.accounts.get(account_id).status == "active"
            assert uow.disputes.of_account(account_id) == []

    def test_an_unknown_reason_and_a_second_open_dispute_are_refused(self, uow_factory, tmp_path):
        account_id = seed(uow_factory)
        with pytest.raises(InvalidInput, match="reason"):
            dispute(uow_factory, account_id, tmp_path, reason="because")
        dispute(uow_factory, account_id, tmp_path, documents=[DocumentInput("a.png", PNG)])
        with pytest.raises(Conflict, match="already has an open dispute"):
            dispute(uow_factory, account_id, tmp_path)


class TestResolvingADispute:
    def test_verified_resumes_collection_and_closes_the_review(self, uow_factory, tmp_path):
        # A dispute interrupts a promise; the lifecycle sends a verified debt back to
        # active (disputed -> promised is not a move): the promise is taken again if kept.
        account_id = seed(uow_factory, status="promised")
        dispute_id = dispute(uow_factory, account_id, tmp_path)
        with uow_factory() as uow:
            resolve_dispute(uow=uow, dispute_id=dispute_id, outcome="verified", by="ann", at=AT)
            uow.commit()
        with uow_factory() as uow:
            account = uow.accounts.get(account_id)
            assert account.status == "active" and account.holds == []
            assert uow.session.scalars(select(TaskRecord.status)).one() == "done"

    def test_upheld_writes_the_account_off(self, uow_factory, tmp_path):
        account_id = seed(uow_factory)
        dispute_id = dispute(uow_factory, account_id, tmp_path)
        with uow_factory() as uow:
            resolve_dispute(uow=uow, dispute_id=dispute_id, outcome="upheld", by="ann", at=AT,
                            note="identity theft confirmed")  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account_id).status == "written_off"

    def test_a_us_debt_is_verified_only_after_the_verification_was_sent(
        self, uow_factory, tmp_path
    ):
        account_id = seed(uow_factory, jurisdiction="US-NY")
        dispute_id = dispute(uow_factory, account_id, tmp_path)
        with uow_factory() as uow, pytest.raises(InvalidInput, match=r"1006\.38"):
            resolve_dispute(uow=uow, dispute_id=dispute_id, outcome="verified", by="ann", at=AT)
        with uow_factory() as uow:
            resolve_dispute(uow=uow, dispute_id=dispute_id, outcome="verified", by="ann", at=AT,
                            verification_sent_on=date(2026, 11, 19))  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account_id).status == "active"
            with pytest.raises(Conflict):
                resolve_dispute(uow=uow, dispute_id=dispute_id, outcome="withdrawn", by="a", at=AT)


class TestDocumentNames:
    @pytest.mark.parametrize(
        ("given", "kept"),
        [("C:\\Users\\me\\bank.pdf", "bank.pdf"), ("a<b>.png", "ab.png"), ("..", "document"),
         ("收据.pdf", "收据.pdf")],
    )  # fmt: skip
    def test_names_lose_paths_and_unsafe_characters(self, given: str, kept: str):
        assert safe_name(given) == kept
