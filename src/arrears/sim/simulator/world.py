"""One simulated run: the real daily cycle, hour by hour, on a fake clock.

Each simulated day, on the shared clock:

* 00:05 UTC the daily resolution batch (:func:`payments.daily.run_daily`:
  promises judged, plans reviewed, reminders queued), then the daily plan
  (:func:`planner.service.run_daily_plan`) with the policy's priority and
  call capacity; the plan's calls go to the simulated dialler, which places
  each inside its compliance window (:func:`outbox.dialler.call_window`);
* every hour on the hour the outbox dispatcher sends what is due through fake
  channel adapters (re-checking compliance at that instant, as in production);
  then one call of the engine judges, at that instant, the messages just sent
  (the audit) and the calls the dialler means to make (the gate); the calls
  allowed are made and recorded as interactions with their outcome, and the
  audit checks the recorded calls are exactly those (:mod:`.audit`);
* then the debtors' reactions (reads, replies, conversations, payments);
* 23:45 UTC payments nobody asked for, promises kept, life events.

The clock is continuous: a US evening call of day D is made after 00:00 UTC
of D+1, and messages wait in the outbox until their instant, as they would.
"""

from __future__ import annotations

import time as wall
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl

from arrears.channels.fake import FakeChannel
from arrears.compliance.rulebooks import Rulebooks
from arrears.core.dedup import planned_key
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dialler import call_window, hours_for
from arrears.outbox.dispatcher import Dispatcher, DispatchSettings
from arrears.payments.daily import run_daily
from arrears.payments.policy import PolicyBook
from arrears.planner.contacts import DEFAULT_ZONE
from arrears.planner.plan import PlanParams
from arrears.planner.service import run_daily_plan
from arrears.planner.value import ValueModel
from arrears.sim.simulator import audit as compliance_audit
from arrears.sim.simulator.debtors import ACTOR, Debtors
from arrears.sim.simulator.metrics import Metrics
from arrears.sim.simulator.params import SimulationParams
from arrears.store.queries.outreach import planned_calls
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.strategy.schema import Strategy
from arrears.templates import TemplateCatalogue

Scorer = Callable[[Callable[[], UnitOfWork], date], pl.DataFrame | None]


@dataclass(frozen=True)
class Policy:
    """What is compared: strategies, priority, capacity, allocation method, scores."""

    name: str
    strategies: list[Strategy]
    priority: str = "rules"
    call_capacity: int | None = 300
    allocation: str = "highs"
    scorer: Scorer | None = None
    value: ValueModel | None = None  # None: the simulation's own (:func:`value_model`)


