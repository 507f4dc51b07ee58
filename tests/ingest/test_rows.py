"""Row validation: canonical rows become normalised records, or every problem they have."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arrears.ingest.mapping import Formats, Mapping, load_mapping, plan_headers
from arrears.ingest.readers import open_table
from arrears.ingest.rows import (
    AccountRow,
    ContactValue,
    PaymentRow,
    Rejection,
    raw_row_hash,
    validate_account,
    validate_batch,
    validate_payment,
)

from .conftest import WriteText

CN_ID = "11010519491231002X"  # the worked example of GB 11643-1999
FORMATS = Formats()


def account(**values: str | None) -> dict[str, str | None]:
    """A valid Chinese account row, changed by ``values``."""
    row: dict[str, str | None] = {
        "account_ref": "C-001",
        "name": "张三",
        "currency": "CNY",
        "principal": "1,234.56",
        "due_on": "2026-03-05",
        "country": "CN",
    }
    row.update(values)
    return row


def accepted(canonical: dict[str, str | None], formats: Formats = FORMATS) -> AccountRow:
    result = validate_account(7, canonical, formats)
    assert isinstance(result, AccountRow), result
    return result


def rejected(canonical: dict[str, str | None], formats: Formats = FORMATS) -> dict[str, str]:
    """field -> reason of each rejection of an account row."""
    result = validate_account(7, canonical, formats)
    assert isinstance(result, list), result
    assert all(r.row == 7 for r in result)
    return {r.field: r.reason for r in result}


class TestValidateAccount:
    def test_a_minimal_row_is_accepted_with_defaults(self) -> None:
        row = accepted(account())
        assert (row.row, row.account_ref, row.name, row.name_key) == (7, "C-001", "张三", "张三")
        assert (row.currency, row.principal, row.interest, row.fees, row.costs) == (
            "CNY",
            123456,
            0,
            0,
            0,
        )
        assert row.due_on == date(2026, 3, 5)
        assert (row.debtor_kind, row.language, row.jurisdiction) == ("person", "zh-CN", "CN")
        assert row.time_zones == ("Asia/Shanghai",)
        assert row.contacts == ()
        assert row.row_hash == raw_row_hash(account(), FORMATS)

    def test_a_full_row_is_normalised(self) -> None:
        row = accepted(
            account(
                debtor_ref=" D-9 ",
                name="  Ｚｈａｎｇ   San ",
                national_id="110105 19491231 002x",
                phones="138 0013 8000; +86 10 6552 9988",
                emails="San@Example.COM",
                address="广东省 深圳市\n南山区 1号",
                city="深圳",
                region="广东省",
                postal_code="518000",
                interest="¥12.30",
                fees="１０",
                costs="0",
                original_amount="5000",
                opened_on="2024年1月2日",
                charged_off_on="20250101",
                last_payment_on="2025/12/1",
                last_payment_amount="100",
                product="personal_loan",
                source="creditor",
                language="zh_cn",
            )
        )
        assert (row.debtor_ref, row.name, row.name_key) == ("D-9", "Zhang San", "zhangsan")
        assert (row.national_id, row.birth_date) == (CN_ID, date(1949, 12, 31))
        assert (row.interest, row.fees, row.costs, row.original_amount) == (1230, 1000, 0, 500000)
        assert (row.opened_on, row.charged_off_on) == (date(2024, 1, 2), date(2025, 1, 1))
        assert (row.last_payment_on, row.last_payment_amount) == (date(2025, 12, 1), 10000)
        assert (row.region, row.city, row.postal_code, row.language) == (
            "GD",
            "深圳",
            "518000",
            "zh-CN",
        )
        assert [(c.kind, c.value) for c in row.contacts] == [
            ("mobile", "+8613800138000"),
            ("landline", "+861065529988"),
            ("email", "San@example.com"),
            ("address", "广东省 深圳市 南山区 1号"),
        ]
        assert row.contacts[0] == ContactValue(
            "mobile", "+8613800138000", "mobile", "CN", ("Asia/Shanghai",), "138 0013 8000"
        )

    def test_every_problem_of_a_row_is_reported_not_only_the_first(self) -> None:
        problems = rejected(
            account(name=None, principal="-1", due_on="2026-02-30", emails="x@", country="Narnia")
        )
        assert set(problems) == {"name", "principal", "due_on", "emails", "country"}
        assert problems["name"] == "required value is missing"
        assert problems["principal"] == "must not be negative"

    def test_one_bad_phone_among_several_rejects_the_whole_row(self) -> None:
        result = validate_account(7, account(phones="13800138000|12345|+8613900139000"), FORMATS)
        assert result == [Rejection(7, "phones", "12345", "a local number without its area code")]

    def test_national_numbers_without_a_country_use_the_mappings_default_region(self) -> None:
        canonical = account(country=None, phones="(212) 555-0100")
        assert "phones" in rejected(canonical)
        row = accepted(canonical, Formats(default_region="US"))
        assert row.contacts[0].value == "+12125550100"
        assert row.contacts[0].kind == "phone"  # NANP numbers do not tell mobile from landline

    def test_the_same_contact_written_twice_is_kept_once(self) -> None:
        row = accepted(account(phones="13800138000; +86 138 0013 8000", emails="a@x.com|A@X.COM"))
        assert [c.value for c in row.contacts] == ["+8613800138000", "a@x.com"]

    def test_the_birth_date_comes_from_a_china_id_and_must_agree_with_it(self) -> None:
        assert accepted(account(national_id=CN_ID)).birth_date == date(1949, 12, 31)
        problems = rejected(account(national_id=CN_ID, birth_date="1950-01-01"))
        assert problems == {
            "birth_date": "does not match the birth date in national_id (1949-12-31)"
        }

    def test_a_companys_registration_number_is_not_checked_as_a_resident_id(self) -> None:
        row = accepted(account(debtor_kind="company", national_id="91110000600037341L"))
        assert (row.debtor_kind, row.national_id, row.birth_date) == (
            "company",
            "91110000600037341L",
            None,
        )

    def test_debtor_kind_must_be_person_or_company(self) -> None:
        assert accepted(account(debtor_kind="企业")).debtor_kind == "company"
        assert rejected(account(debtor_kind="robot")) == {
            "debtor_kind": "expected 'person' or 'company'"
        }

    def test_an_explicit_jurisdiction_wins_over_the_place(self) -> None:
        row = accepted(
            account(country="US", region="California", jurisdiction="us-wa", currency="USD")
        )
        assert (row.region, row.jurisdiction, row.language) == ("CA", "US-WA", "en-US")
        assert row.time_zones == ("America/Los_Angeles",)

    def test_the_jurisdiction_defaults_from_country_and_state(self) -> None:
        assert accepted(account(country="United States", region="MA")).jurisdiction == "US-MA"
        assert accepted(account(country="UK", region="Scotland")).jurisdiction == "GB"

    def test_an_unknown_region_of_a_checked_country_is_rejected(self) -> None:
        assert rejected(account(region="Atlantis")) == {
            "region": "unknown region 'Atlantis' for CN"
        }

    def test_a_us_zip_code_stored_as_a_number_gets_its_leading_zero_back(self) -> None:
        assert (
            accepted(account(country="US", region="MA", postal_code="2139")).postal_code == "02139"
        )

    def test_dates_outside_1900_to_2100_are_rejected(self) -> None:
        assert rejected(account(birth_date="1850-01-01")) == {
            "birth_date": "1850-01-01 is outside 1900..2100"
        }

    def test_amounts_are_not_judged_without_a_known_currency(self) -> None:
        problems = rejected(account(currency="XYZ", principal="12.345"))
        assert problems == {"currency": "'XYZ' is not a known ISO 4217 currency code"}

    def test_a_missing_principal_is_reported_even_without_a_currency(self) -> None:
        assert set(rejected(account(currency=None, principal=None))) == {"currency", "principal"}

    def test_whitespace_only_values_count_as_missing(self) -> None:
        assert rejected(account(account_ref="   ")) == {"account_ref": "required value is missing"}


class TestFormatPageNotations:
    @pytest.mark.parametrize(
        ("principal", "currency", "decimal"),
        [
            ("1234.56", "CNY", "."),
            ("1,234.56", "CNY", "."),
            ("¥1,234.56", "CNY", "."),
            ("$1,234.56", "USD", "."),
            ("1 234,56", "EUR", ","),
            ("１２３４．５６", "CNY", "."),
        ],
    )
    def test_amount_notations(self, principal: str, currency: str, decimal: str) -> None:
        formats = Formats(decimal=decimal)  # type: ignore[arg-type]
        assert (
            accepted(account(principal=principal, currency=currency), formats).principal == 123456
        )

    @pytest.mark.parametrize(
        ("due_on", "day_first", "expected"),
        [
            ("2026-03-05", False, date(2026, 3, 5)),
            ("2026/3/5", False, date(2026, 3, 5)),
            ("2026年3月5日", False, date(2026, 3, 5)),
            ("03/05/2026", False, date(2026, 3, 5)),
            ("03/05/2026", True, date(2026, 5, 3)),
            ("46086", False, date(2026, 3, 5)),
        ],
    )
    def test_date_notations(self, due_on: str, day_first: bool, expected: date) -> None:
        assert accepted(account(due_on=due_on), Formats(day_first=day_first)).due_on == expected

    def test_phones_and_emails_separated_by_semicolons_or_bars(self) -> None:
        row = accepted(account(phones="13800138000|13900139000", emails="a@x.com; b@x.com"))
        assert len(row.contacts) == 4

    def test_language_tags(self) -> None:
        assert accepted(account(language="en-US")).language == "en-US"
        assert accepted(account(country="US", region="NY", language=None)).language == "en-US"

    def test_invoice_rows(self) -> None:
        row = accepted(account(invoice_no="INV-7", invoice_date="2026-01-31"))
        assert (row.invoice_no, row.invoice_date) == ("INV-7", date(2026, 1, 31))


def payment(**values: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "account_ref": "C-001",
        "amount": "100.00",
        "currency": "CNY",
        "paid_on": "2026-03-05",
        "reference": "P-1",
    }
    row.update(values)
    return row


class TestValidatePayment:
    def test_a_payment_is_accepted(self) -> None:
        result = validate_payment(3, payment(method="Bank Transfer"), FORMATS)
        assert result == PaymentRow(
            row=3,
            account_ref="C-001",
            amount=10000,
            currency="CNY",
            paid_on=date(2026, 3, 5),
            reference="P-1",
            method="bank_transfer",
            kind="payment",
            reverses=None,
            row_hash=raw_row_hash(payment(method="Bank Transfer"), FORMATS),
        )

    def test_a_reversal_names_the_payment_it_reverses(self) -> None:
        result = validate_payment(
            3, payment(reference="P-2", kind="Reversal", reverses="P-1"), FORMATS
        )
        assert isinstance(result, PaymentRow)
        assert (result.kind, result.reverses, result.amount) == ("reversal", "P-1", 10000)

    @pytest.mark.parametrize(
        ("values", "field", "reason"),
        [
            ({"amount": "0"}, "amount", "must be positive"),
            ({"amount": "-5"}, "amount", "must be positive"),
            ({"amount": "1.005"}, "amount", "3 decimal places; CNY has 2"),
            ({"kind": "refund"}, "kind", "expected 'payment' or 'reversal'"),
            ({"reverses": "P-0"}, "reverses", "only a row of kind 'reversal' reverses a payment"),
            ({"kind": "reversal", "reverses": "P-1"}, "reverses", "cannot reverse itself"),
            ({"reference": None}, "reference", "required value is missing"),
            ({"paid_on": "31/31/2026"}, "paid_on", "month 31 does not exist"),
            ({"currency": "ABC"}, "currency", "not a known ISO 4217"),
        ],
    )
    def test_bad_payments_are_rejected_with_field_and_reason(
        self, values: dict[str, str | None], field: str, reason: str
    ) -> None:
        result = validate_payment(3, payment(**values), FORMATS)
        assert isinstance(result, list)
        assert [(r.field, reason in r.reason) for r in result] == [(field, True)]


class TestRawRowHash:
    def test_the_hash_ignores_column_order(self) -> None:
        assert raw_row_hash({"a": "1", "b": None}) == raw_row_hash({"b": None, "a": "1"})

    def test_the_hash_changes_with_any_value(self) -> None:
        base = raw_row_hash({"a": "1", "b": None})
        assert base != raw_row_hash({"a": "1", "b": ""})
        assert base != raw_row_hash({"a": "1 ", "b": None})
        assert base != raw_row_hash({"a": "1"})

    def test_the_same_text_read_with_other_formats_hashes_differently(self) -> None:
        row = {"principal": "1.234,56"}
        assert raw_row_hash(row, Formats()) != raw_row_hash(row, Formats(decimal=","))

    def test_the_hash_is_a_128_bit_digest_stable_across_releases(self) -> None:
        # Stored hashes decide whether a re-imported row changed: never change the recipe.
        assert raw_row_hash({"a": "1"}) == "1ccef77e5712537eb68c6697a366c1d8"
        canonical = {"account_ref": "A1", "name": "张三", "country": None}
        assert raw_row_hash(canonical) == "2dce0433a9e3edd2f3b5d22beca92932"


BROKEN = """\
account_ref,name,national_id,phones,emails,country,currency,principal,interest,due_on
A01,Good Row,,13800138000,good@example.com,CN,CNY,100.00,,2026-03-05
A02,Bad Amount,,,,CN,CNY,12abc,,2026-03-05
A03,Many Decimals,,,,CN,CNY,12.345,,2026-03-05
A04,Negative,,,,CN,CNY,-5.00,,2026-03-05
A05,Bad Date,,,,CN,CNY,1,,someday
A06,Impossible Date,,,,CN,CNY,1,,2026-02-30
A07,Bad Phone,,12345678901234,,CN,CNY,1,,2026-03-05
A08,Bad Email,,,jo@@example.com,CN,CNY,1,,2026-03-05
A09,Bad Id,110105194912310021,,,CN,CNY,1,,2026-03-05
A10,Bad Currency,,,,CN,XYZ,1,,2026-03-05
A11,Bad Country,,,,Narnia,CNY,1,,2026-03-05
A12,,,,,CN,CNY,1,,2026-03-05
A13,Short Row,,,,CN,CNY,1
A14,Negative Interest,,,,CN,CNY,1,(3.00),2026-03-05
"""


class TestBrokenFile:
    """Every kind of bad value in one CSV file: each row is rejected for its own reason."""

    EXPECTED: ClassVar[dict[int, tuple[str, str | None, str]]] = {
        3: ("principal", "12abc", "not an amount"),
        4: ("principal", "12.345", "3 decimal places; CNY has 2"),
        5: ("principal", "-5.00", "must not be negative"),
        6: ("due_on", "someday", "not a date"),
        7: ("due_on", "2026-02-30", "2026-02-30 does not exist"),
        8: ("phones", "12345678901234", "not a number in use"),
        9: ("emails", "jo@@example.com", "invalid characters"),
        10: ("national_id", "110105194912310021", "check digit does not match"),
        11: ("currency", "XYZ", "not a known ISO 4217 currency code"),
        12: ("country", "Narnia", "unknown country"),
        13: ("name", None, "required value is missing"),
        14: ("(row)", None, "row has 8 cells, header has 10"),
        15: ("interest", "(3.00)", "must not be negative"),
    }

    def results(self, write_text: WriteText) -> dict[int, AccountRow | list[Rejection]]:
        with open_table(write_text("broken.csv", BROKEN)) as reader:
            plan = plan_headers(reader.headers, None, "accounts")
            found: dict[int, AccountRow | list[Rejection]] = {}
            for batch in reader.batches(4):
                results = validate_batch("accounts", plan, batch, reader.row_problems)
                for (number, _), result in zip(batch, results, strict=True):
                    assert not isinstance(result, PaymentRow)
                    found[number] = result
        return found

    def test_the_good_row_is_accepted(self, write_text: WriteText) -> None:
        good = self.results(write_text)[2]
        assert isinstance(good, AccountRow)
        assert (good.account_ref, good.principal) == ("A01", 10000)

    @pytest.mark.parametrize("number", sorted(EXPECTED))
    def test_each_bad_row_names_its_field_value_and_reason(
        self, write_text: WriteText, number: int
    ) -> None:
        result = self.results(write_text)[number]
        assert isinstance(result, list)
        assert len(result) == 1
        field, value, reason = self.EXPECTED[number]
        assert (result[0].row, result[0].field, result[0].value) == (number, field, value)
        assert reason in result[0].reason


class TestTypedFiles:
    """Spreadsheet and Parquet cells go through the same parsers as CSV text."""

    def test_an_xlsx_date_cell_and_an_excel_serial_both_become_dates(self, tmp_path: Path) -> None:
        path = tmp_path / "accounts.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Account Ref", "Name", "Currency", "Principal", "Due On"])
        sheet.append(["A1", "Jo", "USD", 1234.56, datetime(2026, 3, 5)])
        sheet.append(["A2", "Al", "USD", 12, 45000])
        book.save(path)
        with open_table(path) as reader:
            plan = plan_headers(reader.headers, None, "accounts")
            (batch,) = list(reader.batches())
            first, second = validate_batch("accounts", plan, batch, reader.row_problems)
        assert isinstance(first, AccountRow) and isinstance(second, AccountRow)
        assert (first.row, first.principal, first.due_on) == (2, 123456, date(2026, 3, 5))
        assert (second.row, second.principal, second.due_on) == (3, 1200, date(2023, 3, 15))

    def test_parquet_decimals_and_dates_validate(self, tmp_path: Path) -> None:
        path = tmp_path / "payments.parquet"
        table = pa.table(
            {
                "account_ref": ["A1"],
                "amount": pa.array([Decimal("10.5000")], pa.decimal128(12, 4)),
                "currency": ["GBP"],
                "paid_on": pa.array([date(2026, 3, 5)], pa.date32()),
                "reference": ["P1"],
            }
        )
        pq.write_table(table, path)
        with open_table(path) as reader:
            plan = plan_headers(reader.headers, None, "payments")
            (batch,) = list(reader.batches())
            (result,) = validate_batch("payments", plan, batch, reader.row_problems)
        assert isinstance(result, PaymentRow)
        assert (result.row, result.amount, result.paid_on) == (1, 1050, date(2026, 3, 5))


class TestValidateBatch:
    def test_a_batch_runs_in_a_worker_process(self, write_text: WriteText) -> None:
        mapping = load_mapping("cn-payments")
        text = (
            "还款流水号,合同编号,还款金额,还款日期\n"
            'P1,C1,"1,000.00",2026年3月5日\n'
            "P2,C1,0,2026-03-05\n"
        )
        with open_table(write_text("payments.csv", text)) as reader:
            plan = plan_headers(reader.headers, mapping, "payments")
            batch = next(reader.batches())
            problems = dict(reader.row_problems)
        with ProcessPoolExecutor(max_workers=1) as pool:
            results = pool.submit(validate_batch, "payments", plan, batch, problems).result()
        assert results == validate_batch("payments", plan, batch, problems)
        first, second = results
        assert isinstance(first, PaymentRow) and first.amount == 100000
        assert isinstance(second, list) and second[0].field == "amount"

    def test_results_survive_pickling(self) -> None:
        plan = plan_headers(
            ["account_ref", "name", "currency", "principal", "due_on"], None, "accounts"
        )
        results = validate_batch("accounts", plan, [(2, ["A", "B", "CNY", "1", "2026-01-01"])], {})
        assert pickle.loads(pickle.dumps((plan, results))) == (plan, results)

    def test_a_row_with_the_wrong_width_is_rejected_whole(self) -> None:
        plan = plan_headers(
            ["account_ref", "name", "currency", "principal", "due_on"], None, "accounts"
        )
        rows: list[tuple[int, list[str | None]]] = [(9, ["A", None, None, None, None])]
        result = validate_batch("accounts", plan, rows, {9: "row has 1 cells, header has 5"})
        assert result == [[Rejection(9, "(row)", None, "row has 1 cells, header has 5")]]

    def test_an_unknown_kind_is_a_programming_error(self) -> None:
        plan = plan_headers(
            ["account_ref", "name", "currency", "principal", "due_on"], None, "accounts"
        )
        with pytest.raises(ValueError, match="unknown import kind"):
            validate_batch("debts", plan, [], {})

    def test_constants_of_the_mapping_fill_the_rows(self) -> None:
        mapping = Mapping(kind="accounts", constants={"currency": "GBP", "country": "GB"})
        plan = plan_headers(["account_ref", "name", "principal", "due_on"], mapping, "accounts")
        (result,) = validate_batch("accounts", plan, [(2, ["A", "Jo", "£10", "2026-03-05"])], {})
        assert isinstance(result, AccountRow)
        assert (result.currency, result.principal, result.country, result.language) == (
            "GBP",
            1000,
            "GB",
            "en-GB",
        )
