"""Benchmark: import 1,000,000 canonical account rows (issue: Foundation §6).

    .venv/bin/python bench/import/run.py [--rows|--sizes 1000000] [--runs 3] [--skip-postgres]
        [--write]

1. Generates the rows (``sim.portfolio.canonical_accounts_frame``) as a CSV.
2. Imports them with ``arrears import accounts`` into an empty SQLite database,
   then imports the unchanged file again; ``--runs`` times, each into a new
   database, and reports the median (this machine's speed drifts by a tenth
   within an hour).
3. Does the same once on a PostgreSQL server started for the run on 127.0.0.1.

Wall time and the peak RSS of the importing process tree (the CLI
and its validation workers) are printed, with the load average; ``--write``
puts them in docs/benchmarks.md (section ``import``). Targets on 2 cores:
<= 60 s and <= 2 GiB for the first SQLite import, <= 30 s for the re-import.
``measure.py`` profiles one import in-process (iterate on it with 100k rows).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, Run, machine, now, run_measured, write_section

WORK = ROOT / "var" / "bench" / "import"
AS_OF = date(2026, 11, 20)


# Where the time goes, from measure.py and lookups.py (kept with the table on --write).
NOTES = """\
Where the time goes (2026-11-24 10:40; py-spy and per-process CPU seconds, `measure.py`): the
importing process sets the pace, 56-62 CPU s at 1M rows (this machine's speed drifts by a tenth
within an hour, hence the median of three runs), against 46-50 CPU s for the two validation
workers together; the wall is the importing process's CPU time plus 1-3 s. In it, SQLite's
`executemany` is about 29 % (a debtor about 6 us, an account 5, a contact point 3), commits 7 %,
building the deferred indexes at the end 7 % (3.3-3.9 s: sorted in temporary files with a helper
thread; 7.3-7.9 s in memory before), debtor matching in Python about 20 % (keys and the memo 9,
resolving 6, the memo's additions 3), unpacking the workers' results 4 %. The cyclic garbage
collector waits for the end of the import: its young collections took 4-5 s of the load, with
the same peak memory either way."""


def generate(rows: int) -> tuple[Path, float]:
    from arrears.sim.portfolio import canonical_accounts_frame, write_canonical_csv

    path = WORK / f"accounts-{rows}.csv"
    if path.exists():
        return path, 0.0
    start = time.perf_counter()
    frame = canonical_accounts_frame(rows, seed=1, as_of=AS_OF)
    write_canonical_csv(frame, path)
    return path, time.perf_counter() - start


def cli(env: dict[str, str], *args: str) -> Run:
    return run_measured([sys.executable, "-m", "arrears", *args], env)


def import_twice(url: str, path: Path) -> tuple[Run, Run]:
    env = {
        **os.environ,
        "ARREARS_DATABASE_URL": url,
        "ARREARS_VAR_DIR": str(WORK / "var"),
        "ARREARS_SECRET_KEY": "11" * 32,
    }
    cli(env, "db", "upgrade")
    cli(env, "clients", "add", "bench", "--name", "Benchmark client")
    first = cli(env, "import", "accounts", str(path), "--client", "bench")
    print(f"first import: {first.seconds:.1f} s, load {load()}", flush=True)
    second = cli(env, "import", "accounts", str(path), "--client", "bench")
    print(f"re-import: {second.seconds:.1f} s, load {load()}", flush=True)
    return first, second


def load() -> str:
    """The 1, 5 and 15 minute load averages: the machine is shared."""
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def summary_line(run: Run) -> str:
    return next((line.strip() for line in run.stdout.splitlines() if "read " in line), "?")


def fresh_sqlite() -> str:
    db = WORK / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(WORK / "var", ignore_errors=True)
    return f"sqlite:///{db}"


def row(name: str, label: str, runs: list[Run], rows: int) -> str:
    """A table row: the median wall of the runs (and their range), the largest peak."""
    seconds = sorted(run.seconds for run in runs)
    median = statistics.median(seconds)
    wall = (
        f"{median:.1f}" if len(runs) == 1 else f"{median:.1f} ({seconds[0]:.1f}-{seconds[-1]:.1f})"
    )
    peak = max(run.peak_rss_mib for run in runs)
    speed = f"{rows / median:,.0f}"
    return f"| {name} | {label} | {wall} | {peak:.0f} | {speed} | {summary_line(runs[0])} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", "--sizes", dest="rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="SQLite runs; the median is kept")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    path, gen_seconds = generate(args.rows)
    print(f"file: {path} ({path.stat().st_size / 2**20:.0f} MiB, generated in {gen_seconds:.1f} s)")

    results = {"SQLite": [import_twice(fresh_sqlite(), path) for _ in range(args.runs)]}
    if not args.skip_postgres:
        from tests.fixtures.postgres import postgres_server

        with postgres_server() as server:
            url = server.rsplit("/", 1)[0] + "/postgres"
            results["PostgreSQL"] = [import_twice(url, path)]

    runs = "one run" if args.runs == 1 else f"median of {args.runs} runs (range)"
    lines = [
        "## Import (`bench/import/run.py`)",
        "",
        f"Measured {now()} on {machine()}.",
        f"{args.rows:,} canonical account rows, CSV of {path.stat().st_size / 2**20:.0f} MiB; "
        f"SQLite: {runs}, each into a new database; PostgreSQL: one run. Peak RSS is the "
        "largest of the importing CLI plus its validation workers.",
        "",
        "| database | run | wall (s) | peak RSS (MiB) | rows/s | summary |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for name, pairs in results.items():
        firsts, seconds = [first for first, _ in pairs], [second for _, second in pairs]
        lines.append(row(name, "first import", firsts, args.rows))
        lines.append(row(name, "re-import, unchanged", seconds, args.rows))
    targets = "Targets (2 cores): first SQLite import <= 60 s and <= 2 GiB; re-import <= 30 s."
    lines += ["", targets, "", NOTES]
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section("import", body)


if __name__ == "__main__":
    main()