@dataclass
class Setting:
    """What stays the same across the policies of a comparison."""

    uow_factory: Callable[[], UnitOfWork]
    rulebooks: Rulebooks
    catalogue: TemplateCatalogue
    policies: PolicyBook
    debtors: Debtors
    metrics: Metrics
    start: date
    days: int
    first: int = 0  # the dice's number of the first day (days since the portfolio's start)
    debtor_of: dict[int, int] = field(default_factory=dict)  # account -> debtor
    currency_of: dict[int, str] = field(default_factory=dict)  # account -> currency
    calls: dict[datetime, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def run(setting: Setting, policy: Policy, progress: Callable[[int, int], None] | None = None
        ) -> Metrics:  # fmt: skip
    """Simulate ``setting.days`` days under ``policy``; the metrics of the run."""
    started = wall.perf_counter()
    clock = Clock(midnight(setting.start))
    fakes = {ch: FakeChannel(ch) for ch in ("sms", "email", "letter")}
    configs = [ChannelConfig(None, ch, "fake", {"channel": ch}, "collections@arrears.test")
               for ch in fakes]  # fmt: skip
    adapters = AdapterSet(configs, factory=lambda name, settings: fakes[settings["channel"]])
    dispatcher = Dispatcher(setting.uow_factory, adapters, setting.catalogue, setting.rulebooks,
                            clock, DispatchSettings(worker=ACTOR, batch_size=1000))  # fmt: skip
    try:
        for k in range(setting.first, setting.first + setting.days):
            _day(setting, policy, dispatcher, clock, k)
            if progress:
                progress(k + 1 - setting.first, setting.days)
    finally:
        dispatcher.close()
    setting.metrics.seconds = wall.perf_counter() - started
    return setting.metrics


def _day(setting: Setting, policy: Policy, dispatcher: Dispatcher, clock: Clock, k: int) -> None:
    day = setting.start + timedelta(days=k - setting.first)
    base = midnight(day)
    clock.now = base + timedelta(minutes=5)
    with setting.uow_factory() as uow:
        run_daily(uow=uow, as_of=day, at=clock.now, policies=setting.policies, actor=ACTOR)
        uow.commit()
    _plan(setting, policy, day, base + timedelta(minutes=10))
    for hour in range(24):
        clock.now = base + timedelta(hours=hour)
        dispatcher.run()
        _contacts(setting, k, clock.now)
    clock.now = base + timedelta(hours=23, minutes=45)
    setting.debtors.end_of_day(day, k, clock.now)


def _plan(setting: Setting, policy: Policy, day: date, at: datetime) -> None:
    scores = policy.scorer(setting.uow_factory, day) if policy.scorer else None
    params = PlanParams(
        call_capacity=policy.call_capacity,
        priority=policy.priority,  # type: ignore[arg-type]
        scores=scores,
        allocation=policy.allocation,  # type: ignore[arg-type]
        value=policy.value or value_model(setting.debtors.params),
    )
    run_daily_plan(uow_factory=setting.uow_factory, strategies=policy.strategies,
                   rulebooks=setting.rulebooks, as_of=day, clock=lambda: at, actor=ACTOR,
                   params=params)  # fmt: skip
    with setting.uow_factory() as uow:
        calls = planned_calls(uow.session, day)
    spread = policy.priority == "rules"
    for n, call in enumerate(calls):
        instant = _instant(call, day, setting.rulebooks, n / max(1, len(calls)), spread)
        if instant is not None:
            call["debtor_id"] = setting.debtor_of[call["account_id"]]
            setting.calls[instant].append(call)


def value_model(params: SimulationParams) -> ValueModel:
    """The plan's unit costs are the simulation's (a call: the dial and about two minutes).

    Values are compared across currencies with the file's reporting rates, the
    same the run's recovered and cost figures are converted with.
    """
    costs = {cur: {"call": c.dial + 2 * c.call_minute, "sms": c.sms, "email": c.email,
                   "letter": c.letter} for cur, c in params.costs.items()}  # fmt: skip
    return ValueModel(currency_costs=costs, rates={c: float(r) for c, r in params.rates.items()})


def _instant(call: dict[str, Any], day: date, rulebooks: Rulebooks, rank: float, spread: bool
             ) -> datetime | None:  # fmt: skip
    """When the dialler makes a call: an hour inside its window.

    The rule-based list is worked through best first over the day (rank spreads
    the calls across the window); a valued call is made at the hour the plan
    chose (its ``not_before``).
    """
    country = (call.get("jurisdiction") or "").split("-")[0]
    zones = list(call.get("time_zones") or []) or [DEFAULT_ZONE.get(country, "UTC")]
    not_before = call.get("not_before")
    if not_before is not None and not_before.tzinfo is None:
        not_before = not_before.replace(tzinfo=UTC)
    window = call_window(day, zones, hours_for(call.get("jurisdiction"), rulebooks), not_before)
    if window is None:
        return None
    first = window.start.replace(minute=0, second=0, microsecond=0)
    if first < window.start:
        first += timedelta(hours=1)
    slots = int((window.end - first).total_seconds() // 3600) + (1 if first < window.end else 0)
    if slots <= 0:
        return None
    return first + timedelta(hours=int(rank * slots) if spread else 0)


def _contacts(setting: Setting, k: int, now: datetime) -> None:
    """This instant's contacts: judged, the calls made, the record audited, the reactions."""
    calls = setting.calls.pop(now, [])
    with setting.uow_factory() as uow:
        sent = compliance_audit.contacts_at(uow, now)
        if sent.is_empty() and not calls:
            return
        judged = compliance_audit.judge_instant(uow, sent, _proposed(calls), setting.rulebooks,
                                                now)  # fmt: skip
    tally = setting.metrics.audit
    compliance_audit.count(tally, judged.filter(pl.col("kind") == "sent"), now)
    allowed = judged.filter((pl.col("kind") == "call") & compliance_audit.ALLOWED)
    setting.metrics.gate_blocked += len(calls) - allowed.height
    contacts = sent
    if not allowed.is_empty():
        _make_calls(setting, k, now, [calls[i] for i in allowed["contact_id"].to_list()])
        with setting.uow_factory() as uow:
            contacts = compliance_audit.contacts_at(uow, now)
    compliance_audit.check_calls(tally, contacts, allowed, now)
    _react(setting, k, now, contacts)


def _proposed(calls: list[dict[str, Any]]) -> pl.DataFrame:
    """The dialler's calls of this hour in the engine's contact schema (contact_id = index)."""
    return pl.DataFrame(
        [(i, c["account_id"], c["debtor_id"], "call", c["contact_to"])
         for i, c in enumerate(calls)],
        schema={"contact_id": pl.Int64, "account_id": pl.Int64, "debtor_id": pl.Int64,
                "channel": pl.String, "to": pl.String}, orient="row",
    )  # fmt: skip


def _make_calls(setting: Setting, k: int, now: datetime, calls: list[dict[str, Any]]) -> None:
    """The debtors' answers to the allowed calls, recorded as interactions."""
    made = _proposed(calls)
    outcomes = setting.debtors.answer(made, k, now)
    rows = [_call_row(c, now, o) for c, o in zip(calls, outcomes, strict=True)]
    with setting.uow_factory() as uow:
        uow.interactions.add_unique(rows)
        uow.audit.append(AuditEvent(now, ACTOR, "sim.calls", "interaction", None,
                                    after={"calls": len(rows)}))  # fmt: skip
        uow.commit()


def _call_row(call: dict[str, Any], now: datetime, outcome: str) -> dict[str, Any]:
    day = call["not_before"].date() if call.get("not_before") else now.date()
    return {"account_id": call["account_id"], "debtor_id": call["debtor_id"], "channel": "call",
            "direction": "out", "occurred_at": now, "contact_value": call["contact_to"],
            "outcome": outcome, "status": "done", "template": call.get("template"),
            "details": {"source": ACTOR, "step": call.get("step")},
            "dedup_key": planned_key(day, call["account_id"], call.get("step") or "-", "call"),
            }  # fmt: skip


def _react(setting: Setting, k: int, now: datetime, contacts: pl.DataFrame) -> None:
    """The debtors react to this instant's contacts: costs, complaints, reads, replies, talks."""
    if contacts.is_empty():
        return
    currency = pl.col("account_id").replace_strict(setting.currency_of, default=None,
                                                   return_dtype=pl.String)  # fmt: skip
    contacts = contacts.with_columns(currency.alias("currency"))
    setting.debtors.contacted(contacts, k, now)
    setting.debtors.read_messages(contacts, k, now)
    setting.debtors.talk(contacts.filter(pl.col("channel") == "call"), k, now)
