"""A payment receipt is a real PDF in the debtor's language, with the account masked."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from arrears.channels.letters.receipt import Receipt, receipt_html, receipt_pdf

RECEIPT = Receipt(
    reference="PAY-2026-0042", creditor="Acme Lending", account_ref="ACC-1234567",
    paid_on=date(2026, 11, 20), amount_minor=12_345, currency="USD",
    allocation={"fees": 2_345, "principal": 10_000}, remaining_minor=90_000,
    issued_on=date(2026, 11, 21), locale="en-US", method="card",
)  # fmt: skip


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class TestReceipt:
    def test_the_pdf_states_the_payment_and_what_remains(self):
        text = text_of(receipt_pdf(RECEIPT))
        for expected in ("Payment receipt", "PAY-2026-0042", "$123.45", "$23.45", "$900.00",
                         "November 20, 2026"):  # fmt: skip
            assert expected in text
        assert "1234567" not in text and "4567" in text

    def test_the_same_receipt_gives_the_same_bytes(self):
        assert receipt_pdf(RECEIPT) == receipt_pdf(RECEIPT)

    @pytest.mark.parametrize(
        ("locale", "title"), [("zh-CN", "还款凭证"), ("en-US", "Payment receipt")]
    )
    def test_labels_follow_the_debtor_language(self, locale: str, title: str):
        page = receipt_html(Receipt(**{**RECEIPT.__dict__, "locale": locale}))
        assert title in page and f'lang="{locale}"' in page

    def test_names_are_escaped(self):
        page = receipt_html(Receipt(**{**RECEIPT.__dict__, "creditor": "<script>x</script>"}))
        assert "<script>" not in page


@pytest.mark.db
def test_the_facts_come_from_the_account_and_its_payment(uow_factory):
    from arrears.payments.receipts import receipt_facts
    from arrears.payments.service import PaymentInput, record_payment
    from tests.payments.test_disputes import AT, seed

    account_id = seed(uow_factory)
    with uow_factory() as uow:
        account = uow.accounts.get(account_id)
        payment = record_payment(
            uow=uow,
            account=account,
            actor="t",
            at=AT,
            payment=PaymentInput(
                reference="P1",
                amount_minor=25_000,
                currency="USD",
                paid_on=AT.date(),
                method="card",
            ),
        )
        facts = receipt_facts(uow, account, payment, "en-US", AT.date())
    assert facts["creditor"] == "Acme Lending" and facts["remaining_minor"] == 75_000
    assert facts["allocation"]["principal"] == 25_000
    assert b"%PDF" in receipt_pdf(Receipt(**facts))[:8]
