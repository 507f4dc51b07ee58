"""Profile one import in this process: CPU seconds of the import and of each part.

    .venv/bin/python bench/import/measure.py [--rows 100000] [--workers 0] [--cprofile FILE]
        [--postgres URL] [--trace ROWS] [--row-by-row] [--once] [--tag NAME]

Imports the generated file (see ``run.py``) into a new SQLite database (or the
PostgreSQL database named), then imports it again. Reports wall and CPU
seconds (this process and its worker processes) for each run: on a shared
machine CPU seconds compare runs better than wall time. With ``--cprofile``
the first import runs under cProfile, timed in CPU seconds of this process (the
main process alone; use ``--workers 0`` to see everything in one profile), and the
statistics are saved to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT

WORK = ROOT / "var" / "bench" / "import"


class TreeCpu:
    """CPU seconds of this process's descendants (the validation workers), sampled
    from /proc every 50 ms: they are not children this process waits for."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.stop.is_set():
            pending = [os.getpid()]
            while pending:
                pid = pending.pop()
                try:
                    for task in Path(f"/proc/{pid}/task").iterdir():
                        pending.extend(int(c) for c in (task / "children").read_text().split())
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except (FileNotFoundError, ProcessLookupError):
                    continue
                if pid != os.getpid():
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
            time.sleep(0.05)

    def total(self) -> float:
        return sum(self.seen.values())


class Tracer:
    """A progress callback printing the cost of each ``every`` rows: growth shows a
    cost that depends on what is already stored (index depth, lookups)."""

    def __init__(self, every: int) -> None:
        self.every, self.mark = every, 0
        self.wall, self.cpu = time.perf_counter(), own_cpu()

    def __call__(self, done: int) -> None:
        if done - self.mark < self.every:
            return
        wall, cpu = time.perf_counter(), own_cpu()
        rows = done - self.mark
        print(
            f"  rows {self.mark:>9,}-{done:<9,} wall {1e6 * (wall - self.wall) / rows:6.1f} "
            f"us/row, main CPU {1e6 * (cpu - self.cpu) / rows:6.1f} us/row, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        self.mark, self.wall, self.cpu = done, wall, cpu


def own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--cprofile", type=Path)
    parser.add_argument("--postgres", help="a PostgreSQL URL instead of a new SQLite file")
    parser.add_argument("--once", action="store_true", help="skip the re-import")
    parser.add_argument(
        "--tag", default="", help="added to the database's name (runs side by side)"
    )
    parser.add_argument(
        "--row-by-row", action="store_true", help="screen with the row validator only"
    )
    parser.add_argument(
        "--trace", type=int, default=0, metavar="ROWS",
        help="print wall and main-process CPU seconds per ROWS rows (is the cost growing?)",
    )  # fmt: skip
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import generate

    WORK.mkdir(parents=True, exist_ok=True)
    path, _ = generate(args.rows)
    db = WORK / f"profile-{args.rows}{args.tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["ARREARS_DATABASE_URL"] = args.postgres or f"sqlite:///{db}"
    os.environ.setdefault("ARREARS_SECRET_KEY", "11" * 32)
    os.environ["ARREARS_VAR_DIR"] = str(WORK / f"profile-var-{args.rows}{args.tag}")

    from arrears.cli.context import app
    from arrears.ingest.tasks import ImportRequest, run_import

    ctx = app()
    with ctx.uow() as uow:
        if uow.clients.get_by_code("bench") is None:
            uow.clients.add(code="bench", name="Benchmark client", at=datetime.now(UTC))
            uow.commit()
    request = ImportRequest(
        kind="accounts",
        path=path,
        client="bench",
        workers=args.workers,
        batch_size=args.batch_size,
        columnar=not args.row_by_row,
    )
    runs = ["first import"] if args.once else ["first import", "re-import"]
    for label in runs:
        profiler = (
            cProfile.Profile(time.process_time)
            if args.cprofile and label == "first import"
            else None
        )
        tree = TreeCpu()
        own0 = own_cpu()
        wall0 = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = run_import(
            request,
            uow_factory=ctx.uow_factory,
            cipher=ctx.cipher,
            reject_dir=ctx.settings.reject_dir,
            clock=lambda: datetime.now(UTC),
            progress=Tracer(args.trace) if args.trace else None,
        )
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        wall = time.perf_counter() - wall0
        own1 = own_cpu()
        tree.stop.set()
        tree.thread.join()
        c = summary.counts
        print(
            f"{label}: wall {wall:.1f} s, CPU main {own1 - own0:.1f} s + workers "
            f"{tree.total():.1f} s; read {summary.read} = {c.inserted} + {c.updated} + "
            f"{c.unchanged} + {c.rejected}; load {os.getloadavg()[0]:.1f}; peak RSS main "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )


if __name__ == "__main__":
    main()
