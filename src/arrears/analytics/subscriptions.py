"""Scheduled report e-mails: subscribing a report to a schedule, and the chore that sends them.

A manager, supervisor or analyst subscribes a report (any name ``arrears
report`` accepts, with its filters) to a :class:`~arrears.analytics.schedules.Cadence`,
a format (CSV, XLSX, PDF), staff recipients and a language. ``send_due`` is
the chore: for each due schedule it renders the report for the period ending
the day before the slot, keeps the file once (``report_deliveries``, unique per
schedule and slot) and enqueues one outbox message of kind ``staff`` per
recipient, keyed by schedule, slot and recipient. The dispatcher sends staff
messages through the e-mail adapter without the debtor compliance re-check
(there is no debt and no debtor), with the outbox's retries and audit. Running
the chore twice finds the slot done and enqueues nothing.

Every change (add, pause, resume, remove) and every run writes an audit event.
Nothing here commits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

from arrears.analytics.inputs import Scope
from arrears.analytics.reports import SPECS, Options, run_report
from arrears.analytics.schedules import Cadence, next_slot, parse_time, period_end
from arrears.analytics.service import aging_report
from arrears.analytics.tables import ReportTable
from arrears.core.aging import DPD_SCHEME
from arrears.core.dedup import event_key
from arrears.errors import InvalidInput, NotFound
from arrears.store.queries import analytics as queries
from arrears.store.records.analytics import ReportScheduleRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument"
           ".spreadsheetml.sheet", "pdf": "application/pdf"}  # fmt: skip
LANGUAGES = ("zh-CN", "en-US")
FILTERS = ("client", "segment", "strategy", "team", "tz", "by", "days")
REPORTS = ("aging", *SPECS)
MAX_RECIPIENTS = 20


@dataclass(frozen=True)
class Subscription:
    """What someone asks for; validated on construction."""

    report: str
    cadence: Cadence
    format: str
    recipients: tuple[str, ...]
    language: str = "en-US"
    filters: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.report not in REPORTS:
            raise InvalidInput(f"unknown report '{self.report}' (known: {', '.join(REPORTS)})")
        if self.format not in FORMATS:
            raise InvalidInput(f"format must be one of {', '.join(FORMATS)}, not '{self.format}'")
        if self.language not in LANGUAGES:
            raise InvalidInput(f"language must be zh-CN or en-US, not '{self.language}'")
        unknown = sorted(set(self.filters) - set(FILTERS))
        if unknown:
            known = ", ".join(FILTERS)
            raise InvalidInput(f"unknown filter(s) {', '.join(unknown)} (known: {known})")
        days = self.filters.get("days", 30)
        if not isinstance(days, int) or not 1 <= days <= 366:
            raise InvalidInput(f"days must be a whole number from 1 to 366, not '{days}'")
        object.__setattr__(self, "recipients", recipients(self.recipients))


def recipients(values: Sequence[str]) -> tuple[str, ...]:
    """Normalised, distinct e-mail addresses (syntax only: no network look-up)."""
    found: list[str] = []
    for value in values:
        for part in (p.strip() for p in value.replace(";", ",").split(",")):
            if not part:
                continue
            try:
                address = validate_email(part, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                raise InvalidInput(f"recipient '{part}': {exc}") from None
            if address not in found:
                found.append(address)
    if not found:
        raise InvalidInput("a schedule needs at least one recipient")
    if len(found) > MAX_RECIPIENTS:
        raise InvalidInput(f"at most {MAX_RECIPIENTS} recipients, not {len(found)}")
    return tuple(found)


def cadence_of(record: ReportScheduleRecord) -> Cadence:
    return Cadence(record.cadence, parse_time(record.at_time), record.time_zone,
                   record.weekday, record.day_of_month)  # fmt: skip


def describe(record: ReportScheduleRecord) -> dict[str, Any]:
    """A schedule as the list and the audit trail show it."""
    return {"id": record.id, "report": record.report, "filters": dict(record.filters),
            "when": cadence_of(record).describe(), "format": record.format,
            "recipients": list(record.recipients), "language": record.language,
            "status": record.status, "next_run_at": record.next_run_at.isoformat(),
            "created_by": record.created_by}  # fmt: skip


def _audit(uow: UnitOfWork, *, at: datetime, actor: str, action: str, record: ReportScheduleRecord,
           before: dict[str, Any] | None = None, **after: Any) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(occurred_at=at, actor=actor, action=f"report_schedule.{action}",
                                entity="report_schedule", entity_id=str(record.id),
                                before=before, after={**describe(record), **after}))  # fmt: skip


def add_schedule(*, uow: UnitOfWork, subscription: Subscription, actor: str,
                 at: datetime) -> ReportScheduleRecord:  # fmt: skip
    """Keep a new active schedule; its first run is the first slot after ``at``."""
    s = subscription
    client = s.filters.get("client")
    if client and queries.client_id(uow.session, client) is None:
        raise InvalidInput(f"unknown client '{client}'")
    c = s.cadence
    record = uow.report_schedules.add(
        report=s.report, filters=dict(s.filters), cadence=c.kind, weekday=c.weekday,
        day_of_month=c.day, at_time=c.at.strftime("%H:%M"), time_zone=c.zone, format=s.format,
        recipients=list(s.recipients), language=s.language, status="active",
        next_run_at=next_slot(c, at), created_by=actor, created_at=at, updated_at=at,
    )  # fmt: skip
    _audit(uow, at=at, actor=actor, action="add", record=record)
    return record


def set_status(*, uow: UnitOfWork, schedule_id: int, status: str, actor: str,
               at: datetime) -> ReportScheduleRecord:  # fmt: skip
    """Pause, resume or remove a schedule. Resuming sends from the next slot, not missed ones."""
    transitions = {"paused": ("active",), "active": ("paused",), "removed": ("active", "paused")}
    record = uow.report_schedules.get(schedule_id)
    if record is None:
        raise NotFound(f"no report schedule {schedule_id}")
    if record.status not in transitions[status]:
        raise InvalidInput(f"schedule {schedule_id} is {record.status}; it cannot become {status}")
    before = describe(record)
    record.status, record.updated_at = status, at
    if status == "active":
        record.next_run_at = next_slot(cadence_of(record), at)
    action = {"paused": "pause", "active": "resume", "removed": "remove"}[status]
    _audit(uow, at=at, actor=actor, action=action, record=record, before=before)
    return record


def scope_of(record: ReportScheduleRecord, slot: datetime) -> Scope:
    f = record.filters
    end = period_end(cadence_of(record), slot)
    start = end - timedelta(days=int(f.get("days", 30)) - 1)
    return Scope(start, end, f.get("client"), f.get("segment"), f.get("strategy"), f.get("team"),
                 f.get("tz") or "UTC")  # fmt: skip


def render(*, uow: UnitOfWork, record: ReportScheduleRecord, slot: datetime,
           options: Options) -> ReportTable:  # fmt: skip
    """The report of a run, as ``arrears report`` computes it for the same period and filters."""
    scope = scope_of(record, slot)
    if record.report != "aging":
        chosen = dataclasses.replace(options, by=record.filters.get("by") or options.by)
        return run_report(uow=uow, name=record.report, scope=scope, options=chosen)
    aged = aging_report(uow=uow, as_of=scope.end, scheme=DPD_SCHEME, client=scope.client)
    frame = aged.frame.rename({c: f"{c}_minor" for c in ("balance", "principal", "interest",
                                                        "fees", "costs")})  # fmt: skip
    return ReportTable(name="aging", title={"en": "Ageing", "zh": "账龄"}, scope=scope,
                       frame=frame)  # fmt: skip


def file_of(table: ReportTable, fmt: str, language: str) -> bytes:
    if fmt == "csv":
        return table.csv().encode("utf-8")
    return table.xlsx() if fmt == "xlsx" else table.pdf(language)


@dataclass(frozen=True)
class Run:
    schedule_id: int
    slot: datetime
    delivery_id: int | None  # None: the slot was already sent
    messages: int


def send_due(*, uow: UnitOfWork, now: datetime, options: Options, actor: str) -> list[Run]:
    """Render every due schedule's report and enqueue one staff e-mail per recipient."""
    runs = []
    for record in uow.report_schedules.due(now):
        slot = record.next_run_at
        runs.append(_run(uow, record, slot, now, options, actor))
        record.last_run_at, record.updated_at = slot, now
        record.next_run_at = next_slot(cadence_of(record), max(now, slot))
    return runs


