"""The import task: a file in, every row landed or rejected, a summary out.

The file is streamed in batches (memory stays bounded whatever its size). For
each batch the task

1. projects the rows onto the canonical columns and hashes them, and skips
   rows whose hash equals the one stored for their account or payment
   (re-importing an unchanged file therefore reads it and does nothing else);
2. validates and normalises the other rows — in worker processes for large
   files, overlapping with the writing of the previous batch;
3. writes the valid rows and the rejections, and commits.

A CSV file whose lines are its records (no quotes) is not split into rows here:
its chunks of lines go to the workers as they are, and this process reads only
each row's key (:mod:`.lines`).

A dry run does the same inside one transaction and rolls it back. If the task
fails, the import is marked failed with the reason; running it again finishes
the work without duplicating anything, because every write is keyed.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from arrears.errors import ArrearsError, NotFound
from arrears.ingest.debtors import DebtorMemo, Prepared
from arrears.ingest.lines import Lines, scan_keys, screen_lines
from arrears.ingest.mapping import HeaderPlan, Mapping, load_mapping, plan_headers
from arrears.ingest.payments import apply_payments
from arrears.ingest.readers import LineChunk, RawRow, TableReader, open_table
from arrears.ingest.rejects import RejectWriter
from arrears.ingest.results import Packed, screened_packed, unpack, yield_to_the_importer
from arrears.ingest.rows import PaymentRow, Rejection, screen_batch
from arrears.ingest.rows.batch import KEY_COLUMNS, in_file_repeat
from arrears.ingest.service import BatchCounts, Context, apply_accounts
from arrears.kit.crypto import FieldCipher
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

KINDS = ("accounts", "payments")
T = TypeVar("T")


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    path: Path
    client: str
    mapping: str | None = None
    dry_run: bool = False
    actor: str = "cli"
    batch_size: int = 20_000
    workers: int = 0  # 0 or 1: validate in this process
    columnar: bool = True  # accounts: screen batches column by column (rows.columns)


@dataclass
class ImportSummary:
    kind: str
    client: str
    file: str
    dry_run: bool
    import_id: int | None = None
    read: int = 0
    counts: BatchCounts = field(default_factory=BatchCounts)
    reject_file: Path | None = None
    rejected_rows_file: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    # A first load into empty tables: their secondary indexes were built at its end.
    indexes_built_after: bool = False

    @property
    def balanced(self) -> bool:
        c = self.counts
        return self.read == c.inserted + c.updated + c.unchanged + c.rejected


@dataclass
class _Batch:
    """One batch on its way through the pipeline."""

    raw: dict[int, list[str | None]]
    todo: list[RawRow]
    problems: dict[int, str]
    early: list[list[Rejection]]
    stored: dict[str, str | None]
    # What screening gave, or will: a worker's future, the result, or the screening to
    # run here when the batch is written (the first of an import with workers: they
    # take a second or two to start, and the importer has nothing else to do meanwhile).
    result: Future[tuple[int, Any]] | tuple[int, Any] | Callable[[], Any] | None = None
    # A chunk of lines (see _prepare_lines): its rows are split where they are screened,
    # and a raw row is read again from its line only when it is rejected.
    lines: Lines | None = None
    read: int = 0  # rows of the chunk (its lines less the empty ones)
    skip: set[int] = field(default_factory=set)  # rows rejected here (in-file duplicates)

    def raw_row(self, number: int) -> list[str | None]:
        """The cells of a row of the batch, as the reader gives them."""
        return self.raw[number] if self.lines is None else self.lines.values(number)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_import(
    request: ImportRequest,
    *,
    uow_factory: Callable[[], UnitOfWork],
    cipher: FieldCipher,
    reject_dir: Path,
    clock: Callable[[], datetime],
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import one file for one client; see the module docstring."""
    if request.kind not in KINDS:
        raise ArrearsError(f"unknown import kind '{request.kind}' (accounts or payments)")
    if not request.path.is_file():
        raise NotFound(f"{request.path}: no such file")
    mapping = load_mapping(request.mapping) if request.mapping else None
    with _open(request, mapping) as reader, uow_factory() as uow:
        plan = plan_headers(reader.headers, mapping, request.kind)
        client = uow.clients.get_by_code(request.client)
        if client is None:
            raise NotFound(
                f"unknown client '{request.client}': create it with `arrears clients add`"
            )
        summary = ImportSummary(
            kind=request.kind,
            client=request.client,
            file=str(request.path),
            dry_run=request.dry_run,
            ignored_columns=list(plan.ignored),
            encoding=reader.encoding,
        )
        if not request.dry_run:
            # An import that stopped with its indexes deferred left them to this one.
            uow.bulk.restore_indexes()
        at = clock()
        import_id = uow.imports.start(
            client_id=client.id,
            kind=request.kind,
            file_name=str(request.path),
            file_sha256=file_sha256(request.path),
            mapping=request.mapping,
            actor=request.actor,
            dry_run=request.dry_run,
            started_at=at,
        )
        if not request.dry_run:
            uow.commit()
        summary.import_id = None if request.dry_run else import_id
        # Debtors this import writes are remembered, not searched again in the store.
        memo = DebtorMemo(uow.debtors.max_id(client.id)) if request.kind == "accounts" else None
        ctx = Context(
            uow=uow,
            client_id=client.id,
            import_id=import_id,
            at=at,
            actor=request.actor,
            memo=memo,
        )
        stem = (
            f"import-{import_id}-{request.path.stem}"
            if not request.dry_run
            else (f"dry-run-{request.path.stem}")
        )
        try:
            with RejectWriter(reject_dir, stem, reader.headers) as rejects:
                _pipeline(request, reader, plan, ctx, cipher, rejects, summary, progress)
            summary.reject_file = rejects.path
            summary.rejected_rows_file = rejects.rows_path if rejects.rows else None
        except BaseException as exc:
            uow.rollback()
            if not request.dry_run:
                _mark_failed(uow, import_id, clock(), exc)
            raise
        _finish(uow, ctx, summary, clock())
        if request.dry_run:
            uow.rollback()
        else:
            uow.commit()
        return summary


