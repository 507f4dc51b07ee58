"""Running policies on the same simulated portfolio.

:func:`prepare` loads the demo portfolio through the real import path
(:func:`sim.demo.load_demo`) and its recent history into a fresh database;
:func:`simulate` runs one policy on it. :func:`compare` prepares the portfolio
once (a SQLite file), copies it for every policy and runs each on its copy with
the same seed: the same debtors, the same hidden traits, the same dice.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
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


def simulate(
    uow_factory: Callable[[], UnitOfWork], config: Config, policy: Policy, *, seed: int,
    days: int | None = None, start: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Metrics:  # fmt: skip
    """Run ``policy`` on the portfolio in the database behind ``uow_factory``."""
    params = config.params
    with uow_factory() as uow:
        accounts, zones = zones_of(uow)
    traits = bh.draw_traits(accounts["debtor_id"].to_numpy(), params, seed)
    metrics = Metrics(policy=policy.name, seed=seed, days=days or params.days,
                      accounts=accounts.height, debtors=len(zones))  # fmt: skip
    debtors = Debtors(uow_factory=uow_factory, params=params, traits=traits, zones=zones,
                      policies=config.policies, seed=seed, metrics=metrics)  # fmt: skip
    setting = Setting(uow_factory=uow_factory, rulebooks=config.rulebooks,
                      catalogue=config.catalogue, policies=config.policies, debtors=debtors,
                      metrics=metrics, start=start or params.start, days=days or params.days,
                      debtor_of=dict(accounts.select("account_id", "debtor_id").iter_rows()),
                      currency_of=dict(accounts.select("account_id", "currency").iter_rows()),
                      )  # fmt: skip
    result = run(setting, policy, progress)
    with uow_factory() as uow:
        result.promises.update(_promise_counts(uow))
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
) -> list[Metrics]:  # fmt: skip
    """Every policy on a copy of the same portfolio (SQLite files under ``work_dir``)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    size = accounts or config.params.accounts
    template = work_dir / f"portfolio-{seed}-{size}-{config.params.start.isoformat()}.db"
    if not template.exists():
        partial = template.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        database = Database(f"sqlite:///{partial}")
        database.ensure_schema()
        prepare(database.uow, config, seed=seed, work_dir=work_dir / f"demo-{seed}",
                accounts=accounts)  # fmt: skip
        database.dispose()
        partial.rename(template)
    results = []
    for policy in policies:
        copy = work_dir / f"run-{seed}-{policy.name}.db"
        shutil.copyfile(template, copy)
        database = Database(f"sqlite:///{copy}")
        database.ensure_schema()  # a portfolio prepared before a newer migration catches up
        step = (lambda d, n, name=policy.name: progress(name, d, n)) if progress else None
        try:
            results.append(simulate(database.uow, config, policy, seed=seed, days=days,
                                    progress=step))  # fmt: skip
        finally:
            database.dispose()
    return results
