"""Scoring as use cases: train from the store, evaluate, promote, score the portfolio, monitor.

**Training** looks back from ``as_of``: on several snapshot days (every
``step_days``, the newest one ``horizon_days`` before ``as_of`` so its outcome
window is complete) it computes each account's features from the history
before that day and its outcome from the payments after (``scoring.features``),
trains and tests a model (``scoring.model``), saves its files under the models
folder and registers it as a *candidate*.

**Champion / challenger** works as for strategies: each account's arm is the
MurmurHash3 of its id with the seed of ``"model/" + name`` (``strategy.hashing``),
so it keeps its model from day to day; challengers take consecutive slices of
[0, 1) by their shares, the champion the rest. Every active model scores every
account (so they can be compared on the same accounts); ``used`` marks the
arm's score, which the daily plan reads as ``score`` and ``tier``.

Services never commit; every registry change and every scoring run is audited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.scoring.features import NAMES, labelled, snapshot, snapshot_days, training_frame
from arrears.scoring.model import KINDS, ScoringModel, digest, dump, load, score, train
from arrears.scoring.monitoring import performance, psi_against, psi_status
from arrears.scoring.uplift import UpliftModel, dial_reach, fit_uplift, treatment_frame
from arrears.store.queries import scoring as queries
from arrears.store.queries.planning import WHOLE, Partition
from arrears.store.records.scoring import ModelRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.strategy.hashing import experiment_seed, unit_interval

NAME = "pay30"  # the propensity to pay within 30 days
HORIZON_DAYS, SNAPSHOTS, STEP_DAYS = 30, 6, 14
LOOKBACK_DAYS = 180  # the longest window a feature looks back over


@dataclass(frozen=True)
class TrainingPlan:
    as_of: date
    kind: str = "lightgbm"
    name: str = NAME
    horizon_days: int = HORIZON_DAYS
    snapshots: int = SNAPSHOTS
    step_days: int = STEP_DAYS
    seed: int = 0
    uplift: bool = True  # also learn what a conversation adds (scoring.uplift)

    def days(self) -> list[date]:
        return snapshot_days(self.as_of, self.snapshots, self.step_days, self.horizon_days)

    def uplift_days(self) -> list[date]:
        """Snapshots every :data:`UPLIFT_STEP_DAYS` over the same period as :meth:`days`.

        Conversations are a few per cent of account-days: the effect model needs
        every one of them, so its snapshots are closer together than the propensity's.
        """
        days = self.days()
        count = (max(days) - min(days)).days // UPLIFT_STEP_DAYS + 1
        return snapshot_days(self.as_of, count, UPLIFT_STEP_DAYS, self.horizon_days)


UPLIFT_STEP_DAYS = 2  # = scoring.uplift.TREATMENT_DAYS: each conversation is in one window


def _history(
    uow: UnitOfWork, first_day: date, *, open_only: bool, part: Partition = WHOLE
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    session = uow.session
    return (
        queries.accounts(session, open_only=open_only, part=part),
        queries.payments(session, since=first_day - timedelta(days=LOOKBACK_DAYS), part=part),
        queries.interactions(session, since=first_day - timedelta(days=31), part=part),
        queries.promises(session, part=part),
    )


def _audit(uow: UnitOfWork, at: datetime, actor: str, action: str, version: str | None,
           before: dict[str, Any] | None, after: dict[str, Any]) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(at, actor, action, "model", version, before=before, after=after))


def train_model(
    *, uow: UnitOfWork, plan: TrainingPlan, models_dir: Path, at: datetime, actor: str
) -> ModelRecord:
    """Train, test, save and register a candidate model."""
    if plan.kind not in KINDS:
        raise InvalidInput(f"--kind must be one of {', '.join(KINDS)}, not {plan.kind!r}")
    days = plan.days()
    frames = _history(uow, min(days), open_only=False)
    frame = training_frame(*frames, days, plan.horizon_days)
    if frame.height == 0:
        raise InvalidInput(f"no account owed money on the snapshot days {min(days)}..{max(days)}")
    model = train(frame, kind=plan.kind, names=NAMES, seed=plan.seed)
    if plan.uplift:
        model.uplift = _uplift(frames, plan)
        if model.uplift is not None:
            model.metrics["uplift"] = model.uplift.metrics
    version = uow.scoring.next_version(plan.name)
    files = dump(model)
    _save(models_dir / version, files)
    record = uow.scoring.add_model(
        name=plan.name, version=version, kind=plan.kind, status="candidate",
        trained_as_of=plan.as_of, period_from=min(days), period_to=plan.as_of,
        horizon_days=plan.horizon_days, features=list(NAMES), metrics=model.metrics,
        params={"snapshots": [d.isoformat() for d in days], "seed": plan.seed,
                "step_days": plan.step_days},
        artefact_path=version, digest=digest(files), created_by=actor, created_at=at,
        updated_at=at,
    )  # fmt: skip
    after = {"kind": plan.kind, "rows": frame.height, "test_auc": model.metrics["test"]["auc"]}
    _audit(uow, at, actor, "model.trained", version, None, after)
    return record


def _uplift(
    frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame], plan: TrainingPlan
) -> UpliftModel | None:
    """The call uplift model over the training period (None without conversations)."""
    days = plan.uplift_days()
    treated = treatment_frame(*frames, days, plan.horizon_days, UPLIFT_STEP_DAYS)
    if treated.height == 0:
        return None
    reach = dial_reach(frames[2], min(days), max(days) + timedelta(days=UPLIFT_STEP_DAYS - 1))
    return fit_uplift(treated, names=NAMES, reach=reach, seed=plan.seed)


def _save(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def load_model(record: ModelRecord, models_dir: Path) -> ScoringModel:
    """The model's files, checked against the digest the registry keeps."""
    folder = models_dir / record.artefact_path
    if not folder.is_dir():
        raise NotFound(f"the files of model {record.version} are missing: {folder}")
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
    if digest(files) != record.digest:
        raise Conflict(f"the files of model {record.version} in {folder} were changed")
    return load(files)


