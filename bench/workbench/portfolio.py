"""A million-account PostgreSQL database for the workbench benchmark, built from the demo.

The demo (20,000 accounts through the real import path, its contact history,
its teams and users) is loaded once; its debtors, contact points and accounts
are then copied in SQL ``copies`` times with shifted ids and suffixed
references, so the copies look like the demo in every column the workbench
reads. Bench code, not product code: the SQL here only builds test data.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from bench.common import ROOT
from sqlalchemy import Engine, create_engine, text

ARREARS = str(ROOT / ".venv" / "bin" / "arrears")
# Tables copied, with the columns that point at a copied row (shifted by the same offset).
COPIED = {
    "debtors": ("id",),
    "contact_points": ("id", "debtor_id"),
    "accounts": ("id", "debtor_id"),
}
SUFFIXED = {"debtors": "debtor_ref", "accounts": "account_ref"}


def cli(env: dict[str, str], *args: str) -> float:
    """Run an arrears command; its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([ARREARS, *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def columns(engine: Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = :t ORDER BY ordinal_position"
            ),
            {"t": table},
        )
        return [r[0] for r in rows]


def multiply(engine: Engine, copies: int) -> None:
    """Add ``copies`` shifted copies of every debtor, contact point and account."""
    with engine.begin() as conn:
        offsets = {t: conn.execute(text(f"SELECT max(id) FROM {t}")).scalar_one() for t in COPIED}
    for k in range(1, copies + 1):
        with engine.begin() as conn:
            for table, shifted in COPIED.items():
                cols = columns(engine, table)
                select = []
                for col in cols:
                    base = "debtors" if col == "debtor_id" else table
                    if col in shifted:
                        select.append(f"{col} + {k * offsets[base]}")
                    elif SUFFIXED.get(table) == col:
                        select.append(f"{col} || '-{k}'")
                    else:
                        select.append(col)
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(cols)}) "
                        f"SELECT {', '.join(select)} FROM {table} WHERE id <= {offsets[table]}"
                    )
                )
    with engine.begin() as conn:
        for table in COPIED:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        conn.execute(text("ANALYZE"))


def build(url: str, accounts: int, work: Path) -> dict[str, float]:
    """The database at ``url`` with about ``accounts`` accounts; timings of each step."""
    env = {**os.environ, "ARREARS_DATABASE_URL": url, "ARREARS_VAR_DIR": str(work)}
    times = {"upgrade": cli(env, "db", "upgrade")}
    base = min(accounts, 20_000)
    times["demo"] = cli(env, "demo", "--accounts", str(base), "--no-report")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    start = time.perf_counter()
    multiply(engine, max(0, accounts // base - 1))
    times["multiply"] = time.perf_counter() - start
    start = time.perf_counter()
    collectors = add_collectors(engine, COLLECTORS)
    assign_evenly(engine, [user_id for user_id, _ in collectors])
    times["assign"] = time.perf_counter() - start
    times["plan"] = cli(env, "plan", "--call-capacity", str(accounts // 5))
    engine.dispose()
    return times


COLLECTORS = 100
PASSWORD = "bench-collector-password"  # a throwaway database's users


def add_collectors(engine: Engine, n: int) -> list[tuple[int, str]]:
    """``n`` collectors with a known password, through the users service; (id, username)."""
    from datetime import UTC, datetime

    from arrears.store.uow import UnitOfWork
    from arrears.workbench import users

    at = datetime.now(UTC)
    made = []
    with UnitOfWork.for_engine(engine) as uow:
        for i in range(n):
            name = f"bench.{i:03d}"
            new = users.add_user(
                uow=uow,
                username=name,
                display_name=name,
                role="collector",
                team="Bench",
                language="en-US",
                at=at,
                by="bench",
            )
            users.change_password(uow=uow, user=new.user, current=new.password, new=PASSWORD, at=at)
            made.append((new.user.id, name))
        uow.commit()
    return made


def assign_evenly(engine: Engine, user_ids: list[int]) -> None:
    """Every open account to one of the collectors, round robin (bench data only)."""
    ids = ", ".join(str(u) for u in user_ids)
    with engine.begin() as conn:
        conn.execute(
            text(
                f"UPDATE accounts SET assignee_id = (ARRAY[{ids}])[(id % {len(user_ids)}) + 1] "
                "WHERE status NOT IN ('paid', 'settled', 'closed', 'written_off', 'recalled')"
            )
        )
