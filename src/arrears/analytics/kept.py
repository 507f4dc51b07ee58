"""What the nightly refresh kept, decoded once per process.

The refresh keeps frames whole as Parquet files (``store.queries.analytics_cube``):
the cubes, the accounts, payments and day totals it read, and each day's
snapshot (``snapshot:YYYY-MM-DD``). Decoding a file of a million accounts costs
more than the view computed from it, so a process keeps the last few frames it
decoded, keyed by what identifies one build of the file (database, name, day,
build time, rows and size): a new refresh writes a new file, which is read again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO

import polars as pl

from arrears.store.queries import analytics_cube as store
from arrears.store.uow import UnitOfWork

LIMIT = 12  # frames held per process: the kept inputs, the cubes and a few snapshots
_held: OrderedDict[tuple[object, ...], pl.DataFrame] = OrderedDict()


def frame(uow: UnitOfWork, name: str, *, hold: bool = True) -> pl.DataFrame | None:
    """The frame the refresh kept as ``name``, or None when it kept none; held for the next
    call unless ``hold`` is false (the refresh reads past snapshots once: holding them only
    costs memory)."""
    session = uow.session
    found = store.stamp(session, name)
    if found is None:
        return None
    key = (str(session.get_bind().engine.url), name, *found)
    if key in _held:
        _held.move_to_end(key)
        return _held[key]
    payload = store.cube_file(session, name)
    if payload is None:
        return None
    decoded = pl.read_parquet(BytesIO(payload))
    if not hold:
        return decoded
    _held[key] = decoded
    while len(_held) > LIMIT:
        _held.popitem(last=False)
    return decoded


def remember(uow: UnitOfWork, key: tuple[object, ...], load: Callable[[], pl.DataFrame]
             ) -> pl.DataFrame:  # fmt: skip
    """``load()``, kept in this process under ``key`` (with the database's URL): a frame read
    from the store that a refresh never rewrites without changing ``key``."""
    full = (str(uow.session.get_bind().engine.url), *key)
    if full not in _held:
        _held[full] = load()
        while len(_held) > LIMIT:
            _held.popitem(last=False)
    _held.move_to_end(full)
    return _held[full]


def keep(uow: UnitOfWork, name: str, rows: pl.DataFrame, as_of: date, at: datetime) -> int:
    """Keep ``rows`` as ``name`` (replacing what was kept); returns the rows kept."""
    out = BytesIO()
    rows.write_parquet(out, compression="zstd", row_group_size=100_000)
    store.keep_cube(uow.session, name, payload=out.getvalue(), rows=rows.height, as_of=as_of,
                    at=at)  # fmt: skip
    return rows.height


def snapshot_name(day: date) -> str:
    return f"snapshot:{day.isoformat()}"


def snapshot(uow: UnitOfWork, day: date) -> pl.DataFrame | None:
    """The snapshot rows of ``day`` the refresh (or the backfill) kept, if it kept them."""
    return frame(uow, snapshot_name(day))


def forget() -> None:
    """Drop every decoded frame (tests; a process that must not hold them)."""
    _held.clear()
