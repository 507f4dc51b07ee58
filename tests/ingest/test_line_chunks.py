"""A CSV file whose lines are its records is cut into chunks of lines that the
workers split themselves: the rows, their problems and the import's outcome are
those of the row-by-row reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.ingest.helpers import ACCOUNT_HEADERS, account, add_client, counts, do_import

from arrears.ingest import readers
from arrears.ingest.lines import Lines, cells_of, scan_keys, screen_lines
from arrears.ingest.mapping import plan_headers
from arrears.ingest.readers import CsvReader, LineChunk, chunk_rows, open_table
from arrears.ingest.readers.csv import splittable
from arrears.ingest.rows import screen_batch

# Every kind of line the row reader treats specially, CRLF ends, no final line end.
AWKWARD = (
    b"\xef\xbb\xbfref;name;amount\r\n"
    b"A1;Jo;10\r\n"
    b"\r\n"  # an empty line: skipped, its number kept
    b" ; ;  \r\n"  # only blanks: skipped too
    b"A2;Li\r\n"  # a cell short
    b"A3;Kim;30;extra\r\n"  # a cell too many
    b"A4;Ann;40;;\r\n"  # empty extra cells lose nothing
    b"A5;\xff\xfe;50\r\n"  # not UTF-8
    b"A6;\xe5\xbc\xa0\xe4\xb8\x89;60"
)


def chunked(path: Path, size: int) -> tuple[list[object], dict[int, str]]:
    with open_table(path) as reader:
        assert isinstance(reader, CsvReader)
        chunks = reader.line_chunks(size)
        assert chunks is not None
        found: list[object] = []
        problems: dict[int, str] = {}
        for chunk in chunks:
            rows, more = chunk_rows(
                chunk, reader.delimiter or "", len(reader.headers), reader.encoding or ""
            )
            found.extend(rows)
            problems.update(more)
        return found, problems


def row_by_row(path: Path) -> tuple[list[object], dict[int, str]]:
    with open_table(path) as reader:
        rows = [row for batch in reader.batches(3) for row in batch]
        return list(rows), dict(reader.row_problems)


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_chunks_of_lines_give_the_rows_and_problems_of_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
):
    # The encoding is detected before the bad bytes (found per row after that).
    monkeypatch.setattr(readers, "SAMPLE_BYTES", AWKWARD.index(b"A5"))
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD)
    assert chunked(path, size) == row_by_row(path)
    rows, problems = chunked(path, size)
    assert [number for number, _ in rows] == [2, 5, 6, 7, 8, 9]
    assert sorted(problems) == [5, 6, 8]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (b'a,b\n1,"x"\n', "utf-8"),  # a quote: a field may hold a line break
        (b"a,b\n1,x\r2,y\n", "utf-8"),  # a lone carriage return ends a record too
        (b"a,b\n1,\x00\n", "utf-8"),  # NUL: the csv module refuses it
        (b"a,b\n1,x\r", "utf-8"),  # a lone CR at the very end
        ("a,b\n1,x\n".encode("utf-16"), "utf-16"),  # line feeds are not single bytes
    ],
)
def test_a_file_that_cannot_be_cut_at_line_ends_is_read_row_by_row(
    tmp_path: Path, content: bytes, encoding: str
):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    assert not splittable(path, encoding)


def test_a_plain_file_with_crlf_ends_can_be_cut(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\r\n1,x\r\n2,y\r\n")
    assert splittable(path, "utf-8")


def _file(path: Path) -> Path:
    lines = [",".join(ACCOUNT_HEADERS)]
    for i in range(40):
        lines.append(",".join(account(f"A{i}", debtor_ref=f"D{i // 3}", principal="12.50")))
        if i % 9 == 0:
            lines.append("")  # an empty line
    lines.append(",".join(account("A5", debtor_ref="D1", principal="12.50")))  # a repeat
    lines.append(",".join(account("B1", principal="twelve")))  # a bad amount
    lines.append(",".join(account("B2")[:-2]))  # cells missing
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.db
@pytest.mark.parametrize("workers", [0, 2])
def test_an_import_by_chunks_of_lines_is_the_import_row_by_row(
    tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch, workers: int
):
    path = _file(tmp_path / "a.csv")
    summary = do_import(path, batch_size=7, workers=workers, **env)
    assert summary.read == 43
    assert counts(summary) == (40, 0, 0, 3)
    assert summary.reject_file is not None
    by_chunks = summary.reject_file.read_text(encoding="utf-8-sig")
    assert counts(do_import(path, batch_size=7, workers=workers, **env)) == (0, 0, 40, 3)

    # The same file read row by row, for another client: the same outcome.
    monkeypatch.setattr(CsvReader, "line_chunks", lambda self, size=0: None)
    add_client(env["uow_factory"], env["clock"], code="other")
    again = do_import(path, batch_size=7, workers=workers, client="other", **env)
    assert counts(again) == (40, 0, 0, 3)
    assert again.reject_file is not None
    assert again.reject_file.read_text(encoding="utf-8-sig") == by_chunks
    with engine.connect() as connection:
        debtors = connection.execute(
            text("SELECT client_id, count(*) FROM debtors GROUP BY client_id")
        ).all()
    assert [n for _, n in debtors] == [14, 14]


@pytest.mark.db
def test_invoice_rows_of_one_account_across_chunks_are_not_repeats(
    tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    headers = [*ACCOUNT_HEADERS, "invoice_no", "invoice_date"]
    lines = [",".join(headers)]
    for n in range(5):  # the invoice column is cut from the end of the line
        row = account("C1", principal=f"{n + 1}00.00", due_on="2026-08-01")
        lines.append(",".join([*row, f"INV-{n}", "2026-07-01"]))
    lines.append(",".join([*account("C2", principal="7.00"), "", ""]))
    lines.append(",".join([*account("C2", principal="8.00"), "", ""]))  # a repeat
    path = tmp_path / "inv.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = do_import(path, batch_size=2, workers=2, **env)
    assert counts(summary) == (6, 0, 0, 1)

    monkeypatch.setattr(CsvReader, "line_chunks", lambda self, size=0: None)
    add_client(env["uow_factory"], env["clock"], code="other")
    assert counts(do_import(path, batch_size=2, workers=2, client="other", **env)) == (6, 0, 0, 1)
    with engine.connect() as connection:
        balances = connection.execute(
            text("SELECT account_ref, principal_minor FROM accounts ORDER BY id")
        ).all()
    assert [tuple(b) for b in balances] == [("C1", 150000), ("C2", 700)] * 2


def _lines(raw: list[str], width: int, first: int = 2) -> Lines:
    return Lines(LineChunk(first, raw), ";", width, "utf-8")


# Cells the reader strips (spaces, CR of a CRLF, Unicode blanks) or reads as empty.
PLAIN = ["A1; Jo ;10", "", "A2;\u3000李\u00a0;", " ; ; ", "A3;Kim;30\r", "A4;;\t40 "]


def test_a_chunk_of_lines_is_split_into_the_cells_the_reader_gives():
    lines = _lines(PLAIN, 3)
    cells = cells_of(lines, skip={6})
    assert cells is not None
    rows, problems = chunk_rows(lines.chunk, ";", 3, "utf-8")
    assert problems == {}
    expected = [(number, values) for number, values in rows if number != 6]
    got = cells.frame.select("_row", "c0", "c1", "c2").rows()
    assert [(number, list(values)) for number, *values in got] == expected
    assert [cells.row(number) for number, _ in expected] == [v for _, v in expected]


@pytest.mark.parametrize(
    "odd",
    [
        "A9;Jo",  # a cell short: the reader records a problem
        "A9;Jo;1;2",  # a cell too many
        "A9;J\udcffo;1",  # an undecodable byte
        "A9;\x1cJo;1",  # a separator Python strips and Polars keeps
    ],
)
def test_a_chunk_the_reader_must_read_row_by_row_has_no_cells_frame(odd: str):
    assert cells_of(_lines([*PLAIN, odd], 3), skip=set()) is None


def test_a_chunk_screened_from_its_cells_frame_is_screened_as_its_rows(tmp_path: Path):
    path = _file(tmp_path / "a.csv")
    with open_table(path) as reader:
        plan = plan_headers(reader.headers, None, "accounts")
        chunks = reader.line_chunks(10)
        assert chunks is not None
        for chunk in chunks:
            lines = Lines(chunk, reader.delimiter or "", len(reader.headers), "utf-8")
            rows, problems = chunk_rows(chunk, lines.delimiter, lines.width, "utf-8")
            skip = {rows[0][0]}
            expected = screen_batch(
                "accounts", plan, [r for r in rows if r[0] not in skip], problems, {}, True
            )
            assert (cells_of(lines, skip) is None) == bool(problems)
            assert screen_lines("accounts", plan, lines, skip, {}, True) == expected


@pytest.mark.parametrize("kind", ["accounts", "payments"])
def test_the_keys_of_a_chunk_the_reader_vouches_for_are_those_of_a_chunk_searched(
    tmp_path: Path, kind: str
):
    headers = [*ACCOUNT_HEADERS, "invoice_no"]
    rows = [[*account(f"A{n % 7}", principal="1.00"), f"I{n}" if n % 3 else ""]
            for n in range(30)]  # fmt: skip
    rows[4][0] = " "  # a row without a key
    text = "\n".join([",".join(headers), *(",".join(r) for r in rows), " , ", ""]) + "\n"
    path = tmp_path / "k.csv"
    path.write_text(text, encoding="utf-8")

    def scan(vouched: bool) -> list[object]:
        seen: dict[str, int] = {}
        found = []
        with open_table(path) as reader:
            plan = plan_headers(reader.headers, None, "accounts")
            chunks = reader.line_chunks(8)
            assert chunks is not None
            for chunk in chunks:
                assert chunk.decoded
                lines = Lines(chunk._replace(decoded=vouched), ",", len(headers), "utf-8")
                found.append(scan_keys(kind, lines, plan, "account_ref", seen))
        return [found, seen]

    assert scan(vouched=True) == scan(vouched=False)


def test_a_chunk_with_an_undecodable_byte_is_not_vouched_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    content = b"a,b\n1,x\n2,\xff\n3,y\n"
    monkeypatch.setattr(readers, "SAMPLE_BYTES", content.index(b"2,"))  # detected as UTF-8
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with open_table(path) as reader:
        chunks = reader.line_chunks(100)
        assert chunks is not None
        assert [chunk.decoded for chunk in chunks] == [False]
