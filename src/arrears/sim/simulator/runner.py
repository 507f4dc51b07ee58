"""Running policies on the same simulated portfolio.

:func:`prepare` loads the demo portfolio through the real import path
(:func:`sim.demo.load_demo`) and its recent history into a fresh database;
:func:`simulate` runs one policy on it. :func:`compare` prepares the portfolio
once (a SQLite file), copies it for every policy and runs each on its copy with
the same seed: the same debtors, the same hidden traits, the same dice.
"""

from __future__ import annotations

import copy
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import polars as pl

from arrears.compliance.rulebooks import Rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.payments.policy import PolicyBook
from arrears.planner.contacts import DEFAULT_ZONE
from arrears.sim.demo import load_demo, load_history
from arrears.sim.simulator import behaviour as bh
from arrears.sim.simulator.debtors import Debtors
from arrears.sim.simulator.metrics import Metrics
from arrears.sim.simulator.params import SimulationParams
from arrears.sim.simulator.world import Policy, Setting, run
from arrears.store.database import Database
from arrears.store.queries import planning as queries
from arrears.store.uow import UnitOfWork
from arrears.templates import TemplateCatalogue


@dataclass(frozen=True)
class Config:
    """Everything a run reads besides the policy: parameters and the shipped configuration."""

    params: SimulationParams
    rulebooks: Rulebooks
    catalogue: TemplateCatalogue
    policies: PolicyBook
    cipher: FieldCipher


def prepare(
    uow_factory: Callable[[], UnitOfWork], config: Config, *, seed: int, work_dir: Path,
    accounts: int | None = None,
) -> int:  # fmt: skip
    """Load the demo portfolio and its recent history; the number of accounts loaded."""
    params = config.params
    at = datetime.combine(params.start, time(0), tzinfo=UTC)
    load_demo(out_dir=work_dir / "files", accounts=accounts or params.accounts, seed=seed,
              as_of=params.start, uow_factory=uow_factory, cipher=config.cipher,
              reject_dir=work_dir / "rejects", clock=lambda: at)  # fmt: skip
    load_history(uow_factory=uow_factory, as_of=params.start, seed=seed, at=at)
    with uow_factory() as uow:
        return queries.open_accounts(uow.session).height


def zones_of(uow: UnitOfWork) -> tuple[pl.DataFrame, dict[int, str]]:
    """Open accounts, and each debtor's zone (first zone on file, else the country's)."""
    accounts = queries.open_accounts(uow.session)
    points = queries.contact_points(uow.session)
    on_file = (
        points.filter(pl.col("time_zones").list.len() > 0)
        .group_by("debtor_id").agg(pl.col("time_zones").first().list.first().alias("zone"))
    )  # fmt: skip
    country = pl.col("jurisdiction").fill_null("").str.split("-").list.first()
    frame = (
        accounts.select("debtor_id", country.alias("country"))
        .unique("debtor_id")
        .join(on_file, on="debtor_id", how="left")
    )
    zones = {d: z or DEFAULT_ZONE.get(c or "", "UTC") for d, c, z in frame.iter_rows()}
    return accounts, zones


@dataclass
class DebtorState:
    """What the debtors carry from a warm-up into the compared period.

    Their traits as the warm-up left them (job losses, windfalls, hardship,
    reminders still working) and the days they were contacted (fatigue).
    Promises need nothing: their dice are keyed by account and due day.
    """

    traits: bh.Traits
    recent: dict[int, list[int]]


def simulate(
    uow_factory: Callable[[], UnitOfWork], config: Config, policy: Policy, *, seed: int,
    days: int | None = None, start: date | None = None, first: int = 0,
    state: DebtorState | None = None, progress: Callable[[int, int], None] | None = None,
    keep: Callable[[DebtorState], None] | None = None,
) -> Metrics:  # fmt: skip
    """Run ``policy`` on the portfolio in the database behind ``uow_factory``.

    ``first``: the dice's number of the first day (the days already played since
    the portfolio's start, e.g. by a warm-up), ``start`` defaulting to the
    portfolio's start plus ``first``; ``state``: the debtors as the warm-up left
    them; ``keep`` receives the debtors' state at the end.
    """
    params = config.params
    with uow_factory() as uow:
        accounts, zones = zones_of(uow)
    traits = state.traits if state else bh.draw_traits(accounts["debtor_id"].to_numpy(), params,
                                                          seed)  # fmt: skip
    metrics = Metrics(policy=policy.name, seed=seed, days=days or params.days,
                      accounts=accounts.height, debtors=len(zones))  # fmt: skip
    debtors = Debtors(uow_factory=uow_factory, params=params, traits=traits, zones=zones,
                      policies=config.policies, seed=seed, metrics=metrics)  # fmt: skip
    debtors.client_of = dict(accounts.select("account_id", "client").iter_rows())
    if state:
        debtors.recent.update({d: list(v) for d, v in state.recent.items()})
    setting = Setting(uow_factory=uow_factory, rulebooks=config.rulebooks,
                      catalogue=config.catalogue, policies=config.policies, debtors=debtors,
                      metrics=metrics, start=start or params.start + timedelta(days=first),
                      days=days or params.days, first=first,
                      debtor_of=dict(accounts.select("account_id", "debtor_id").iter_rows()),
                      currency_of=dict(accounts.select("account_id", "currency").iter_rows()),
                      )  # fmt: skip
    result = run(setting, policy, progress)
    with uow_factory() as uow:
        result.promises.update(_promise_counts(uow))
    if keep:
        keep(DebtorState(debtors.traits, dict(debtors.recent)))
    return result


