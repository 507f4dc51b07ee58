"""The pure daily plan of one partition: frames in, actions out.

features -> strategy and segment -> experiment arm -> today's steps ->
contact point -> compliance verdicts -> expected value -> call capacity.

Every step due today becomes exactly one row: *planned* (with the instant it
may happen from), *review* (a person must approve it first), or *suppressed*
(with the rule or reason that stopped it). Nothing here reads the clock, the
database or settings, so the same function runs in-process, in worker
processes or on Spark (DESIGN §4.6).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import islice
from typing import Any, Generic, Protocol, TypeVar

import polars as pl

from arrears.compliance.engine import evaluate
from arrears.compliance.rulebooks import Rulebooks
from arrears.planner.allocation import Method, decide
from arrears.planner.contacts import (
    CONTACT_CHANNELS,
    STEP_FACTS,
    contacts_frame,
    history_frame,
    with_best_points,
)
from arrears.planner.features import (
    HISTORY_FACTS,
    account_features,
    segment_progress,
    validation_notices,
)
from arrears.planner.joins import attach, in_key_order
from arrears.planner.value import (
    Priority,
    ValueModel,
    expected_value,
    priority,
    value_columns,
    value_inputs,
    with_scores,
)
from arrears.strategy.experiments import assign_arms
from arrears.strategy.loader import choose_strategies
from arrears.strategy.schema import Strategy
from arrears.strategy.segmentation import assign_segments
from arrears.strategy.treatments import todays_steps

ACTIONS: dict[str, pl.DataType] = {
    "account_id": pl.Int64(), "debtor_id": pl.Int64(), "client_id": pl.Int64(),
    "strategy": pl.String(), "strategy_version": pl.String(), "segment": pl.String(),
    "experiment": pl.String(), "arm": pl.String(), "step": pl.String(), "action": pl.String(),
    "channel": pl.String(), "template": pl.String(), "contact_to": pl.String(),
    "status": pl.String(), "verdict": pl.String(), "not_before": pl.Datetime("us", "UTC"),
    "priority": pl.Float64(), "expected_value_minor": pl.Int64(), "reason": pl.String(),
    "suppressed_by": pl.String(), "findings": pl.List(pl.Struct({
        "rule": pl.String(), "verdict": pl.String(), "until": pl.Datetime("us", "UTC"),
        "citation": pl.String(), "message": pl.String()})),
}  # fmt: skip
FINDING_FIELDS = ("rule", "verdict", "until", "citation", "message")


@dataclass(frozen=True)
class PlanParams:
    """What the plan may use: call capacity, the value model, how far a DELAY may go."""

    call_capacity: int | None = None  # calls for the day (None: unlimited); see capacity_share
    value: ValueModel = field(default_factory=ValueModel)
    same_day_hours: int = 14  # a DELAY within this many hours of 08:00 stays today
    # "value": EV from the scores, calls allocated by planner.allocation (rules: the default).
    priority: Priority = "rules"
    scores: pl.DataFrame | None = None  # account_id, score, expected_amount_minor (value)
    call_hours: tuple[int, int] = (9, 20)  # local hours calls are placed in (value)
    allocation: Method = "highs"


@dataclass(frozen=True)
class PartitionPlan:
    actions: pl.DataFrame  # ACTIONS
    assignments: pl.DataFrame  # account_id, strategy, segment, experiment, arm


@dataclass(frozen=True)
class PartitionInputs:
    """What one partition is planned from, as ``store.queries.planning`` reads it."""

    accounts: pl.DataFrame
    points: pl.DataFrame
    history: pl.DataFrame
    done: pl.DataFrame
    invoices: pl.DataFrame
    resolution: pl.DataFrame | None = None
    scores: pl.DataFrame | None = None
    part: tuple[int, int] | None = None  # (partition, partitions) of a run over the store


@dataclass(frozen=True)
class Policy:
    """Everything a partition's plan depends on besides its inputs (sent once to each worker)."""

    strategies: list[Strategy]
    rulebooks: Rulebooks
    as_of: date
    params: PlanParams


def plan_inputs(inputs: PartitionInputs, policy: Policy) -> PartitionPlan:
    """Features, then the plan: the planning step of one partition, wherever it runs.

    The day's call capacity is the team's: a partition of a run plans with its share.
    """
    params = policy.params
    inputs = contiguous(inputs)
    if inputs.part is not None and params.call_capacity is not None:
        share = capacity_share(params.call_capacity, *inputs.part)
        params = replace(params, call_capacity=share)
    features = account_features(
        inputs.accounts, inputs.points, inputs.history, inputs.done, inputs.invoices,
        policy.as_of, inputs.resolution, inputs.scores,
    )  # fmt: skip
    return plan_partition(
        features, inputs.points, inputs.history, inputs.done, strategies=policy.strategies,
        rulebooks=policy.rulebooks, as_of=policy.as_of, params=params,
    )  # fmt: skip