def evaluate_model(
    *, uow: UnitOfWork, version: str, as_of: date, models_dir: Path, at: datetime, actor: str
) -> dict[str, Any]:
    """AUC, KS and calibration on the newest complete outcome window before ``as_of``."""
    record = uow.scoring.model(version)
    model = load_model(record, models_dir)
    day = as_of - timedelta(days=record.horizon_days)
    frame = labelled(*_history(uow, day, open_only=False), day, record.horizon_days)
    if frame.height == 0:
        raise InvalidInput(f"no account owed money on {day}: nothing to evaluate")
    y = frame["paid"].cast(pl.Int64).to_numpy()
    result = performance(y, model.probability(frame)).to_json()
    result.update(snapshot=day.isoformat(), as_of=as_of.isoformat(),
                  new_outcomes=day >= record.period_to)  # fmt: skip
    record.metrics = {**record.metrics,
                      "evaluations": [*record.metrics.get("evaluations", []), result]}  # fmt: skip
    record.updated_at = at
    _audit(uow, at, actor, "model.evaluated", version, None,
           {k: result[k] for k in ("snapshot", "count", "auc", "ks", "brier")})  # fmt: skip
    return result


def promote_model(
    *, uow: UnitOfWork, version: str, challenger: bool, share: float, at: datetime, actor: str
) -> ModelRecord:
    """Make ``version`` the champion (retiring the old one) or a challenger with ``share``."""
    record = uow.scoring.model(version)
    before = {"status": record.status, "challenger_share": record.challenger_share}
    active = [m for m in uow.scoring.active(record.name) if m.id != record.id]
    if challenger:
        _check_share(record, active, share)
        record.status, record.challenger_share = "challenger", share
    else:
        for old in active:
            if old.status == "champion":
                old.status, old.updated_at = "retired", at
                _audit(uow, at, actor, "model.retired", old.version,
                       {"status": "champion"}, {"status": "retired", "by": version})  # fmt: skip
        record.status, record.challenger_share = "champion", None
    record.updated_at = at
    _audit(uow, at, actor, "model.promoted", version, before,
           {"status": record.status, "challenger_share": record.challenger_share})  # fmt: skip
    return record


