"""Scenarios for the synthetic demo portfolio and the benchmark frame.

The demo is read back the way an importer would: GB18030 CSV with Chinese
headers, UTF-8 CSV, XLSX and Parquet, every value parsed into minor units and
dates, and then checked for what the loader and the demo rely on.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import phonenumbers
import polars as pl
import pytest

from arrears.core.identity import cn_id_birth_date, cn_id_problem
from arrears.sim import DemoManifest, canonical_accounts_frame, generate_demo, write_canonical_csv

AS_OF = date(2026, 11, 22)

# The canonical columns of docs/import.md (the public import format), in its order.
CANONICAL_ACCOUNTS = (
    "account_ref", "debtor_ref", "debtor_kind", "name", "national_id", "birth_date", "phones",
    "emails", "address", "city", "region", "postal_code", "country", "language", "currency",
    "principal", "interest", "fees", "costs", "original_amount", "opened_on", "due_on",
    "charged_off_on", "last_payment_on", "last_payment_amount", "product", "jurisdiction",
    "source", "invoice_no", "invoice_date",
)  # fmt: skip
CANONICAL_PAYMENTS = ("account_ref", "amount", "currency", "paid_on", "reference", "method", "kind")

CN_LENDER = {
    "合同编号": "account_ref", "客户编号": "debtor_ref", "客户姓名": "name",
    "身份证号": "national_id", "出生日期": "birth_date", "手机号": "phones", "邮箱": "emails",
    "地址": "address", "城市": "city", "省份": "region", "币种": "currency",
    "剩余本金": "principal", "利息": "interest", "罚息": "fees", "放款日期": "opened_on",
    "逾期起始日": "due_on", "最后还款日": "last_payment_on",
    "最后还款金额": "last_payment_amount", "产品": "product", "数据来源": "source",
}  # fmt: skip
CN_PAYMENTS = {
    "还款流水号": "reference", "合同编号": "account_ref", "还款金额": "amount",
    "还款日期": "paid_on", "还款方式": "method", "币种": "currency",
}  # fmt: skip
REGIONS = {"cn-consumer": "CN", "us-agency": "US", "uk-utility": "GB", "b2b-receivables": "CN"}
DATE_FIELDS = {"birth_date", "opened_on", "due_on", "charged_off_on", "last_payment_on"}
DATE_FIELDS |= {"invoice_date", "paid_on"}
AMOUNT_FIELDS = {"principal", "interest", "fees", "costs", "original_amount"}
AMOUNT_FIELDS |= {"last_payment_amount", "amount"}


# --- reading the files back ----------------------------------------------------------------


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%Y/%m/%d", "%Y年%m月%d日", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_amount(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float | int):
        return round(value * 100)
    if isinstance(value, Decimal):
        return int(value * 100)
    text = re.sub(r"[¥$£,]", "", value)
    assert re.fullmatch(r"-?\d+\.\d\d", text), value
    return int(Decimal(text) * 100)


def read_raw(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of any demo file, values as the file holds them."""
    if path.suffix == ".csv":
        encoding = "gb18030" if path.name.startswith("cn-") else "utf-8"
        with path.open(encoding=encoding, newline="") as handle:
            rows = list(csv.reader(handle))
        return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert sheet is not None
        values = list(sheet.iter_rows(values_only=True))
        header = [str(h) for h in values[0]]
        return header, [dict(zip(header, r, strict=True)) for r in values[1:]]
    frame = pl.read_parquet(path)
    return frame.columns, frame.to_dicts()


def canonical(path: Path, mapping: str | None) -> list[dict[str, Any]]:
    """Rows with canonical names and parsed values (None where blank or unparseable)."""
    rename = {"cn-lender": CN_LENDER, "cn-payments": CN_PAYMENTS}.get(mapping or "", {})
    _, raw = read_raw(path)
    out = []
    for row in raw:
        parsed: dict[str, Any] = {}
        for key, value in row.items():
            name = rename.get(key, key)
            parsed[name] = _parse(name, value)
            parsed["_raw_" + name] = value
        out.append(parsed)
    return out


def _parse(name: str, value: Any) -> Any:
    try:
        if name in DATE_FIELDS:
            return parse_date(value)
        if name in AMOUNT_FIELDS:
            return parse_amount(value)
    except (ValueError, AssertionError):
        return None
    return None if value == "" else value