def contiguous(inputs: PartitionInputs) -> PartitionInputs:
    """The inputs with each column in one buffer, and the history's key order known.

    Frames read from Arrow files (or record batches from the store or Spark) come in
    many chunks: a 1M-account partition's history in about 70. Every pass of the plan
    over a chunked column pays per chunk (and hands the chunking on to what it
    derives), so one copy into contiguous buffers up front costs far less than it
    saves (on the benchmark's partitions, a fifth of the plan's CPU time). Except
    the history: the plan passes over it twice only (its facts, and the rows of
    the people with a contact today), neither slower for the chunks, while copying
    its eight million rows cost about half a second.
    """
    return replace(
        inputs,
        accounts=_whole(inputs.accounts),
        points=_whole(inputs.points),
        history=_key_order_known(inputs.history),
        done=_whole(inputs.done),
        invoices=_whole(inputs.invoices),
        resolution=None if inputs.resolution is None else _whole(inputs.resolution),
        scores=None if inputs.scores is None else _whole(inputs.scores),
    )


def _whole(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every column in one chunk (itself when it already is)."""
    return frame if max(frame.n_chunks("all"), default=1) <= 1 else frame.rechunk()


def _key_order_known(history: pl.DataFrame) -> pl.DataFrame:
    """A history in account order (as a partition built account by account is) marked so.

    Read back from a file the order is no longer known; marked, the per-account
    group-bys of the features take Polars' sorted path. Checking costs one pass
    over the key.
    """
    if "account_id" not in history.columns or not in_key_order(history, "account_id"):
        return history
    return history.with_columns(pl.col("account_id").set_sorted())


def capacity_share(capacity: int, partition: int, partitions: int) -> int:
    """Partition ``partition``'s share of ``capacity`` calls: equal shares, the remainder
    to the first partitions, so the shares add up to ``capacity``.

    Partitions split the debtors by ``debtor_id % n``, so each holds about the same mix
    of accounts and an equal share is about what one ranking over the whole portfolio
    would give it; the difference is confined to calls whose priority sits at the
    border. Equal shares keep every partition independent of the others, which is what
    lets them be planned in parallel and resumed one by one.
    """
    base, extra = divmod(capacity, partitions)
    return base + (1 if partition < extra else 0)


def plan_partition(
    features: pl.DataFrame,
    points: pl.DataFrame,
    history: pl.DataFrame,
    done: pl.DataFrame,
    *,
    strategies: list[Strategy],
    rulebooks: Rulebooks,
    as_of: date,
    params: PlanParams,
) -> PartitionPlan:
    """Decide today's actions for one partition of debtors."""
    if params.priority == "value":
        features = with_scores(features, params.scores)
    assigned = _assign(features, done, strategies, as_of)
    steps = todays_steps(assigned.lazy(), strategies).collect()
    steps = attach(steps, _step_facts(assigned, steps, params), "account_id")
    stopped, due = _split_stopped(steps)
    due = _one_per_channel(_with_value(due, params))
    quiet, due = due.filter(pl.col("quiet")), due.filter(~pl.col("quiet"))
    contact_steps, other_steps = _attach_points(due, points)
    judged = _judge(contact_steps, history, rulebooks, as_of, params)
    if params.priority == "value":
        judged = decide(judged, history, as_of=as_of, capacity=params.call_capacity,
                        hours=params.call_hours, method=params.allocation)  # fmt: skip
    parts = [_no_strategy(assigned), _no_segment(assigned), stopped, _quiet(quiet),
             _no_point(contact_steps), judged, _not_contact(other_steps)]  # fmt: skip
    actions = pl.concat([_recorded(part) for part in parts], how="diagonal_relaxed")
    actions = _apply_capacity(actions, params)
    assignments = assigned.select(
        "account_id", "strategy", "segment", "experiment", "arm",
        pl.when(pl.col("segment") == pl.col("current_segment"))
        .then(pl.col("segment_since")).otherwise(pl.lit(as_of)).alias("segment_since"),
    )  # fmt: skip
    return PartitionPlan(actions=_finish(actions), assignments=assignments)


def _step_facts(assigned: pl.DataFrame, steps: pl.DataFrame, params: PlanParams) -> pl.DataFrame:
    """The features the plan still reads once today's steps are known, per account.

    That is what the value model, the contact frame and the action record read:
    about a dozen of the seventy-odd feature columns. The steps are the tallest
    frames of the plan (sorted, filtered, joined and concatenated several times),
    so they carry only these.
    """
    value = {*expected_value(params.value).meta.root_names(), *priority().meta.root_names()}
    if params.priority == "value":
        value |= value_inputs(params.value)
    wanted = {*STEP_FACTS, *value, "client_id"} - set(steps.columns)
    # In one chunk: ``assigned`` comes from the streaming engine in many, and joining
    # from a chunked frame costs several times the copy.
    return assigned.select("account_id", *(c for c in assigned.columns if c in wanted)).rechunk()


def _recorded(part: pl.DataFrame) -> pl.DataFrame:
    """Only the columns an action records (the rest were working columns)."""
    return part.select(c for c in part.columns if c in ACTIONS)


def _assign(
    features: pl.DataFrame, done: pl.DataFrame, strategies: list[Strategy], as_of: date
) -> pl.DataFrame:
    """Strategy, segment and arm; progress restarts when the account changes segment."""
    chosen = choose_strategies(features.lazy(), strategies)
    frame = assign_arms(assign_segments(chosen, strategies), strategies, as_of=as_of).collect()
    moved = pl.col("segment").ne_missing(pl.col("current_segment"))
    frame = segment_progress(frame, done, as_of)
    return frame.with_columns(
        pl.when(moved).then(0).otherwise(pl.col("segment_days")).alias("segment_days")
    )


def _one_per_channel(due: pl.DataFrame) -> pl.DataFrame:
    """At most one action per account and channel a day: the highest step priority wins."""
    # Polars sorts stably: among equal priorities the step listed first stays first.
    # ``todays_steps`` already gives them in this order: then the sort is skipped.
    ordered = (
        due
        if _in_step_order(due)
        else due.sort(["account_id", "step_priority"], descending=[False, True])
    )
    return ordered.filter(_first_of_channel(ordered))


def _first_of_channel(rows: pl.DataFrame) -> pl.Series:
    """Whether each row is its account's first on its channel (rows in account runs).

    As ``unique(["account_id", "channel"], keep="first")`` would keep them, but only
    accounts with several rows are looked at: most have one step a day.
    """
    account = rows.get_column("account_id")
    several = account.eq_missing(account.shift(1)) | account.eq_missing(account.shift(-1))
    at = several.fill_null(False).arg_true()
    first = (
        rows.select("account_id", "channel")
        .gather(at)
        .select(pl.struct("account_id", "channel").is_first_distinct())
    )
    keep = pl.Series("first", dtype=pl.Boolean).extend_constant(True, rows.height)
    return keep.scatter(at, first.to_series())


def _in_step_order(due: pl.DataFrame) -> bool:
    """Rows already by account (ascending), then step priority (descending), none null."""
    if due.height < 2:
        return False
    account, priority = pl.col("account_id"), pl.col("step_priority")
    step = (account.diff() > 0) | ((account.diff() == 0) & (priority.diff() <= 0))
    known = account.is_not_null().all() & priority.is_not_null().all()
    return bool(due.select(step.slice(1).all() & known).item())


def _quiet(rows: pl.DataFrame) -> pl.DataFrame:
    """Steps of a quiet strategy (or step) are recorded, never sent: trying a strategy out."""
    return rows.with_columns(
        pl.lit("quiet").alias("status"),
        pl.format("{} (quiet: recorded, not sent)", pl.col("reason")).alias("reason"),
    )


def _no_segment(assigned: pl.DataFrame) -> pl.DataFrame:
    rows = assigned.filter(pl.col("strategy").is_not_null() & pl.col("segment").is_null())
    why = pl.format("no segment of strategy {} matches this account", pl.col("strategy"))
    return _suppressed(rows.with_columns(pl.lit("-").alias("step")), why, "no_segment")


def _suppressed(frame: pl.DataFrame, reason: pl.Expr, by: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit("suppressed").alias("status"),
        reason.alias("reason"),
        pl.lit(by).alias("suppressed_by"),
    )


def _no_strategy(assigned: pl.DataFrame) -> pl.DataFrame:
    rows = assigned.filter(pl.col("strategy").is_null())
    why = pl.format("no strategy applies to client {} in {}", pl.col("client"),
                    pl.col("jurisdiction").fill_null("?"))  # fmt: skip
    return _suppressed(rows.with_columns(pl.lit("-").alias("step")), why, "no_strategy")


def _split_stopped(steps: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows the segment's stop condition produced, and the steps due today."""
    stopped = steps.filter(pl.col("step").is_null())
    stopped = _suppressed(
        stopped.with_columns(pl.lit("-").alias("step")), pl.col("suppressed_reason"), "stop_when"
    )
    return stopped, steps.filter(pl.col("step").is_not_null())


def _with_value(due: pl.DataFrame, params: PlanParams) -> pl.DataFrame:
    if params.priority == "value":
        return value_columns(due, params.value)
    return due.with_columns(expected_value(params.value)).with_columns(priority())


def _attach_points(due: pl.DataFrame, points: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contact steps with their best contact point (``to`` null: none usable), and the rest."""
    contact = due.filter(pl.col("channel").is_in(CONTACT_CHANNELS))
    contact = with_best_points(contact, points)
    return contact, due.filter(~pl.col("channel").is_in(CONTACT_CHANNELS))


def _no_point(contact_steps: pl.DataFrame) -> pl.DataFrame:
    rows = contact_steps.filter(pl.col("to").is_null())
    why = pl.format("{}: no usable {} contact on file", pl.col("reason"), pl.col("channel"))
    return _suppressed(rows, why, "no_contact_point")


def _not_contact(other: pl.DataFrame) -> pl.DataFrame:
    """Tasks, escalations, reviews and placements: internal work, planned as they are."""
    return other.with_columns(pl.lit("planned").alias("status"))


def first_contacts(history: pl.DataFrame) -> pl.DataFrame:
    """When each account was first contacted (its first outbound interaction)."""
    return (
        history.filter(pl.col("direction") == "out")
        .group_by("account_id")
        .agg(pl.col("occurred_at").min().alias("first_contact_at"))
    )


def _with_history_facts(steps: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """The first contact and the validation notice of each account.

    ``features.account_features`` computed them in its pass over the history and
    they came along with the features; features made otherwise get them here.
    """
    if all(name in steps.columns for name in HISTORY_FACTS):
        return steps
    steps = steps.drop(*HISTORY_FACTS, strict=False)
    return steps.join(first_contacts(history), on="account_id", how="left").join(
        validation_notices(history), on="account_id", how="left"
    )


def _of_debtors(history: pl.DataFrame, steps: pl.DataFrame) -> pl.LazyFrame:
    """The history of the debtors who have a proposed contact.

    The engine reads history only through joins on the contact's person, so the
    other debtors' rows cannot change a verdict; dropping them first saves
    converting them to the engine's schema (on the benchmark's synthetic partitions,
    three quarters of the history). Lazy: the engine collects it with its conversion.
    """
    # A filter on a set of ids: cheaper than a semi-join over the tall history.
    people = steps.get_column("debtor_id").unique().implode()
    return history.lazy().filter(pl.col("debtor_id").is_in(people))


def finding_json(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding as stored in a JSON column (its ``until`` instant as ISO text)."""
    until = finding.get("until")
    return {**finding, "until": until.isoformat() if until is not None else None}


def _judge(
    contact_steps: pl.DataFrame,
    history: pl.DataFrame,
    rulebooks: Rulebooks,
    as_of: date,
    params: PlanParams,
) -> pl.DataFrame:
    """Ask the compliance engine about every proposed contact and act on its verdicts."""
    steps = (
        contact_steps.filter(pl.col("to").is_not_null())
        .with_row_index("contact_id")
        .with_columns(pl.col("contact_id").cast(pl.Int64))
        .pipe(_with_history_facts, history)
    )
    if steps.is_empty():
        return steps
    contacts = contacts_frame(steps, as_of, known=frozenset(rulebooks))
    result = evaluate(contacts, history_frame(_of_debtors(history, steps)), rulebooks)
    findings = _findings(result.findings)
    judged = attach(steps, contacts.select("contact_id", "now"), "contact_id", how="inner")
    decisions = result.decisions.select("contact_id", "verdict", "until", "rules")
    judged = attach(attach(judged, decisions, "contact_id", how="inner"), findings, "contact_id")
    return _act_on_verdicts(judged, params)


def _findings(found: pl.DataFrame) -> pl.DataFrame:
    """Each contact's findings as a list, in the engine's order.

    The engine gives them by contact: marked so, the group-by takes Polars' sorted
    path and keeps that order, so attaching the lists needs no sort.
    """
    ordered = in_key_order(found, "contact_id")
    if ordered:
        found = found.with_columns(pl.col("contact_id").set_sorted())
    return found.group_by("contact_id", maintain_order=ordered).agg(
        pl.struct(*FINDING_FIELDS).alias("findings")
    )


def _act_on_verdicts(judged: pl.DataFrame, params: PlanParams) -> pl.DataFrame:
    same_day = pl.col("until") <= pl.col("now") + timedelta(hours=params.same_day_hours)
    blocked = pl.col("verdict") == "BLOCK"
    late = (pl.col("verdict") == "DELAY") & ~same_day
    first_rule = pl.col("rules").list.first()
    return judged.with_columns(
        pl.when(blocked | late).then(pl.lit("suppressed"))
        .when(pl.col("verdict") == "REVIEW").then(pl.lit("review"))
        .otherwise(pl.lit("planned")).alias("status"),
        pl.when(pl.col("verdict") == "DELAY").then(pl.col("until"))
        .otherwise(pl.col("now")).alias("not_before"),
        pl.when(blocked | late).then(first_rule).alias("suppressed_by"),
        pl.when(late).then(pl.format("{}; delayed until {} by {}", pl.col("reason"),
                                     pl.col("until").dt.strftime("%Y-%m-%d %H:%M UTC"),
                                     first_rule))
        .when(blocked).then(pl.format("{}; blocked by {}", pl.col("reason"), first_rule))
        .otherwise(pl.col("reason")).alias("reason"),
        pl.col("to").alias("contact_to"),
    )  # fmt: skip


def _apply_capacity(actions: pl.DataFrame, params: PlanParams) -> pl.DataFrame:
    """Calls go to the highest expected value first; the rest wait (PRODUCT B5, C7)."""
    if params.call_capacity is None or "channel" not in actions.columns:
        return actions
    if params.priority == "value":
        return actions  # planner.allocation.decide already allocated the calls
    candidate = (pl.col("channel") == "call") & (pl.col("status") == "planned")
    # Rank among the planned calls only: .over() keeps other rows out of the ranking.
    rank = pl.when(candidate).then(
        pl.col("priority").rank("ordinal", descending=True).over(candidate)
    )
    ranked = actions.with_columns((rank > params.call_capacity).fill_null(False).alias("_over"))
    over = pl.col("_over")
    return ranked.with_columns(
        pl.when(over).then(pl.lit("suppressed")).otherwise(pl.col("status")).alias("status"),
        pl.when(over).then(pl.lit("capacity")).otherwise(pl.col("suppressed_by"))
        .alias("suppressed_by"),
        pl.when(over).then(pl.format("{}; waits: today's {} calls went to higher-value accounts",
                                     pl.col("reason"), pl.lit(params.call_capacity)))
        .otherwise(pl.col("reason")).alias("reason"),
    ).drop("_over")  # fmt: skip


def _finish(actions: pl.DataFrame) -> pl.DataFrame:
    missing = [pl.lit(None, dtype=t).alias(n) for n, t in ACTIONS.items()
               if n not in actions.columns]  # fmt: skip
    return actions.with_columns(missing).select(pl.col(n).cast(t) for n, t in ACTIONS.items())


# Planning partitions in worker processes ----------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")
T_contra = TypeVar("T_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)


class PartitionJob(Protocol[T_contra, R_co]):
    """Where a partition's inputs come from and where its plan goes (picklable for workers).

    ``read`` and ``write`` run in the process that plans the partition; ``write``
    returns what the caller gets back (keep it small: it crosses processes).
    """

    def read(self, task: T_contra) -> PartitionInputs: ...

    def write(self, task: T_contra, plan: PartitionPlan) -> R_co: ...


@dataclass
class _Worker(Generic[T, R]):
    job: PartitionJob[T, R]
    policy: Policy
    write_lock: Any  # a multiprocessing lock, or None: writes need not wait for each other


# The job and policy of this worker process: sent once, when it starts.
_WORKER: dict[str, _Worker[Any, Any]] = {}


def _start_worker(job: PartitionJob[Any, Any], policy: Policy, write_lock: Any) -> None:
    _WORKER["this"] = _Worker(job, policy, write_lock)


def _run_task(task: Any) -> Any:
    return _one(_WORKER["this"], task)


def _one(worker: _Worker[T, R], task: T) -> R:
    plan = plan_inputs(worker.job.read(task), worker.policy)
    with worker.write_lock or nullcontext():
        return worker.job.write(task, plan)


POLARS_THREADS = "POLARS_MAX_THREADS"
# The environment variable the jemalloc inside Polars reads its options from. On
# import Polars rewrites it as its own options followed by the value found; jemalloc
# takes the last value of each option.
POLARS_ALLOCATOR = "_RJEM_MALLOC_CONF"
POLARS_OWN_ALLOCATOR = "dirty_decay_ms:500,muzzy_decay_ms:1000"
# jemalloc's own decay defaults, not the much shorter ones Polars sets (dirty pages
# purged after 0.5 s, muzzy after 1 s): see :func:`_worker_environment`.
WORKER_ALLOCATOR = "dirty_decay_ms:10000,muzzy_decay_ms:0"


@contextmanager
def _worker_environment(workers: int) -> Iterator[None]:
    """Processes started inside get Polars thread pools and allocators tuned for planning.

    Polars reads both from the environment once, when it is imported: a worker
    process imports it (with the main module) before any initializer runs, so the
    variables must be in the environment the process starts with. They are set
    here for as long as the pool starts its processes and this process's
    environment is restored after; a value the user set wins (allocator options
    the user set come after ours).

    - Threads: each worker runs cores / workers threads (at least one) instead of
      one per core, its threads no longer contending for the cores the other
      workers use (2 workers on 2 cores, on a quiet machine: the same time as the
      default threads).
    - Allocator: a partition frees gigabytes of frames that the next steps, and
      the next partition, allocate again. With Polars' short decay times the
      allocator hands those pages back to the kernel within a second and the
      next allocation faults them in again, zeroed: a third of a worker's CPU
      went to the kernel. Keeping freed pages for jemalloc's default ten seconds
      cut the 10M bench's CPU by about a sixth, its peak memory staying within
      the target (docs/benchmarks.md).

    Spawned workers, not a fork server: a fork server is shared by every pool of
    the process and keeps the environment it started with.
    """
    before = {name: os.environ.get(name) for name in (POLARS_THREADS, POLARS_ALLOCATOR)}
    if before[POLARS_THREADS] is None:
        os.environ[POLARS_THREADS] = str(max(1, _cores() // workers))
    os.environ[POLARS_ALLOCATOR] = _allocator_options(before[POLARS_ALLOCATOR] or "")
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _allocator_options(found: str) -> str:
    """Ours, then the user's. What Polars put first is left out, as the worker's Polars
    puts it first again (and ours must come after it to count): once for this process,
    and once more for each Python process above it that imported Polars."""
    users = found
    while users.startswith(POLARS_OWN_ALLOCATOR):
        users = users.removeprefix(POLARS_OWN_ALLOCATOR).lstrip(",")
    return ",".join(part for part in (WORKER_ALLOCATOR, users) if part)


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def plan_partitions(
    tasks: Iterable[T],
    job: PartitionJob[T, R],
    *,
    policy: Policy,
    workers: int = 1,
    serial_writes: bool = False,
) -> Generator[tuple[T, R]]:
    """Read, plan and write each task's partition, in ``workers`` processes; yield as each ends.

    With one worker everything runs here, in order. With more, each worker
    process gets the job and the policy once and then plans one partition at a
    time; a task is taken from ``tasks`` only when a worker is free, so at most
    ``workers`` partitions are in memory at once and anything ``tasks`` computes
    (a timestamp) is computed when its partition starts. Results come back in the
    order partitions finish. ``serial_writes``: one write at a time across the
    workers (SQLite has one writer), while the others keep planning.

    Workers are started with ``spawn`` (Polars is not fork-safe once its thread pool
    runs, which it does in this process) and share the cores: see :func:`_worker_environment`.
    """
    if workers <= 1:
        here = _Worker(job, policy, None)
        for task in tasks:
            yield task, _one(here, task)
        return
    context = multiprocessing.get_context("spawn")
    lock = context.Lock() if serial_writes else None
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job, policy, lock)
    )
    running: dict[Future[R], T] = {}
    pending = iter(tasks)
    try:
        # The first submissions start every worker process (``spawn`` starts them all at once).
        with _worker_environment(workers):
            for task in islice(pending, workers):
                running[pool.submit(_run_task, task)] = task
        while True:
            for task in islice(pending, workers - len(running)):
                running[pool.submit(_run_task, task)] = task
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                yield running.pop(future), future.result()
    finally:
        # On an error the partitions in flight finish (each is its own transaction) first.
        pool.shutdown(wait=True, cancel_futures=True)