def _open(request: ImportRequest, mapping: Mapping | None) -> TableReader:
    formats = mapping.formats if mapping else None
    return open_table(
        request.path,
        encoding=formats.encoding if formats else None,
        delimiter=formats.delimiter if formats else None,
        sheet=formats.sheet if formats else None,
    )


def _pipeline(
    request: ImportRequest,
    reader: TableReader,
    plan: HeaderPlan,
    ctx: Context,
    cipher: FieldCipher,
    rejects: RejectWriter,
    summary: ImportSummary,
    progress: Callable[[int], None] | None,
) -> None:
    """Screen the next batches in worker processes while writing the oldest one."""
    seen: dict[str, int] = {}
    # A CSV file whose lines are its records is cut into chunks of lines, split into
    # cells by the workers; other files come as batches of rows.
    chunks = reader.line_chunks(request.batch_size)
    batches: Iterator[list[RawRow] | LineChunk] = iter(
        chunks if chunks is not None else reader.batches(request.batch_size)
    )
    ahead = deque(islice(batches, 2))  # a file of one batch is not worth the processes
    pool = _pool(request.workers) if len(ahead) > 1 else None
    pending: deque[_Batch] = deque()
    try:
        with (
            ctx.uow.bulk.loading(),
            _indexes_deferred(request, ctx, summary),
            _settled_heap() as settle,
        ):

            def write_oldest() -> None:
                _write(request, pending.popleft(), ctx, cipher, rejects, summary)
                settle()
                if progress:
                    progress(summary.read)

            for number, rows in enumerate(_drained(ahead, batches)):
                # The first batch is screened here, once the workers have the next ones:
                # while they start, the importer would otherwise wait (see _Batch.result).
                here = pool is not None and number == 0
                screen: Callable[[], Any]
                if isinstance(rows, LineChunk):
                    delimiter, encoding = reader.delimiter or ",", reader.encoding or ""
                    lines = Lines(rows, delimiter, len(reader.headers), encoding)
                    batch = _prepare_lines(request.kind, lines, plan, ctx, seen)
                    summary.read += batch.read
                    screen = partial(_screen_chunk, None if here else pool, request, plan,
                                     batch, cipher)  # fmt: skip
                else:
                    batch = _prepare(request.kind, rows, plan, reader, ctx, seen)
                    summary.read += len(rows)
                    screen = partial(_screen, None if here else pool, request, plan, batch, cipher)
                batch.result = screen if here else screen()
                pending.append(batch)
                # Keep every worker busy: as many batches in flight as there are workers.
                while pending and (pool is None or len(pending) > request.workers):
                    write_oldest()
            while pending:
                write_oldest()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