def _promise_counts(uow: UnitOfWork) -> dict[str, int]:
    counts: dict[str, int] = {}
    for promise in uow.resolution.promises(limit=1_000_000):
        if promise.taken_by in ("simulation", "inbound"):
            counts[promise.status] = counts.get(promise.status, 0) + 1
    return counts


def compare(
    config: Config, policies: list[Policy], *, seed: int, work_dir: Path,
    days: int | None = None, accounts: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    warmup: int = 0, warmup_policy: Policy | None = None,
) -> list[Metrics]:  # fmt: skip
    """Every policy on a copy of the same portfolio (SQLite files under ``work_dir``).

    With ``warmup`` days, the portfolio is first played with ``warmup_policy``
    (by default the first policy) for that many days, once, and every policy
    starts from where the warm-up left the store and the debtors: the models
    have a past consistent with the debtors to learn from, and the compared
    period is the same for every policy.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    template = _portfolio(config, seed=seed, work_dir=work_dir, accounts=accounts)
    state = None
    if warmup > 0:
        template, state = _warmed(config, warmup_policy or policies[0], template, seed=seed,
                                  days=warmup, progress=progress)  # fmt: skip
    results = []
    for policy in policies:
        path = work_dir / f"run-{seed}-{policy.name}.db"
        _remove_sqlite(path)
        shutil.copyfile(template, path)
        database = Database(f"sqlite:///{path}")
        database.ensure_schema()  # a portfolio prepared before a newer migration catches up
        step = (lambda d, n, name=policy.name: progress(name, d, n)) if progress else None
        try:
            run = simulate(database.uow, config, policy, seed=seed, days=days, first=warmup,
                           state=copy_state(state), progress=step)  # fmt: skip
            results.append(run)
        finally:
            database.dispose()
    return results


def _portfolio(config: Config, *, seed: int, work_dir: Path, accounts: int | None) -> Path:
    """The prepared portfolio of ``seed`` (a SQLite file, made once)."""
    size = accounts or config.params.accounts
    template = work_dir / f"portfolio-{seed}-{size}-{config.params.start.isoformat()}.db"
    if not template.exists():
        partial = template.with_suffix(".partial")
        _remove_sqlite(partial)
        database = Database(f"sqlite:///{partial}")
        database.ensure_schema()
        prepare(database.uow, config, seed=seed, work_dir=work_dir / f"demo-{seed}",
                accounts=accounts)  # fmt: skip
        database.dispose()
        partial.rename(template)
    return template


def _warmed(
    config: Config, policy: Policy, template: Path, *, seed: int, days: int,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[Path, DebtorState]:  # fmt: skip
    """The portfolio after ``days`` of ``policy`` (made once), and the debtors' state."""
    # Made once per portfolio, length, policy and capacity (delete the file to play it again).
    name = f"{template.stem}-warm{days}-{policy.name}-{policy.call_capacity}.db"
    warm = template.with_name(name)
    saved = warm.with_suffix(".state")
    if not (warm.exists() and saved.exists()):
        partial = warm.with_suffix(".partial")
        _remove_sqlite(partial)  # a killed run's journal would corrupt the fresh copy
        shutil.copyfile(template, partial)
        database = Database(f"sqlite:///{partial}")
        database.ensure_schema()
        kept: list[DebtorState] = []
        step = (lambda d, n: progress("warm-up", d, n)) if progress else None
        try:
            simulate(database.uow, config, policy, seed=seed, days=days, progress=step,
                     keep=kept.append)  # fmt: skip
        finally:
            database.dispose()
        saved.write_bytes(pickle.dumps(kept[0]))
        partial.rename(warm)
    state: DebtorState = pickle.loads(saved.read_bytes())
    return warm, state


def _remove_sqlite(path: Path) -> None:
    """A SQLite file and its write-ahead log and shared-memory index, if any."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)


def copy_state(state: DebtorState | None) -> DebtorState | None:
    """A copy every policy may change on its own."""
    return None if state is None else copy.deepcopy(state)