def _check_share(record: ModelRecord, active: list[ModelRecord], share: float) -> None:
    if not any(m.status == "champion" for m in active):
        raise Conflict(f"{record.name} has no champion yet: promote one before a challenger")
    if not 0 < share < 1:
        raise InvalidInput(f"--share must be between 0 and 1 (exclusive), not {share}")
    taken = sum(m.challenger_share or 0.0 for m in active if m.status == "challenger")
    if taken + share > 0.5 + 1e-9:
        raise InvalidInput(
            f"challengers of {record.name} would take {taken + share:.2f} of the accounts; "
            "the champion keeps at least half"
        )


def arm_of(account_id: pl.Expr, name: str, challengers: list[tuple[str, float]],
           champion: str) -> pl.Expr:  # fmt: skip
    """The model version of each account: challengers' slices of [0, 1), the champion the rest."""
    unit = unit_interval(account_id, experiment_seed(f"model/{name}"))
    chosen: pl.Expr = pl.lit(champion)
    bound = sum(share for _, share in challengers)
    for version, share in reversed(challengers):
        bound -= share
        chosen = (
            pl.when((unit >= bound) & (unit < bound + share))
            .then(pl.lit(version))
            .otherwise(chosen)
        )
    return chosen


@dataclass
class ScoreSummary:
    as_of: date
    accounts: int = 0
    rows: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    arms: dict[str, int] = field(default_factory=dict)


def score_portfolio(
    *, uow: UnitOfWork, as_of: date, models_dir: Path, at: datetime, actor: str,
    name: str = NAME, partition_size: int = 250_000,
) -> ScoreSummary:  # fmt: skip
    """Score every open account with the active models of ``name`` and write the scores."""
    active = uow.scoring.active(name)
    if not active or active[0].status != "champion":
        raise NotFound(f"{name} has no champion: arrears model train, then model promote")
    models = [(record, load_model(record, models_dir)) for record in active]
    uow.scoring.clear_scores(as_of, [r.id for r, _ in models])
    parts = max(1, math.ceil(uow.plans.open_account_count() / partition_size))
    summary = ScoreSummary(as_of)
    for index in range(parts):
        _score_partition(uow, models, Partition(index, parts), as_of, at, summary)
    _audit(uow, at, actor, "model.scored", name, None,
           {"as_of": as_of.isoformat(), "accounts": summary.accounts, "arms": summary.arms,
            "tiers": summary.tiers})  # fmt: skip
    return summary


def _score_partition(
    uow: UnitOfWork, models: list[tuple[ModelRecord, ScoringModel]], part: Partition,
    as_of: date, at: datetime, summary: ScoreSummary,
) -> None:  # fmt: skip
    accounts, payments, interactions, promises = _history(uow, as_of, open_only=True, part=part)
    features = snapshot(accounts, payments, interactions, promises, as_of)
    champion = models[0][0]
    challengers = [(r.version, r.challenger_share or 0.0) for r, _ in models[1:]]
    arms = features.select(
        "account_id", arm_of(pl.col("account_id"), champion.name, challengers, champion.version)
        .alias("_version")
    ).join(accounts.select("account_id", "currency"), on="account_id")  # fmt: skip
    for record, model in models:
        scored = score(model, features).join(arms, on="account_id").with_columns(
            (pl.col("_version") == record.version).alias("used"),
            pl.lit(as_of).alias("as_of"), pl.lit(record.id).alias("model_id"),
            pl.lit(record.status).alias("arm"), pl.lit(at).alias("created_at"),
        ).drop("_version")  # fmt: skip
        summary.rows += uow.scoring.add_scores(scored.to_dicts())
        used = scored.filter(pl.col("used"))
        summary.arms[record.version] = summary.arms.get(record.version, 0) + used.height
        for tier, count in used.group_by("tier").len().iter_rows():
            summary.tiers[tier] = summary.tiers.get(tier, 0) + count
    summary.accounts += features.height