def _run(uow: UnitOfWork, record: ReportScheduleRecord, slot: datetime, now: datetime,
         options: Options, actor: str) -> Run:  # fmt: skip
    table = render(uow=uow, record=record, slot=slot, options=options)
    filename = f"{record.report}-{table.scope.end.isoformat()}.{record.format}"
    delivery = uow.report_schedules.add_delivery(
        schedule_id=record.id, run_at=slot, as_of=table.scope.end, filename=filename,
        content_type=FORMATS[record.format], payload=file_of(table, record.format, record.language),
        recipients=len(record.recipients), created_at=now,
    )  # fmt: skip
    if delivery is None:
        return Run(record.id, slot, None, 0)
    subject, text = message_text(record, table)
    ids = [uow.outbox.add(
        kind="staff", dedup_key=event_key("report", str(record.id), f"{slot:%Y%m%dT%H%MZ}", to),
        channel="email", template=f"report:{record.report}", contact_to=to, not_before=now,
        details={"delivery_id": delivery, "subject": subject, "text": text,
                 "locale": record.language},
        created_at=now, updated_at=now,
    ) for to in record.recipients]  # fmt: skip
    _audit(uow, at=now, actor=actor, action="run", record=record, slot=slot.isoformat(),
           delivery_id=delivery, outbox_ids=ids, rows=table.frame.height)  # fmt: skip
    return Run(record.id, slot, delivery, sum(1 for i in ids if i is not None))


def message_text(record: ReportScheduleRecord, table: ReportTable) -> tuple[str, str]:
    """Subject and body of a run's e-mail, in the schedule's language."""
    s, rows, when = table.scope, table.frame.height, cadence_of(record).describe()
    shown = {k: v for k, v in record.filters.items() if k in FILTERS[:4] and v}
    if record.language == "zh-CN":
        title = table.title["zh"]
        where = "；".join(f"{k}={v}" for k, v in shown.items())
        body = (f"附件是报表「{title}」，期间 {s.start} 至 {s.end}"
                + (f"（{where}）" if where else "") + f"，共 {rows} 行。\n\n"
                f"此邮件由定时报表 #{record.id} 自动发送（{when}）。"
                "可在 /dashboards/schedules 或用 arrears reports schedule "
                "暂停或删除。\n")  # fmt: skip
        return f"报表：{title}（{s.start} 至 {s.end}）", body
    title = table.title["en"]
    where = "; ".join(f"{k}={v}" for k, v in shown.items())
    body = (f'Attached: the report "{title}" for {s.start} to {s.end}'
            + (f" ({where})" if where else "") + f", {rows} row(s).\n\n"
            f"Sent by report schedule #{record.id} ({when}). Pause or remove it under "
            "/dashboards/schedules or with arrears reports schedule.\n")  # fmt: skip
    return f"Report: {title} ({s.start} to {s.end})", body