def phones_of(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[;|]", text or "") if p.strip()]


def valid_phone(number: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_demo(tmp_path_factory.mktemp("demo"), accounts=400, as_of=AS_OF)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_demo(tmp_path_factory.mktemp("large"), accounts=6000, seed=7, as_of=AS_OF)


Tables = dict[tuple[str, str], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def tables(large: DemoManifest) -> Tables:
    return {(f.client, f.kind): canonical(f.path, f.mapping) for f in large.files}


def good_rows(
    manifest: DemoManifest, client: str, kind: str, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    (file,) = [f for f in manifest.files if f.client == client and f.kind == kind]
    bad = {d.data_row for d in file.defects}
    return [r for n, r in enumerate(rows, start=1) if n not in bad]


# --- the manifest --------------------------------------------------------------------------


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", accounts=400, seed=5, as_of=AS_OF)
    generate_demo(tmp_path / "b", accounts=400, seed=5, as_of=AS_OF)
    other = generate_demo(tmp_path / "c", accounts=400, seed=6, as_of=AS_OF)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == len(first.files) + 1
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    changed = [
        f.path.name
        for f in other.files
        if f.path.read_bytes() != (tmp_path / "a" / f.path.name).read_bytes()
    ]
    assert len(changed) == len(other.files)


def test_manifest_lists_accounts_before_payments_per_client(demo: DemoManifest) -> None:
    assert [c.code for c in demo.clients] == list(REGIONS)
    seen: set[str] = set()
    for f in demo.files:
        if f.kind == "accounts":
            seen.add(f.client)
        else:
            assert f.client in seen, f"{f.client} payments before its accounts"
    assert Counter(f.kind for f in demo.files) == {"accounts": 4, "payments": 4}
    mappings = {(f.client, f.kind): f.mapping for f in demo.files}
    assert mappings[("cn-consumer", "accounts")] == "cn-lender"
    assert mappings[("cn-consumer", "payments")] == "cn-payments"
    assert {m for k, m in mappings.items() if k[0] != "cn-consumer"} == {None}
    assert (demo.files[0].path.parent / "cn-consumer-payments.csv").exists()


def test_manifest_json_matches_the_returned_manifest(demo: DemoManifest) -> None:
    root = demo.files[0].path.parent
    doc = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == AS_OF.isoformat()
    assert [c["code"] for c in doc["clients"]] == [c.code for c in demo.clients]
    for entry, f in zip(doc["files"], demo.files, strict=True):
        assert (root / entry["path"]) == f.path
        assert (entry["client"], entry["kind"], entry["mapping"]) == (f.client, f.kind, f.mapping)
        assert entry["rows"] == f.rows == len(read_raw(f.path)[1])
        assert [d["data_row"] for d in entry["bad_rows"]] == [d.data_row for d in f.defects]


def test_accounts_are_shared_out_between_the_clients(demo: DemoManifest) -> None:
    counts = {
        f.client: len({r["account_ref"] for r in canonical(f.path, f.mapping)})
        for f in demo.files
        if f.kind == "accounts"
    }
    assert counts == {"cn-consumer": 180, "us-agency": 120, "uk-utility": 40, "b2b-receivables": 60}


# --- file formats and headers ---------------------------------------------------------------


def test_every_file_has_the_headers_its_format_or_preset_names(demo: DemoManifest) -> None:
    for f in demo.files:
        header, _ = read_raw(f.path)
        if f.mapping == "cn-lender":
            assert header == list(CN_LENDER)
        elif f.mapping == "cn-payments":
            assert header == list(CN_PAYMENTS)
        elif f.kind == "accounts":
            assert set(header) <= set(CANONICAL_ACCOUNTS), f.path.name
            assert {"account_ref", "name", "currency", "principal", "due_on"} <= set(header)
        else:
            extra = {"reverses"} if f.client == "us-agency" else set()
            assert header == [*CANONICAL_PAYMENTS, *sorted(extra)], f.path.name
    b2b = read_raw(demo.files[-2].path)[0]
    assert {"invoice_no", "invoice_date", "debtor_kind"} <= set(b2b)


def test_chinese_files_are_gb18030_not_utf8(demo: DemoManifest) -> None:
    for f in demo.files[:2]:
        data = f.path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("gb18030")
        assert "合同编号" in text
    accounts = demo.files[0].path.read_bytes().decode("gb18030")
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", accounts)
    assert re.search(r"\d{4}/\d{1,2}/\d{1,2}", accounts)
    assert "¥" in accounts and re.search(r",\"?\d{1,3}(,\d{3})*\.\d\d\"?,", accounts)


def test_xlsx_has_real_date_and_number_cells(demo: DemoManifest) -> None:
    (uk,) = [f for f in demo.files if f.client == "uk-utility" and f.kind == "accounts"]
    _, rows = read_raw(uk.path)
    bad = {d.data_row for d in uk.defects}
    good = [r for n, r in enumerate(rows, start=1) if n not in bad]
    assert all(isinstance(r["due_on"], datetime) for r in good)
    assert all(isinstance(r["principal"], int | float) for r in good)
    assert all(isinstance(r["phones"], str) and r["phones"].startswith(("0", "+44")) for r in good)


def test_parquet_is_typed_with_one_row_per_open_invoice(demo: DemoManifest) -> None:
    (b2b,) = [f for f in demo.files if f.client == "b2b-receivables" and f.kind == "accounts"]
    frame = pl.read_parquet(b2b.path)
    assert frame.schema["due_on"] == pl.Date
    assert frame.schema["principal"] == pl.Decimal(18, 2)
    invoices = frame.group_by("account_ref").len()["len"].to_list()
    assert min(invoices) >= 1 and max(invoices) <= 8
    assert max(invoices) > 1
    assert frame["invoice_no"].n_unique() == frame.height
    assert set(frame["debtor_kind"]) == {"company"} and set(frame["product"]) == {"invoice"}
    assert set(frame["currency"]) == {"CNY"}
    terms = (frame["due_on"] - frame["invoice_date"]).dt.total_days().drop_nulls()
    assert set(terms) <= {30, 60}


# --- realism of the accounts ---------------------------------------------------------------


def test_resident_ids_are_valid_and_match_the_birth_date(
    large: DemoManifest, tables: Tables
) -> None:
    rows = tables[("cn-consumer", "accounts")]
    (file,) = [f for f in large.files if f.client == "cn-consumer" and f.kind == "accounts"]
    broken = {d.data_row for d in file.defects if d.kind == "bad_national_id"}
    assert broken
    for n, row in enumerate(rows, start=1):
        problem = cn_id_problem(row["national_id"])
        if n in broken:
            assert problem and "check digit" in problem
        else:
            assert problem is None, row["national_id"]
            assert cn_id_birth_date(row["national_id"]) == row["birth_date"]


def test_phones_are_valid_in_the_debtors_country(large: DemoManifest, tables: Tables) -> None:
    for (client, kind), rows in tables.items():
        if kind != "accounts":
            continue
        (file,) = [f for f in large.files if f.client == client and f.kind == kind]
        broken = {d.data_row for d in file.defects if d.kind == "invalid_phone"}
        assert broken, client
        for n, row in enumerate(rows, start=1):
            numbers = phones_of(row.get("phones"))
            assert numbers, client
            if n in broken:
                assert not valid_phone(numbers[0], REGIONS[client]), numbers
            elif n % 7 == 0:  # a sample
                assert all(valid_phone(p, REGIONS[client]) for p in numbers), numbers


def test_us_phones_use_the_states_area_codes(large: DemoManifest, tables: Tables) -> None:
    from arrears.sim.portfolio.geo import US_STATES

    codes = {s.code: {a for c in s.cities for a in c.area_codes} for s in US_STATES}
    rows = good_rows(large, "us-agency", "accounts", tables[("us-agency", "accounts")])
    assert len({r["region"] for r in rows}) == 12
    for row in rows:
        assert row["jurisdiction"] == "US-" + row["region"]
        if row["source"] == "skip_trace":  # a new number, possibly from elsewhere
            continue
        for number in phones_of(row["phones"]):
            digits = re.sub(r"\D", "", number)
            assert len(digits) in (10, 11) and digits[-10:-7] in codes[row["region"]]


def test_emails_are_only_on_example_domains(tables: Tables) -> None:
    for (_, kind), rows in tables.items():
        if kind == "accounts":
            for row in rows:
                for address in phones_of(row.get("emails")):
                    assert re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", address), address


def test_balances_dates_and_charges_are_consistent(large: DemoManifest, tables: Tables) -> None:
    for (client, kind), rows in tables.items():
        if kind != "accounts":
            continue
        for row in good_rows(large, client, kind, rows):
            assert row["principal"] > 0
            assert row["opened_on"] < row["due_on"] or client == "b2b-receivables"
            assert row["opened_on"] <= AS_OF
            if row.get("original_amount") is not None:
                assert row["original_amount"] >= row["principal"]
            if row.get("last_payment_on") is not None:
                assert row["opened_on"] < row["last_payment_on"] <= AS_OF
                assert row["last_payment_amount"] > 0
            if client == "us-agency":
                dpd = (AS_OF - row["due_on"]).days
                assert (row["charged_off_on"] is not None) == (dpd > 180)


def test_ageing_is_skewed_early_with_a_long_tail(tables: Tables) -> None:
    oldest: dict[str, date] = {}
    for (client, kind), rows in tables.items():
        for r in rows if kind == "accounts" else ():
            if r["due_on"] is None:
                continue
            key = client + r["account_ref"]
            oldest[key] = min(r["due_on"], oldest.get(key, r["due_on"]))
    dpd = np.array([(AS_OF - due).days for due in oldest.values()])
    assert 0.03 < (dpd <= 0).mean() < 0.08  # not yet due: pre-due reminders
    assert (dpd > 720).mean() > 0.01
    cn = np.array(
        [(AS_OF - r["due_on"]).days for r in tables[("cn-consumer", "accounts")] if r["due_on"]]
    )
    assert 0.45 < ((cn >= 1) & (cn <= 30)).mean() < 0.60


def test_balances_sit_around_their_product_medians(tables: Tables) -> None:
    expected = {
        ("cn-consumer", "personal_loan"): 8_000,
        ("cn-consumer", "credit_card"): 12_000,
        ("us-agency", "medical"): 900,
        ("us-agency", "credit_card"): 3_500,
        ("uk-utility", "utility"): 600,
        ("b2b-receivables", "invoice"): 60_000,
    }
    for (client, product), median in expected.items():
        values = [
            r["principal"] / 100
            for r in tables[(client, "accounts")]
            if r["product"] == product and r["principal"]
        ]
        assert 0.75 * median < float(np.median(values)) < 1.33 * median, (client, product)


def test_some_debtors_hold_several_accounts_and_a_few_conflict(
    large: DemoManifest, tables: Tables
) -> None:
    for client in ("cn-consumer", "us-agency"):
        rows = tables[(client, "accounts")]
        per_debtor = Counter(r["debtor_ref"] for r in rows)
        share = sum(1 for c in per_debtor.values() if c > 1) / len(per_debtor)
        assert 0.06 < share < 0.14, client
        (file,) = [f for f in large.files if f.client == client and f.kind == "accounts"]
        assert file.conflicts
        by_debtor = defaultdict(list)
        for row in rows:
            by_debtor[row["debtor_ref"]].append(row)
        for conflict in file.conflicts:
            row = rows[conflict.data_row - 1]
            assert row["source"] == "skip_trace"
            first = by_debtor[row["debtor_ref"]][0]
            assert first is not row
            assert first["_raw_" + conflict.field] != row["_raw_" + conflict.field]
            assert first["name"] == row["name"]


def test_about_three_in_a_thousand_rows_are_bad_and_really_bad(large: DemoManifest) -> None:
    for f in large.files:
        rate = f.bad_rows / f.rows
        assert 0.001 <= rate <= 0.006 or f.bad_rows == 1, (f.path.name, rate)
        rows = canonical(f.path, f.mapping)
        for defect in f.defects:
            row = rows[defect.data_row - 1]
            if defect.kind in {"unparseable_date", "unparseable_paid_on"}:
                assert row["_raw_" + defect.field] and row[defect.field] is None
            elif defect.kind.startswith("negative"):
                assert row[defect.field] < 0
            elif defect.kind.startswith("missing"):
                assert row[defect.field] in (None, "")
    kinds = {d.kind for f in large.files for d in f.defects}
    assert {"unparseable_date", "invalid_phone", "negative_principal", "missing_name"} <= kinds
    assert {"bad_national_id", "negative_amount", "missing_reference"} <= kinds


# --- payments -----------------------------------------------------------------------------


def test_payments_never_exceed_balances(large: DemoManifest, tables: Tables) -> None:
    for client in REGIONS:
        accounts = good_rows(large, client, "accounts", tables[(client, "accounts")])
        balance: Counter[str] = Counter()
        opened = {}
        for row in accounts:
            balance[row["account_ref"]] += row["principal"]
            opened[row["account_ref"]] = row["opened_on"]
        payments = good_rows(large, client, "payments", tables[(client, "payments")])
        paid: Counter[str] = Counter()
        for p in payments:
            assert p["account_ref"] in balance
            assert p["amount"] > 0
            assert AS_OF - timedelta(days=180) < p["paid_on"] <= AS_OF
            assert p["paid_on"] > opened[p["account_ref"]]
            if p.get("kind", "payment") == "payment":
                paid[p["account_ref"]] += p["amount"]
        assert all(paid[a] < balance[a] for a in paid), client
        share = len(paid) / len(balance)
        assert 0.25 < share < 0.45, (client, share)


def test_payment_references_are_unique_and_reversals_point_back(tables: Tables) -> None:
    for (client, kind), rows in tables.items():
        if kind == "payments":
            refs = [r["reference"] for r in rows if r["reference"]]
            assert len(refs) == len(set(refs)), client
    us = tables[("us-agency", "payments")]
    by_ref = {r["reference"]: r for r in us}
    reversals = [r for r in us if r["kind"] == "reversal"]
    assert reversals
    for r in reversals:
        original = by_ref[r["reverses"]]
        assert original["kind"] == "payment" and original["account_ref"] == r["account_ref"]
        assert original["amount"] == r["amount"] and original["paid_on"] <= r["paid_on"]
    assert {r["method"] for r in tables[("cn-consumer", "payments")]} == {
        "alipay",
        "wechat_pay",
        "bank_transfer",
    }


# --- the benchmark frame --------------------------------------------------------------------


def test_canonical_frame_has_every_column_as_text_and_unique_refs(tmp_path: Path) -> None:
    frame = canonical_accounts_frame(20_000, seed=3, as_of=AS_OF, client_prefix="X")
    assert frame.shape == (20_000, len(CANONICAL_ACCOUNTS))
    assert tuple(frame.columns) == CANONICAL_ACCOUNTS
    assert set(frame.dtypes) == {pl.String}
    assert frame["account_ref"].n_unique() == 20_000
    assert frame["account_ref"].str.starts_with("X").all()
    assert (
        frame.select(pl.col("account_ref", "name", "currency", "principal", "due_on").null_count())
        .sum_horizontal()
        .item()
        == 0
    )
    assert set(frame["currency"]) == {"CNY", "USD"}
    assert 0.4 < frame["currency"].to_list().count("CNY") / frame.height < 0.7
    per_debtor = frame.group_by("debtor_ref").len()["len"].to_list()
    assert max(per_debtor) <= 3 and sum(c > 1 for c in per_debtor) > 0
    assert frame["principal"].str.contains(r"^\d+\.\d\d$").all()
    assert frame["due_on"].str.contains(r"^\d{4}-\d\d-\d\d$").all()
    write_canonical_csv(frame.head(50), tmp_path / "b.csv")
    assert (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()[0].split(",") == list(
        CANONICAL_ACCOUNTS
    )


def test_canonical_frame_ids_phones_and_emails_are_valid() -> None:
    frame = canonical_accounts_frame(5_000, seed=4, as_of=AS_OF)
    ids = frame["national_id"].drop_nulls()
    assert (
        ids.n_unique() == frame.filter(pl.col("national_id").is_not_null())["debtor_ref"].n_unique()
    )
    assert all(cn_id_problem(i) is None for i in ids)
    for row in frame.head(600).iter_rows(named=True):
        region = row["country"]
        assert valid_phone(row["phones"], region), row["phones"]
        if row["national_id"]:
            assert cn_id_birth_date(row["national_id"]).isoformat() == row["birth_date"]
        if row["emails"]:
            assert re.fullmatch(r"[a-z0-9.]+@example\.(com|org)", row["emails"])
        assert row["jurisdiction"] == ("CN" if region == "CN" else f"US-{row['region']}")
        assert row["opened_on"] < row["due_on"]
        assert Decimal(row["original_amount"]) >= Decimal(row["principal"])


def test_canonical_frame_is_deterministic_per_seed() -> None:
    def digest(seed: int) -> str:
        frame = canonical_accounts_frame(3_000, seed=seed, as_of=AS_OF)
        return hashlib.sha256(frame.write_csv().encode()).hexdigest()

    assert digest(9) == digest(9) != digest(10)


@pytest.mark.slow
def test_a_million_benchmark_rows_are_generated_with_unique_refs() -> None:
    # How fast is measured by bench/import, not asserted here.
    frame = canonical_accounts_frame(1_000_000, as_of=AS_OF)
    assert frame.height == 1_000_000 and frame["account_ref"].n_unique() == 1_000_000
