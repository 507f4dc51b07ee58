"""Compare the two ways of screening account batches: column by column and row by row.

    .venv/bin/python bench/import/screening.py [--rows 100000] [--batch-size 20000]

Screens every batch of the generated file (see ``run.py``) both ways, alternating, with
the parsers' caches cleared before each, and prints the CPU seconds of each way (this
process; Polars threads included) and whether the results are equal. No database.

With ``--keep-caches`` the caches are cleared once, at the start, and kept across
batches (and between the two ways) as a validation worker keeps them across an
import.

Then reads the batches' phone numbers alone, both ways, caches cleared before each:
by number block (``normalize.phone_blocks``, what the columnar screening uses) and
one ``phonenumbers`` parse per distinct number (``normalize_phone``, the row
validator's), and prints their CPU seconds and microseconds a number. Last, a
payments file of as many plain rows (written once beside the accounts file) is
screened both ways like the accounts.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def clear_caches() -> None:
    from arrears.ingest.normalize import contacts, identity, phone_blocks
    from arrears.ingest.rows import fields

    for cache in (contacts._phone, contacts._email_domain, identity.resident_id_problem,
                  fields._read_date):  # fmt: skip
        cache.cache_clear()
    # The blocks are data; the automata of the phone metadata (phone_blocks._code_plan)
    # are built once a process, like phonenumbers' own metadata, and kept.
    phone_blocks.clear_blocks()


# --keep-caches: cleared once, as a worker process keeps them across batches.
OPTIONS = {"keep_caches": False}


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    if not OPTIONS["keep_caches"]:
        clear_caches()
    gc.collect()  # garbage of the previous run is not this run's cost
    start = time.process_time()
    found = work()
    return time.process_time() - start, found


def phones_of(plan: Any, rows: list[Any]) -> list[tuple[str, str | None]]:
    """(number, region) of every phone of the batch, as the validators read them."""
    from arrears.ingest.mapping import project
    from arrears.ingest.normalize import split_multi

    found = []
    for _, values in rows:
        canonical = project(plan, values)
        region = canonical.get("country") or plan.formats.default_region
        found += [(part, region) for part in split_multi(canonical.get("phones"))]
    return found


def read_all(read: Callable[..., Any], phones: list[tuple[str, str | None]]) -> list[Any]:
    from arrears.ingest.normalize import FieldProblem

    out: list[Any] = []
    for text, region in phones:
        try:
            out.append(read(text, region))
        except FieldProblem as exc:
            out.append(exc.reason)
    return out


def screen(plan: Any, rows: list[Any], columnar: bool, kind: str = "accounts") -> tuple[float, Any]:
    from arrears.ingest.rows.batch import screen_batch

    return timed(lambda: screen_batch(kind, plan, rows, {}, {}, columnar))


def payments_file(rows: int, folder: Path) -> Path:
    """A payments file of ``rows`` plain rows (one in 50 a reversal of the one before)."""
    import polars as pl

    path = folder / f"payments-{rows}.csv"
    if path.exists():
        return path
    index = pl.col("i")
    reversal = (index % 50) == 49
    methods = pl.lit(pl.Series(["bank_transfer", "card", "Alipay", "WeChat Pay"]))

    def two(of: pl.Expr) -> pl.Expr:
        return of.cast(pl.String).str.zfill(2)

    frame = pl.DataFrame({"i": pl.int_range(0, rows, eager=True)}).select(
        account_ref=pl.format("B{}", (index * 7919) % 1_000_000),
        amount=pl.format("{}.{}", index % 5000 + 1, two(index % 100)),
        currency=pl.when(index % 3 == 0).then(pl.lit("USD")).otherwise(pl.lit("CNY")),
        paid_on=pl.format("2026-{}-{}", two(index % 12 + 1), two(index % 28 + 1)),
        reference=pl.format("P{}", index),
        method=methods.gather(index % 4),
        kind=pl.when(reversal).then(pl.lit("reversal")).otherwise(pl.lit(None, pl.String)),
        reverses=pl.when(reversal).then(pl.format("P{}", index - 1)).otherwise(None),
    )
    frame.write_csv(path)
    return path


def screen_payments(rows: int, batch_size: int, folder: Path) -> str:
    """Both ways over the payments file: the line to print."""
    from arrears.ingest.mapping import plan_headers
    from arrears.ingest.readers import open_table

    spent = {True: 0.0, False: 0.0}
    with open_table(payments_file(rows, folder)) as reader:
        plan = plan_headers(reader.headers, None, "payments")
        for batch in reader.batches(batch_size):
            found = {c: screen(plan, batch, c, "payments") for c in (True, False)}
            for columnar, (cpu, _) in found.items():
                spent[columnar] += cpu
            assert found[True][1] == found[False][1], "the two ways differ"
    per_row = {k: v / rows * 1e6 for k, v in spent.items()}
    return (
        f"{rows:,} payments: column by column {spent[True]:.1f} CPU s ({per_row[True]:.0f} us a "
        f"row), row by row {spent[False]:.1f} CPU s ({per_row[False]:.0f} us a row), equal results"
    )


def read_phones(numbers: list[tuple[str, str | None]], by_block: bool) -> tuple[float, Any]:
    from arrears.ingest.normalize import normalize_phone, normalize_phone_by_block

    read = normalize_phone_by_block if by_block else normalize_phone
    return timed(lambda: read_all(read, numbers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--keep-caches", action="store_true", help="clear caches only once")
    args = parser.parse_args()
    OPTIONS["keep_caches"] = args.keep_caches
    clear_caches()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import WORK, generate

    from arrears.ingest.mapping import plan_headers
    from arrears.ingest.readers import open_table

    WORK.mkdir(parents=True, exist_ok=True)
    path, _ = generate(args.rows)
    spent = {True: 0.0, False: 0.0}
    phones = {True: 0.0, False: 0.0}
    count = 0
    with open_table(path) as reader:
        plan = plan_headers(reader.headers, None, "accounts")
        for rows in reader.batches(args.batch_size):
            found = {c: screen(plan, rows, c) for c in (True, False)}
            for columnar, (cpu, _) in found.items():
                spent[columnar] += cpu
            assert found[True][1] == found[False][1], "the two ways differ"
            numbers = phones_of(plan, rows)
            count += len(numbers)
            readings = {b: read_phones(numbers, b) for b in (True, False)}
            for by_block, (cpu, _) in readings.items():
                phones[by_block] += cpu
            assert readings[True][1] == readings[False][1], "the two phone readings differ"
    rows_us = {k: v / args.rows * 1e6 for k, v in spent.items()}
    phone_us = {k: v / max(count, 1) * 1e6 for k, v in phones.items()}
    print(
        f"{args.rows:,} rows: column by column {spent[True]:.1f} CPU s ({rows_us[True]:.0f} us a "
        f"row), row by row {spent[False]:.1f} CPU s ({rows_us[False]:.0f} us a row), equal "
        f"results\n{count:,} phones: by block {phones[True]:.2f} CPU s ({phone_us[True]:.1f} us "
        f"a number), one by one {phones[False]:.2f} CPU s ({phone_us[False]:.1f} us a number), "
        f"equal results; caches {'kept' if args.keep_caches else 'cleared'}; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(f"{screen_payments(args.rows, args.batch_size, WORK)}; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
