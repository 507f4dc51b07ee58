"""Compare the two ways of screening account batches: column by column and row by row.

    .venv/bin/python bench/import/screening.py [--rows 100000] [--batch-size 20000]

Screens every batch of the generated file (see ``run.py``) both ways, alternating, with
the parsers' caches cleared before each, and prints the CPU seconds of each way (this
process; Polars threads included) and whether the results are equal. No database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=20_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import WORK, generate

    from arrears.ingest.mapping import plan_headers
    from arrears.ingest.normalize import contacts, identity
    from arrears.ingest.readers import open_table
    from arrears.ingest.rows import fields
    from arrears.ingest.rows.batch import screen_batch

    WORK.mkdir(parents=True, exist_ok=True)
    path, _ = generate(args.rows)
    caches = (contacts._phone, contacts._email_domain, identity.resident_id_problem,
              fields._read_date)  # fmt: skip
    spent = {True: 0.0, False: 0.0}
    with open_table(path) as reader:
        plan = plan_headers(reader.headers, None, "accounts")
        for rows in reader.batches(args.batch_size):
            found = {}
            for columnar in (True, False):
                for cache in caches:
                    cache.cache_clear()
                start = time.process_time()
                found[columnar] = screen_batch("accounts", plan, rows, {}, {}, columnar)
                spent[columnar] += time.process_time() - start
            assert found[True] == found[False], "the two ways differ"
    print(
        f"{args.rows:,} rows: column by column {spent[True]:.1f} CPU s, row by row "
        f"{spent[False]:.1f} CPU s (equal results); load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
