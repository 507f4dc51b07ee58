"""Load the demo portfolio through the same import path as users' files.

``arrears demo`` generates the files (``sim.portfolio``), creates the demo
clients when they are missing, and imports every file with
``ingest.tasks.run_import`` — exactly what a user's ``arrears import`` does.
Running it again re-imports the same files and changes nothing. The demo also
gets a recent contact history (``sim.history``) so the daily plan has
something to count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from arrears.ingest.tasks import ImportRequest, ImportSummary, run_import
from arrears.kit.crypto import FieldCipher
from arrears.sim.history import generate_history
from arrears.sim.portfolio import DemoManifest, generate_demo
from arrears.store.queries import planning as queries
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork


def ensure_clients(
    manifest: DemoManifest, uow_factory: Callable[[], UnitOfWork], at: datetime
) -> None:
    with uow_factory() as uow:
        for client in manifest.clients:
            if uow.clients.get_by_code(client.code) is None:
                record = uow.clients.add(
                    code=client.code,
                    name=client.name,
                    at=at,
                    jurisdiction=client.jurisdiction,
                    currency=client.currency,
                )
                uow.audit.append(
                    AuditEvent(
                        at,
                        "demo",
                        "client.created",
                        "client",
                        str(record.id),
                        after={"code": client.code},
                    )
                )
        uow.commit()


def load_demo(
    *,
    out_dir: Path,
    accounts: int,
    seed: int,
    as_of: date,
    uow_factory: Callable[[], UnitOfWork],
    cipher: FieldCipher,
    reject_dir: Path,
    clock: Callable[[], datetime],
    workers: int = 0,
    on_file: Callable[[ImportSummary], None] | None = None,
) -> list[ImportSummary]:
    """Generate and import the demo portfolio; returns one summary per file."""
    manifest = generate_demo(out_dir, accounts=accounts, seed=seed, as_of=as_of)
    ensure_clients(manifest, uow_factory, clock())
    summaries = []
    for demo_file in manifest.files:
        request = ImportRequest(
            kind=demo_file.kind,
            path=demo_file.path,
            client=demo_file.client,
            mapping=demo_file.mapping,
            actor="demo",
            workers=workers,
        )
        summary = run_import(
            request, uow_factory=uow_factory, cipher=cipher, reject_dir=reject_dir, clock=clock
        )
        summaries.append(summary)
        if on_file:
            on_file(summary)
    return summaries


def load_history(
    *, uow_factory: Callable[[], UnitOfWork], as_of: date, seed: int, at: datetime
) -> int:
    """Give the demo its recent contact history, holds and opt-outs (once).

    Returns the number of interactions written; 0 when the database already has
    a history (the demo never adds one twice).
    """
    with uow_factory() as uow:
        if uow.interactions.count() > 0:
            return 0
        accounts = queries.open_accounts(uow.session)
        points = queries.contact_points(uow.session)
        history = generate_history(accounts, points, as_of=as_of, seed=seed)
        uow.interactions.add_many(history.interactions)
        uow.accounts.set_state(history.holds)
        uow.debtors.set_do_not_contact(history.opted_out)
        uow.audit.append(
            AuditEvent(
                at, "demo", "demo.history", "demo", None,
                after={"interactions": len(history.interactions), "holds": len(history.holds),
                       "opted_out": len(history.opted_out)},
            )
        )  # fmt: skip
        uow.commit()
    return len(history.interactions)