def uplift_scores(
    *, uow: UnitOfWork, as_of: date, models_dir: Path, name: str = NAME
) -> pl.DataFrame | None:
    """Each open account's ``call_uplift_minor``: what one call is expected to add.

    The incremental money of a call at an average debtor's reach
    (``scoring.uplift``), from the model of the account's arm; None when no
    active model has learnt an uplift (the value priority then falls back on
    the propensity). Computed from today's features, not stored.
    """
    active = uow.scoring.active(name)
    if not active or active[0].status != "champion":
        return None
    models = [(r, load_model(r, models_dir)) for r in active]
    if all(m.uplift is None for _, m in models):
        return None
    accounts, payments, interactions, promises = _history(uow, as_of, open_only=True)
    features = snapshot(accounts, payments, interactions, promises, as_of).join(
        accounts.select("account_id", "client"), on="account_id", how="left"
    )
    challengers = [(r.version, r.challenger_share or 0.0) for r, _ in models[1:]]
    arm = arm_of(pl.col("account_id"), name, challengers, models[0][0].version)
    features = features.with_columns(arm.alias("_version"))
    parts = []
    for record, model in models:
        mine = features.filter(pl.col("_version") == record.version)
        if model.uplift is None or mine.is_empty():
            continue
        parts.append(pl.DataFrame({"account_id": mine["account_id"],
                                   "call_uplift_minor": model.uplift.per_dial(mine)}))  # fmt: skip
    if not parts:
        return None
    return pl.concat(parts)


@dataclass(frozen=True)
class Drift:
    version: str
    status: str
    day: date | None  # the scoring day compared
    score_psi: float | None
    features: list[tuple[str, float, str]]  # name, PSI, stable | watch | shift


def monitor(*, uow: UnitOfWork, as_of: date, models_dir: Path, name: str = NAME) -> list[Drift]:
    """PSI of each active model's latest scores and of today's features against training."""
    reports = []
    active = uow.scoring.active(name)
    if not active:
        return []
    frames = _history(uow, as_of, open_only=True)
    features = snapshot(*frames, as_of)
    for record in active:
        model = load_model(record, models_dir)
        days = [d for d in uow.scoring.score_days(record.id) if d <= as_of]
        score_psi = None
        if days and "score" in model.reference:
            scores = queries.model_scores(uow.session, model_id=record.id, as_of=days[-1])
            score_psi = psi_against(model.reference["score"], scores["probability"].to_numpy())
        drift = [
            (n, value, psi_status(value))
            for n in model.names
            if n in model.reference
            for value in [psi_against(model.reference[n], _values(features, n))]
        ]
        reports.append(Drift(record.version, record.status, days[-1] if days else None,
                             score_psi, drift))  # fmt: skip
    return reports


def _values(frame: pl.DataFrame, name: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    return frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy()


@dataclass(frozen=True)
class AccountScore:
    as_of: date
    version: str
    arm: str
    used: bool
    probability: float
    expected_minor: int
    currency: str
    tier: str
    reasons: list[dict[str, Any]]


def account_scores(
    *, uow: UnitOfWork, account_ref: str, client: str | None = None, limit: int = 6
) -> list[AccountScore]:
    """An account's newest scores with their reasons (the used one of each day first)."""
    account = uow.accounts.find(account_ref, client)
    if account is None:
        raise NotFound(f"no account {account_ref!r}" + (f" of {client}" if client else ""))
    versions = {m.id: m.version for m in uow.scoring.models()}
    return [
        AccountScore(r.as_of, versions.get(r.model_id, "?"), r.arm, r.used, r.probability,
                     r.expected_minor, r.currency, r.tier, list(r.reasons))
        for r in uow.scoring.of_account(account.id, limit)
    ]  # fmt: skip