@contextmanager
def _indexes_deferred(
    request: ImportRequest, ctx: Context, summary: ImportSummary
) -> Iterator[None]:
    """A first load of accounts into an empty store builds its secondary indexes at the
    end (``BulkWriter.indexes_deferred``); a dry run changes nothing, not even those."""
    if request.dry_run or request.kind != "accounts":
        yield
        return
    with ctx.uow.bulk.indexes_deferred() as deferred:
        summary.indexes_built_after = deferred
        yield


def _drained(first: deque[T], rest: Iterator[T]) -> Iterator[T]:
    """``first``'s items, then ``rest``'s; each leaves ``first`` as it is taken, so the
    batches read ahead are not kept alive for the whole import (``chain`` keeps them)."""
    while first:
        yield first.popleft()
    yield from rest


@contextmanager
def _settled_heap() -> Iterator[Callable[[], None]]:
    """No work for the cyclic garbage collector while an import runs.

    The importing process allocates millions of small objects a batch (rows, keys,
    tuples for the driver), and frees them by reference counting when the batch is
    written: none of it is garbage in cycles. The collector still walked them: with
    young collections every 700 allocations it took 25-30 % of the importer's CPU
    time, and every 50,000 still 5.4-5.8 s of a 1M-row first load (about 8 %). So it
    waits for the end of the import (the peak memory of that load was the same
    either way: 1,033 against 1,037 MiB).

    The callable returned, called after each batch, sets the objects alive then aside
    (``gc.freeze``): they return to the collector at the end as its oldest
    generation, so the first collection after the import does not walk the import's
    caches as young objects. Garbage in cycles, if any, waits for the end of the
    import. Nothing is frozen when something else already froze objects (it would be
    thawed with ours).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    frozen = not gc.get_freeze_count()
    try:
        yield gc.freeze if frozen else lambda: None
    finally:
        if frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _pool(workers: int) -> Executor | None:
    if workers <= 1:
        return None
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=yield_to_the_importer,
    )


def _prepare(
    kind: str,
    rows: list[RawRow],
    plan: HeaderPlan,
    reader: TableReader,
    ctx: Context,
    seen: dict[str, int],
) -> _Batch:
    """Set aside in-file duplicates; read the stored hashes of the batch's keys.

    Only the key of each row is read here; projecting, hashing and validating are
    left to :func:`screen_batch`, in a worker process when there are several.
    """
    key_of, invoice_of = _cell(plan, KEY_COLUMNS[kind]), _cell(plan, "invoice_no")
    batch = _Batch(raw={}, todo=[], problems={}, early=[], stored={})
    keys: list[str] = []
    for number, values in rows:
        batch.raw[number] = values
        key = key_of(values) or ""
        invoice = invoice_of(values) if key and kind == "accounts" else None
        repeat = in_file_repeat(kind, key, invoice, number, seen)
        if repeat:
            batch.early.append(repeat)
            continue
        keys.append(key)
        batch.todo.append((number, values))
        if number in reader.row_problems:
            batch.problems[number] = reader.row_problems[number]
    batch.stored = _stored_hashes(kind, ctx, keys)
    return batch


def _stored_hashes(kind: str, ctx: Context, keys: list[str]) -> dict[str, str | None]:
    """The row hash stored for each key of a batch that the store has (account refs or
    payment references of the client)."""
    if kind == "accounts":
        known = ctx.uow.imports.known_accounts(ctx.client_id, keys)
        return {ref: k.row_hash for ref, k in known.items()}
    return ctx.uow.payments.known(ctx.client_id, keys)


def _cell(plan: HeaderPlan, name: str) -> Callable[[list[str | None]], str | None]:
    """One canonical column of a raw row, as :func:`.mapping.value_of` gives it, with
    the plan looked up once instead of for every row."""
    index, constant = plan.columns.get(name), plan.constants.get(name)
    if index is None:
        return lambda values: constant
    if constant is None:
        return lambda values: values[index]
    return lambda values: constant if values[index] is None else values[index]


def _screen(
    pool: Executor | None,
    request: ImportRequest,
    plan: HeaderPlan,
    batch: _Batch,
    cipher: FieldCipher,
) -> Future[tuple[int, Any]] | tuple[int, Any]:
    args = (request.kind, plan, batch.todo, batch.problems, batch.stored, request.columnar)
    return _screened(pool, cipher, screen_batch, *args)


def _screened(
    pool: Executor | None, cipher: FieldCipher, screen: Callable[..., tuple[int, Any]], *args: Any
) -> Future[tuple[int, Any]] | tuple[int, Any]:
    """``screen(*args)`` here without workers, else in one of them, packed. The field keys
    go with the batch: the worker indexes and encrypts its national ids."""
    if pool is None:
        return screen(*args)
    return pool.submit(screened_packed, cipher, screen, *args)


def _prepare_lines(
    kind: str, lines: Lines, plan: HeaderPlan, ctx: Context, seen: dict[str, int]
) -> _Batch:
    """:func:`_prepare` for a chunk of lines: only the keys are read here (see
    :mod:`.lines`)."""
    found = scan_keys(kind, lines, plan, KEY_COLUMNS[kind], seen)
    stored = _stored_hashes(kind, ctx, found.keys)
    return _Batch(raw={}, todo=[], problems={}, early=found.early, stored=stored, lines=lines,
                  read=found.read, skip=found.skip)  # fmt: skip


def _screen_chunk(
    pool: Executor | None,
    request: ImportRequest,
    plan: HeaderPlan,
    batch: _Batch,
    cipher: FieldCipher,
) -> Future[tuple[int, Any]] | tuple[int, Any]:
    assert batch.lines is not None
    args = (request.kind, plan, batch.lines, batch.skip, batch.stored, request.columnar)
    return _screened(pool, cipher, screen_lines, *args)


def _write(
    request: ImportRequest,
    batch: _Batch,
    ctx: Context,
    cipher: FieldCipher,
    rejects: RejectWriter,
    summary: ImportSummary,
) -> None:
    found = batch.result
    if isinstance(found, Future):
        found = found.result()
    elif callable(found):
        found = found()
    assert found is not None
    unchanged, results = found
    prepared = None
    if isinstance(results, Packed):
        accounts = unpack(results)
        keys = dict(zip(map(id, accounts), results.keys, strict=True))
        prepared = Prepared(keys, results.national)
        rejected, valid = results.rejected, [*accounts, *results.others]
    else:
        rejected = [r for r in results if isinstance(r, list)]
        valid = [r for r in results if not isinstance(r, list)]
    for problems in [*batch.early, *rejected]:
        rejects.reject(problems, batch.raw_row(problems[0].row))
    counts = BatchCounts(unchanged=unchanged, rejected=len(batch.early) + len(rejected))
    ctx.uow.bulk.keep_loading()
    if request.kind == "accounts":
        counts.add(apply_accounts(ctx, valid, cipher, prepared))
    else:
        written, refused = apply_payments(ctx, _payments(valid))
        counts.add(written)
        for row, problem in refused:
            rejects.reject([problem], batch.raw_row(row.row))
        counts.rejected += len(refused)
    summary.counts.add(counts)
    if not request.dry_run:
        ctx.uow.commit()
    else:
        ctx.uow.session.flush()


def _payments(rows: list[Any]) -> list[PaymentRow]:
    return [r for r in rows if isinstance(r, PaymentRow)]


def _finish(uow: UnitOfWork, ctx: Context, summary: ImportSummary, at: datetime) -> None:
    c = summary.counts
    values = {
        "status": "done",
        "rows_read": summary.read,
        "rows_inserted": c.inserted,
        "rows_updated": c.updated,
        "rows_unchanged": c.unchanged,
        "rows_rejected": c.rejected,
        "reject_file": str(summary.reject_file) if summary.reject_file else None,
    }
    uow.imports.finish(ctx.import_id, at=at, **values)
    uow.audit.append(
        AuditEvent(
            occurred_at=at,
            actor=ctx.actor,
            action=f"import.{summary.kind}",
            entity="import",
            entity_id=str(ctx.import_id),
            after={**values, "file": summary.file, "client": summary.client},
        )
    )


def _mark_failed(uow: UnitOfWork, import_id: int, at: datetime, exc: BaseException) -> None:
    reason = str(exc) or type(exc).__name__
    uow.imports.finish(import_id, at=at, status="failed", error=reason[:2000])
    uow.commit()
