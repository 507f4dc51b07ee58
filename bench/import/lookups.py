"""Time the lookups one import batch makes against a database that already holds rows.

    .venv/bin/python bench/import/lookups.py DATABASE_URL FILE [--client bench] [--rows 20000]

Reads the last ``--rows`` rows of FILE (an imported file, e.g. the one ``measure.py``
imported into the database), validates them, and times what the importer asks the
store for each batch: the stored accounts of the refs and the four debtor lookups of
``DebtorResolver.prefetch``. Run it against databases of different sizes (100k, 1M)
to see which lookup grows with what is stored (1M rows cost more than 10 times 100k).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("file", type=Path)
    parser.add_argument("--client", default="bench")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    os.environ["ARREARS_DATABASE_URL"] = args.url
    os.environ.setdefault("ARREARS_SECRET_KEY", "11" * 32)

    from arrears.cli.context import app
    from arrears.ingest.mapping import plan_headers
    from arrears.ingest.readers import open_table
    from arrears.ingest.rows import AccountRow
    from arrears.ingest.rows.batch import screen_batch

    with open_table(args.file) as reader:
        plan = plan_headers(reader.headers, None, "accounts")
        rows: deque[tuple[int, list[str | None]]] = deque(maxlen=args.rows)
        for batch in reader.batches(args.rows):
            rows.extend(batch)
    _, results = screen_batch("accounts", plan, list(rows), {}, {})
    valid = [r for r in results if isinstance(r, AccountRow)]
    ctx = app()
    with ctx.uow() as uow:
        client = uow.clients.get_by_code(args.client)
        assert client is not None, f"no client {args.client}"
        d, cid = uow.debtors, client.id
        indexes = [ctx.cipher.blind_index(r.national_id) for r in valid if r.national_id]
        lookups = {
            "known accounts": lambda: uow.imports.known_accounts(
                cid, [r.account_ref for r in valid]
            ),
            "by debtor_ref": lambda: d.ids_by_ref(
                cid, [r.debtor_ref for r in valid if r.debtor_ref]
            ),
            "by national id": lambda: d.ids_by_national_index(cid, indexes),
            "by name + birth": lambda: d.ids_by_name_birth(
                cid, [(r.name_key, r.birth_date) for r in valid if r.birth_date]
            ),
            "by name + contact": lambda: d.ids_by_contact(
                cid,
                [(r.name_key, c.value) for r in valid for c in r.contacts if c.kind != "address"],
            ),
        }
        for label, lookup in lookups.items():
            wall, cpu = time.perf_counter(), time.process_time()
            found = lookup()
            print(
                f"{label:18} {len(found):>7} found  wall {time.perf_counter() - wall:6.2f} s  "
                f"CPU {time.process_time() - cpu:6.2f} s  ({len(valid)} rows, "
                f"load {os.getloadavg()[0]:.1f})"
            )


if __name__ == "__main__":
    main()
