"""Readers: CSV, XLSX and Parquet files streamed as numbered rows of strings."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arrears.errors import ImportFileError
from arrears.ingest import readers
from arrears.ingest.readers import RawRow, TableReader, detect_encoding, open_table, sniff_delimiter

from .conftest import WriteText

CHINESE = '合同编号,姓名,剩余本金\nC1,张三,"1,234.56"\nC2,李四,88\n'


def all_rows(reader: TableReader, size: int = 20_000) -> list[RawRow]:
    return [row for batch in reader.batches(size) for row in batch]


class TestOpenTable:
    def test_an_unknown_extension_is_refused_with_the_known_ones(
        self, write_text: WriteText
    ) -> None:
        path = write_text("accounts.json", "{}")
        with pytest.raises(ImportFileError, match=r"unknown file type '\.json'.*\.csv"):
            open_table(path)

    def test_a_missing_file_is_a_file_error(self, tmp_path: Path) -> None:
        with pytest.raises(ImportFileError, match="no such file"):
            open_table(tmp_path / "nope.csv")

    @pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "empty.parquet"])
    def test_an_empty_file_is_a_file_error(self, write_text: WriteText, name: str) -> None:
        with pytest.raises(ImportFileError, match="the file is empty"):
            open_table(write_text(name, ""))

    @pytest.mark.parametrize("name", ["broken.xlsx", "broken.parquet"])
    def test_a_damaged_binary_file_is_a_file_error(self, write_text: WriteText, name: str) -> None:
        with pytest.raises(ImportFileError, match="not a readable"):
            open_table(write_text(name, "this is not a workbook"))


class TestCsvEncodings:
    def test_gb18030_is_detected(self, write_text: WriteText) -> None:
        with open_table(write_text("gbk.csv", CHINESE, "gb18030")) as reader:
            assert reader.encoding == "gb18030"
            assert reader.headers == ["合同编号", "姓名", "剩余本金"]
            assert all_rows(reader)[0] == (2, ["C1", "张三", "1,234.56"])

    def test_utf8_with_a_bom_is_read_without_the_bom(self, write_text: WriteText) -> None:
        with open_table(write_text("bom.csv", CHINESE, "utf-8-sig")) as reader:
            assert reader.encoding == "utf-8-sig"
            assert reader.headers[0] == "合同编号"

    def test_utf8_without_a_bom_is_detected(self, write_text: WriteText) -> None:
        with open_table(write_text("plain.csv", CHINESE)) as reader:
            assert reader.encoding == "utf-8"

    def test_excels_utf16_unicode_text_is_detected(self, write_text: WriteText) -> None:
        path = write_text("excel.txt", CHINESE.replace(",", "\t"), "utf-16")
        with open_table(path) as reader:
            assert (reader.encoding, reader.delimiter) == ("utf-16", "\t")
            assert reader.headers == ["合同编号", "姓名", "剩余本金"]

    def test_a_forced_encoding_wins(self, write_text: WriteText) -> None:
        path = write_text("latin.csv", "name\nJosé\n", "latin-1")
        with open_table(path, encoding="latin-1") as reader:
            assert all_rows(reader) == [(2, ["José"])]

    def test_an_unknown_forced_encoding_is_a_file_error(self, write_text: WriteText) -> None:
        with pytest.raises(ImportFileError, match="unknown encoding 'klingon'"):
            open_table(write_text("a.csv", "a\n1\n"), encoding="klingon")

    def test_a_character_cut_at_the_end_of_the_sample_still_reads_as_utf8(
        self, write_text: WriteText, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(readers, "SAMPLE_BYTES", 6)  # cuts 张 (3 bytes) after "name\n"
        with open_table(write_text("cut.csv", "name\n张三\n")) as reader:
            assert reader.encoding == "utf-8"
            assert all_rows(reader) == [(2, ["张三"])]

    def test_a_bad_byte_after_the_sample_rejects_only_its_row(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(readers, "SAMPLE_BYTES", 16)
        path = tmp_path / "late.csv"
        path.write_bytes(b"name\n" + b"abcdef\n" * 100 + "张三\n".encode("gb18030") + b"ok\n")
        with open_table(path) as reader:
            rows = all_rows(reader)
            assert reader.encoding == "utf-8"
            assert rows[-2:] == [(102, [None]), (103, ["ok"])]
            assert reader.row_problems == {
                102: "row is not valid utf-8 text; set formats.encoding "
                "if the file uses another encoding"
            }

    def test_detection_prefers_a_bom_then_utf8_then_gb18030(self) -> None:
        assert detect_encoding(codecs.BOM_UTF8 + b"a") == "utf-8-sig"
        assert detect_encoding("张三".encode()) == "utf-8"
        assert detect_encoding("张三,李四".encode("gbk")) == "gb18030"


class TestCsvDelimiters:
    @pytest.mark.parametrize(
        ("name", "delimiter"),
        [("semi.csv", ";"), ("tabs.tsv", "\t"), ("tabs.txt", "\t"), ("bars.csv", "|")],
    )
    def test_the_delimiter_is_sniffed(
        self, write_text: WriteText, name: str, delimiter: str
    ) -> None:
        text = f"account_ref{delimiter}principal\nA1{delimiter}1.234,56\n"
        with open_table(write_text(name, text)) as reader:
            assert reader.delimiter == delimiter
            assert all_rows(reader) == [(2, ["A1", "1.234,56"])]

    def test_a_forced_delimiter_wins(self, write_text: WriteText) -> None:
        with open_table(write_text("a.csv", "a;b,c\n1;2,3\n"), delimiter=",") as reader:
            assert reader.headers == ["a;b", "c"]

    def test_a_single_column_falls_back_to_comma(self) -> None:
        assert sniff_delimiter("account_ref\nA1\nA2\n") == ","

    def test_the_header_line_decides_when_the_sniffer_cannot(self) -> None:
        assert sniff_delimiter("a;b;c\n1;2\n") == ";"


class TestCsvRows:
    def test_cells_are_stripped_and_empty_cells_are_none(self, write_text: WriteText) -> None:
        with open_table(write_text("a.csv", " a , b ,c\n x ,, \n")) as reader:
            assert reader.headers == ["a", "b", "c"]
            assert all_rows(reader) == [(2, ["x", None, None])]

    def test_blank_rows_are_skipped_but_keep_their_numbers(self, write_text: WriteText) -> None:
        with open_table(write_text("a.csv", "a,b\n1,2\n\n,\n3,4\n")) as reader:
            assert all_rows(reader) == [(2, ["1", "2"]), (5, ["3", "4"])]

    def test_a_quoted_line_break_numbers_the_row_by_its_first_line(
        self, write_text: WriteText
    ) -> None:
        text = 'ref,address\nA1,"1 Main St\nSpringfield"\nA2,x\r\nA3,y\n'
        with open_table(write_text("a.csv", text)) as reader:
            rows = all_rows(reader)
        assert rows == [(2, ["A1", "1 Main St\nSpringfield"]), (4, ["A2", "x"]), (5, ["A3", "y"])]

    def test_a_row_with_the_wrong_cell_count_is_padded_or_cut_and_recorded(
        self, write_text: WriteText
    ) -> None:
        text = "a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n"
        with open_table(write_text("a.csv", text)) as reader:
            rows = all_rows(reader)
            assert rows == [(2, ["1", "2", None]), (3, ["1", "2", "3"]), (4, ["1", "2", "3"])]
            assert reader.row_problems == {
                2: "row has 2 cells, header has 3",
                3: "row has 4 cells, header has 3",
            }

    def test_problems_are_known_before_their_batch_is_yielded(self, write_text: WriteText) -> None:
        with open_table(write_text("a.csv", "a,b\n1,2\n1\n")) as reader:
            for batch in reader.batches(1):
                for number, _ in batch:
                    assert (number == 3) == (number in reader.row_problems)

    def test_batches_hold_at_most_the_batch_size(self, write_text: WriteText) -> None:
        text = "a\n" + "".join(f"{i}\n" for i in range(5))
        with open_table(write_text("a.csv", text)) as reader:
            assert [len(batch) for batch in reader.batches(2)] == [2, 2, 1]

    def test_a_header_only_file_has_no_rows(self, write_text: WriteText) -> None:
        with open_table(write_text("a.csv", "a,b\n")) as reader:
            assert all_rows(reader) == []

    def test_an_empty_header_row_is_a_file_error(self, write_text: WriteText) -> None:
        with pytest.raises(ImportFileError, match="first row is empty"):
            open_table(write_text("a.csv", ",,\n1,2,3\n"))

    def test_an_unterminated_quote_is_a_file_error(self, write_text: WriteText) -> None:
        text = 'a,b\n1,"never closed\n' + "x" * 200_000 + "\n"
        with (
            open_table(write_text("a.csv", text)) as reader,
            pytest.raises(ImportFileError, match="row 2: cannot read"),
        ):
            all_rows(reader)


def write_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Accounts"
    sheet.append(["account_ref", "due_on", "serial", "principal", "count", "flag", "at", None])
    sheet.append(
        ["A1", datetime(2026, 3, 5), 45000, 1234.56, 3.0, True, datetime(2026, 3, 5, 14, 30)]
    )
    sheet.append([None, None, None])  # an empty row between
    sheet.append(["A2", date(2026, 1, 2), None, 1234.5600000000001, 7, False])
    sheet.append(["A3", None, None, None, None, None, None, None, "extra"])
    other = book.create_sheet("Payments")
    other.append(["reference"])
    other.append(["P1"])
    book.save(path)
    return path


class TestXlsx:
    def test_cells_become_the_text_a_person_would_type(self, tmp_path: Path) -> None:
        with open_table(write_workbook(tmp_path / "book.xlsx")) as reader:
            assert reader.format == "xlsx"
            assert reader.headers == [
                "account_ref",
                "due_on",
                "serial",
                "principal",
                "count",
                "flag",
                "at",
            ]
            rows = all_rows(reader)
        assert rows[0] == (
            2,
            ["A1", "2026-03-05", "45000", "1234.56", "3", "true", "2026-03-05T14:30:00"],
        )
        assert rows[1] == (4, ["A2", "2026-01-02", None, "1234.56", "7", "false", None])

    def test_a_cell_beyond_the_last_header_is_a_row_problem(self, tmp_path: Path) -> None:
        with open_table(write_workbook(tmp_path / "book.xlsx")) as reader:
            rows = all_rows(reader)
            assert rows[2] == (5, ["A3", None, None, None, None, None, None])
            assert reader.row_problems == {5: "row has 9 cells, header has 7"}

    def test_a_sheet_is_chosen_by_name(self, tmp_path: Path) -> None:
        with open_table(write_workbook(tmp_path / "book.xlsx"), sheet="Payments") as reader:
            assert reader.headers == ["reference"]
            assert all_rows(reader) == [(2, ["P1"])]

    def test_a_missing_sheet_is_a_file_error_listing_the_sheets(self, tmp_path: Path) -> None:
        with pytest.raises(
            ImportFileError, match="no sheet named 'Debts'; sheets: Accounts, Payments"
        ):
            open_table(write_workbook(tmp_path / "book.xlsx"), sheet="Debts")

    def test_an_empty_sheet_is_a_file_error(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.xlsx"
        openpyxl.Workbook().save(path)
        with pytest.raises(ImportFileError, match="is empty"):
            open_table(path)


class TestParquet:
    def write(self, path: Path) -> Path:
        table = pa.table(
            {
                "account_ref": pa.array(["A1", None, "A3"]),
                "due_on": pa.array([date(2026, 3, 5), None, date(2026, 1, 2)], pa.date32()),
                "principal": pa.array(
                    [Decimal("1234.5600"), None, Decimal("1000.0000")], pa.decimal128(12, 4)
                ),
                "rate": pa.array([0.1, None, 2.0]),
                "count": pa.array([1, None, 3], pa.int64()),
                "flag": pa.array([True, None, False]),
                "at": pa.array([datetime(2026, 3, 5, 14, 30), None, datetime(2026, 3, 5)]),
            }
        )
        pq.write_table(table, path, row_group_size=2)
        return path

    def test_typed_values_become_text_and_rows_are_record_indexes(self, tmp_path: Path) -> None:
        with open_table(self.write(tmp_path / "a.parquet")) as reader:
            assert reader.format == "parquet"
            assert reader.headers == [
                "account_ref",
                "due_on",
                "principal",
                "rate",
                "count",
                "flag",
                "at",
            ]
            rows = all_rows(reader, size=2)
        assert rows == [
            (1, ["A1", "2026-03-05", "1234.56", "0.1", "1", "true", "2026-03-05T14:30:00"]),
            (3, ["A3", "2026-01-02", "1000", "2", "3", "false", "2026-03-05"]),
        ]
        assert reader.row_problems == {}

    def test_nanosecond_timestamps_are_cut_to_microseconds(self, tmp_path: Path) -> None:
        path = tmp_path / "ns.parquet"
        stamps = pa.array([1_772_699_400_123_456_789], pa.timestamp("ns"))
        pq.write_table(pa.table({"paid_on": stamps}), path)
        with open_table(path) as reader:
            assert all_rows(reader) == [(1, ["2026-03-05T08:30:00.123456"])]

    def test_a_damaged_record_batch_is_a_file_error(self, tmp_path: Path) -> None:
        path = tmp_path / "cut.parquet"
        pq.write_table(pa.table({"a": list(range(1000))}), path)
        data = path.read_bytes()
        path.write_bytes(data[:4] + b"\x00" * 200 + data[204:])  # footer intact, data not
        with pytest.raises(ImportFileError), open_table(path) as reader:
            all_rows(reader)
