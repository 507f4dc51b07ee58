"""Mappings: loading YAML files and presets, and planning a file's headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.errors import ConfigError, ImportFileError
from arrears.ingest.mapping import (
    ACCOUNT_COLUMNS,
    PAYMENT_COLUMNS,
    REQUIRED_ACCOUNT_COLUMNS,
    REQUIRED_PAYMENT_COLUMNS,
    Formats,
    Mapping,
    list_presets,
    load_mapping,
    plan_headers,
    project,
)

from .conftest import WriteText

GOOD = """\
name: lender-x
kind: accounts
columns:
  客户编号: account_ref
  姓名: name
constants:
  currency: CNY
formats:
  day_first: true
"""


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    return str(caught.value)


class TestCanonicalColumns:
    def test_accounts_follow_the_format_page(self) -> None:
        expected = [
            "account_ref",
            "debtor_ref",
            "debtor_kind",
            "name",
            "national_id",
            "birth_date",
            "phones",
            "emails",
            "address",
            "city",
            "region",
            "postal_code",
            "country",
            "language",
            "currency",
            "principal",
            "interest",
            "fees",
            "costs",
            "original_amount",
            "opened_on",
            "due_on",
            "charged_off_on",
            "last_payment_on",
            "last_payment_amount",
            "product",
            "jurisdiction",
            "source",
            "invoice_no",
            "invoice_date",
        ]
        assert list(ACCOUNT_COLUMNS) == expected
        assert set(REQUIRED_ACCOUNT_COLUMNS) == {
            "account_ref",
            "name",
            "currency",
            "principal",
            "due_on",
        }

    def test_payments_follow_the_format_page_plus_reverses(self) -> None:
        assert set(PAYMENT_COLUMNS) == {
            "account_ref",
            "amount",
            "currency",
            "paid_on",
            "reference",
            "method",
            "kind",
            "reverses",
        }
        assert set(REQUIRED_PAYMENT_COLUMNS) == set(PAYMENT_COLUMNS) - {
            "method",
            "kind",
            "reverses",
        }


class TestLoadMapping:
    def test_a_mapping_file_loads(self, write_text: WriteText) -> None:
        mapping = load_mapping(write_text("mapping.yaml", GOOD))
        assert mapping.kind == "accounts"
        assert mapping.columns == {"客户编号": "account_ref", "姓名": "name"}
        assert mapping.constants == {"currency": "CNY"}
        assert mapping.formats.day_first is True
        assert mapping.formats.decimal == "."

    def test_a_path_given_as_text_loads(self, write_text: WriteText) -> None:
        assert load_mapping(str(write_text("m.yaml", GOOD))).name == "lender-x"

    def test_scalar_constants_are_kept_as_the_text_written(self, write_text: WriteText) -> None:
        text = "kind: accounts\nconstants:\n  interest: 0\n  opened_on: 2026-01-02\n"
        mapping = load_mapping(write_text("m.yaml", text))
        assert mapping.constants == {"interest": "0", "opened_on": "2026-01-02"}

    def test_a_wrong_type_names_the_file_line_and_field(self, write_text: WriteText) -> None:
        path = write_text("mapping.yaml", GOOD.replace("true", "maybe"))
        assert config_error(path) == (
            f"{path} line 9: formats.day_first: Input should be a valid boolean, "
            "unable to interpret input"
        )

    def test_an_unknown_key_is_an_error_listing_the_allowed_ones(
        self, write_text: WriteText
    ) -> None:
        message = config_error(write_text("m.yaml", GOOD + "  dayfirst: true\n"))
        assert (
            "line 10: formats.dayfirst: unknown key; expected one of decimal, day_first" in message
        )

    def test_an_unknown_column_name_lists_the_valid_ones(self, write_text: WriteText) -> None:
        message = config_error(write_text("m.yaml", GOOD.replace("name\n", "nmae\n", 1)))
        assert (
            "line 5: columns.姓名: 'nmae' is not a column of accounts imports; valid: account_ref"
            in message
        )

    def test_a_payment_column_in_an_accounts_mapping_is_unknown(
        self, write_text: WriteText
    ) -> None:
        message = config_error(write_text("m.yaml", GOOD.replace("currency: CNY", "amount: 1")))
        assert "line 7: constants.amount: 'amount' is not a column of accounts imports" in message

    def test_a_repeated_key_is_an_error_not_a_silent_overwrite(self, write_text: WriteText) -> None:
        message = config_error(
            write_text("m.yaml", GOOD.replace("  姓名: name", "  客户编号: name"))
        )
        assert message.endswith("line 5: key '客户编号' appears twice (first on line 4)")

    def test_a_missing_kind_is_reported_at_the_top(self, write_text: WriteText) -> None:
        message = config_error(write_text("m.yaml", GOOD.replace("kind: accounts\n", "")))
        assert "m.yaml line 1: kind: Field required" in message

    def test_invalid_yaml_names_the_line(self, write_text: WriteText) -> None:
        message = config_error(write_text("m.yaml", "kind: accounts\ncolumns: [a\n"))
        assert "line 3: not valid YAML" in message

    def test_a_file_that_is_not_a_mapping_is_refused(self, write_text: WriteText) -> None:
        assert "is a YAML mapping" in config_error(write_text("m.yaml", "- a\n- b\n"))

    def test_bad_format_values_are_refused(self, write_text: WriteText) -> None:
        text = (
            "kind: payments\nformats:\n  decimal: ';'\n  encoding: klingon\n"
            "  delimiter: ';;'\n  default_region: Narnia\n"
        )
        message = config_error(write_text("m.yaml", text))
        assert "line 3: formats.decimal: Input should be '.' or ','" in message
        assert "line 4: formats.encoding: unknown encoding 'klingon'" in message
        assert "line 5: formats.delimiter: a delimiter is one character" in message
        assert "line 6: formats.default_region: unknown country 'Narnia'" in message

    def test_a_missing_file_is_a_config_error(self, tmp_path: Path) -> None:
        assert "cannot read the mapping file" in config_error(tmp_path / "none.yaml")

    def test_an_unknown_preset_lists_the_presets(self) -> None:
        with pytest.raises(ConfigError, match="no mapping preset named 'nope'; presets: cn-lender"):
            load_mapping("nope")


class TestPresets:
    def test_the_shipped_presets_are_listed(self) -> None:
        assert list_presets() == [
            "cn-lender",
            "cn-payments",
            "en-agency",
            "en-payments",
            "uk-collections",
        ]

    @pytest.mark.parametrize("name", list_presets())
    def test_every_preset_loads(self, name: str) -> None:
        assert load_mapping(name).name == name

    def test_the_chinese_lender_preset_maps_the_usual_headers(self) -> None:
        mapping = load_mapping("cn-lender")
        assert mapping.columns["客户编号"] == "debtor_ref"
        assert mapping.columns["罚息"] == "fees"
        assert mapping.constants == {"currency": "CNY", "country": "CN"}

    def test_the_uk_preset_reads_dates_day_first(self) -> None:
        mapping = load_mapping("uk-collections")
        assert mapping.formats.day_first is True
        assert mapping.constants == {"currency": "GBP", "country": "GB"}

    def test_the_agency_preset_ignores_ssn_last_four(self) -> None:
        headers = [
            "Account Number",
            "Full Name",
            "SSN Last4",
            "Current Balance",
            "Delinquency Date",
        ]
        plan = plan_headers(headers, load_mapping("en-agency"), "accounts")
        assert plan.ignored == ["SSN Last4"]


class TestPlanHeaders:
    def test_canonical_headers_match_ignoring_case_spaces_and_underscores(self) -> None:
        headers = ["Account Ref", "NAME", " currency ", "principal", "Due-On", "Notes"]
        plan = plan_headers(headers, None, "accounts")
        assert plan.columns == {
            "account_ref": 0,
            "name": 1,
            "currency": 2,
            "principal": 3,
            "due_on": 4,
        }
        assert plan.ignored == ["Notes"]
        assert plan.formats == Formats()

    def test_mapped_headers_come_first_then_canonical_names(self) -> None:
        mapping = Mapping(kind="accounts", columns={"客户编号": "account_ref"})
        headers = ["客户编号", "name", "currency", "principal", "due_on"]
        assert plan_headers(headers, mapping, "accounts").columns["account_ref"] == 0

    def test_of_two_alternative_headers_the_present_one_is_used(self) -> None:
        mapping = load_mapping("cn-lender")
        headers = ["借据号", "姓名", "本金", "应还日期"]
        plan = plan_headers(headers, mapping, "accounts")
        assert plan.columns == {"account_ref": 0, "name": 1, "principal": 2, "due_on": 3}
        assert plan.constants == {"currency": "CNY", "country": "CN"}

    def test_two_present_headers_mapped_to_one_column_are_an_error(self) -> None:
        headers = ["合同编号", "借据号", "姓名", "本金", "应还日期"]
        with pytest.raises(ImportFileError, match="gives account_ref twice: column 1 '合同编号'"):
            plan_headers(headers, load_mapping("cn-lender"), "accounts")

    def test_a_canonical_header_given_twice_is_an_error(self) -> None:
        headers = ["account_ref", "name", "currency", "principal", "due_on", "Principal"]
        with pytest.raises(ImportFileError, match="gives principal twice"):
            plan_headers(headers, None, "accounts")

    def test_missing_required_columns_are_named_with_the_files_headers(self) -> None:
        with pytest.raises(ImportFileError) as caught:
            plan_headers(["account_ref", "Name", "balance"], None, "accounts")
        message = str(caught.value)
        assert "missing required column(s): currency, principal, due_on" in message
        assert "the file's headers are: account_ref, Name, balance" in message

    def test_a_constant_stands_in_for_a_missing_required_column(self) -> None:
        mapping = Mapping(kind="payments", constants={"currency": "USD"})
        headers = ["account_ref", "amount", "paid_on", "reference"]
        assert plan_headers(headers, mapping, "payments").constants == {"currency": "USD"}

    def test_a_mapping_for_another_kind_is_refused(self) -> None:
        with pytest.raises(ConfigError, match="the mapping is for payments, not accounts"):
            plan_headers(["a"], load_mapping("cn-payments"), "accounts")

    def test_a_mapping_built_in_code_checks_its_column_names(self) -> None:
        with pytest.raises(ValueError, match="'amount' is not a column of accounts imports"):
            Mapping(kind="accounts", columns={"x": "amount"})


class TestProject:
    def test_a_raw_row_becomes_its_canonical_columns_with_constants_filling_gaps(self) -> None:
        mapping = Mapping(kind="accounts", constants={"currency": "CNY", "country": "CN"})
        headers = ["account_ref", "name", "currency", "principal", "due_on", "notes"]
        plan = plan_headers(headers, mapping, "accounts")
        values: list[str | None] = ["A1", "Jo", None, "12", "2026-03-05", "x"]
        assert project(plan, values) == {
            "account_ref": "A1",
            "name": "Jo",
            "currency": "CNY",
            "principal": "12",
            "due_on": "2026-03-05",
            "country": "CN",
        }

    def test_a_value_in_the_file_wins_over_the_constant(self) -> None:
        mapping = Mapping(kind="accounts", constants={"currency": "CNY"})
        plan = plan_headers(
            ["account_ref", "name", "currency", "principal", "due_on"], mapping, "accounts"
        )
        assert project(plan, ["A1", "Jo", "USD", "1", "2026-01-01"])["currency"] == "USD"
