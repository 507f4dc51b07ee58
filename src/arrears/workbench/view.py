"""The account 360 view: everything a collector needs before and during a call, on one page.

:func:`open_account` gathers the debtor and their contact points (verified,
consents, opt-outs, the local time now), balances and ageing, B2B invoices,
the complete timeline (calls, messages, letters, payments, promises, plans,
settlements, disputes, notes, documents), today's plan and its reason, the
call script for the account's stage and language and — per phone number —
the compliance banner: may I call this number now, and if not, when.

The banner is the verdict of the one compliance engine, asked exactly as the
outbox asks it at send time (:func:`arrears.outbox.recheck.judge`: the same
frames, the same rules, the instant of now), never a second implementation.

Every opening is audited (``account.viewed``); identifiers are masked unless
the role has ``identifiers.full`` (least privilege, PRODUCT F6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from arrears.compliance.catalogue import CATALOGUE
from arrears.compliance.facts import phone_zones_of
from arrears.compliance.rulebooks import Rulebooks
from arrears.core.aging import DPD_SCHEME, days_past_due
from arrears.core.roles import Principal
from arrears.kit.crypto import mask
from arrears.outbox.recheck import judge
from arrears.store.queries import planning
from arrears.store.queries import workbench as queries
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import N_, Translator
from arrears.workbench.labels import STATUS_LABELS
from arrears.workbench.scripts import Script, ScriptFile, script_for, stage_of
from arrears.workbench.service import visible_account

PHONE_KINDS = ("mobile", "landline", "phone")
HISTORY_DAYS = 30  # the frequency rules look back at most a week; 30 days as the outbox does


@dataclass(frozen=True)
class Point:
    id: int
    kind: str
    shown: str  # masked unless the role may see identifiers in full
    dial: str | None  # the number to dial (tel: link); None for other kinds
    verified: bool
    consents: list[str]
    opt_outs: list[str]
    wrong_party: bool
    do_not_contact: bool
    zone: str | None
    local_time: datetime | None


ACCOUNT_CLOSED = N_("The account is %(status)s now: no calls.")
POINT_UNUSABLE = N_("This number may no longer be used (removed, do not contact, or wrong party).")


@dataclass(frozen=True)
class Reason:
    """Why a number may not be called now: a rule of the catalogue, or a stop outside the rules.

    The engine words its findings in English; a Chinese page shows the rule's
    Chinese title from the catalogue instead, with the rule id either way, so
    the collector can name the rule to compliance.
    """

    rule: str | None  # a catalogue id; None for a stop (closed account, unusable number)
    message: str  # the engine's words, or a message id of this part for a stop
    values: tuple[tuple[str, str], ...] = ()  # message ids too: translated before filling in

    def text(self, t: Translator) -> str:
        if self.rule is None:
            return t.gettext(self.message, **{k: t.gettext(v) for k, v in self.values})
        info = CATALOGUE.get(self.rule)
        if info is not None and t.locale.startswith("zh"):
            return f"{info.title_zh}（{self.rule}）"
        return f"{self.message} ({self.rule})"


@dataclass(frozen=True)
class CallVerdict:
    """The engine's answer for calling one number now."""

    point_id: int
    shown: str
    verdict: str  # ALLOW | DELAY | BLOCK | REQUIRE | REVIEW
    until: datetime | None
    reasons: list[Reason]
    rules: list[str]


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    kind: str  # call, sms, email, letter, portal, note, payment, document, ...
    outcome: str | None
    text: str
    by: str | None


@dataclass
class AccountView:
    account: Any
    client: Any
    debtor: Any
    national_id: str
    points: list[Point]
    dpd: int
    bucket: str
    balance_minor: int
    invoices: list[Any]
    timeline: list[Entry]
    promises: list[Any]
    plans: list[Any]
    settlements: list[Any]
    disputes: list[Any]
    tasks: list[Any]
    today: list[Any]
    reason: str | None
    banner: list[CallVerdict]
    script: Script | None
    script_values: dict[str, str] = field(default_factory=dict)


def open_account(
    *, uow: UnitOfWork, me: Principal, account_id: int, now: datetime, rulebooks: Rulebooks,
    scripts: tuple[ScriptFile, ...],
) -> AccountView:  # fmt: skip
    """The 360 view of an account ``me`` may see (NotFound otherwise); audited."""
    account = visible_account(uow=uow, me=me, account_id=account_id, at=now)
    debtor = uow.disputes.debtor(account.debtor_id)
    client = uow.clients.get(account.client_id)
    full = me.can("identifiers.full")
    raw_points = uow.workbench.contact_points(debtor.id)
    points = [_point(p, debtor, full, now) for p in raw_points]
    parts = queries.account_parts(uow.session, account.id)
    today = queries.todays_actions(uow.session, account.id, now.date())
    latest = today[0] if today else queries.latest_action(uow.session, account.id)
    dpd = days_past_due(account.due_on, now.date())
    script = script_for(
        scripts, jurisdiction=account.jurisdiction or client.jurisdiction,
        stage=stage_of(due_on=account.due_on, as_of=now.date(), company=debtor.kind == "company"),
        language=me.locale,
    )  # fmt: skip
    view = AccountView(
        account=account, client=client, debtor=debtor,
        national_id=_national_id(debtor), points=points, dpd=dpd,
        bucket=DPD_SCHEME.bucket_for(max(dpd, DPD_SCHEME.buckets[0].low)),
        balance_minor=_balance(account), invoices=uow.accounts.invoices_of(account.id),
        timeline=_timeline(parts), promises=parts["promises"], plans=parts["plans"],
        settlements=parts["settlements"], disputes=parts["disputes"],
        tasks=[t for t in parts["tasks"] if t.status == "open"], today=today,
        reason=latest.reason if latest is not None else None,
        banner=call_verdicts(uow=uow, account=account, points=points, now=now,
                             rulebooks=rulebooks),
        script=script,
    )  # fmt: skip
    view.script_values = {"debtor": debtor.name, "agent": me.display_name,
                          "company": client.name, "creditor": client.name,
                          "ref": account.account_ref}  # fmt: skip
    uow.audit.append(AuditEvent(occurred_at=now, actor=me.actor, action="account.viewed",
                                entity="account", entity_id=str(account.id),
                                after={"debtor_id": debtor.id, "identifiers": "full" if full
                                       else "masked"}))  # fmt: skip
    return view


def _balance(account: Any) -> int:
    return int(account.principal_minor + account.interest_minor + account.fees_minor
               + account.costs_minor - account.credit_minor)  # fmt: skip


def _national_id(debtor: Any) -> str:
    """The id's last four characters behind stars.

    The clear value is never decrypted for the 360 view, whatever the role: a
    collector needs the tail to verify the person; roles with
    ``identifiers.full`` read the full id through their own, audited tools.
    """
    tail = debtor.national_id_last4 or ""
    return "*" * 14 + tail if tail else ""


def _zone(point: Any, debtor: Any) -> str | None:
    zones = list(point.time_zones or []) or list(debtor.time_zones or [])
    if not zones and point.kind in PHONE_KINDS:
        zones = phone_zones_of(point.value)
    return zones[0] if zones else None


def _point(point: Any, debtor: Any, full: bool, now: datetime) -> Point:
    zone = _zone(point, debtor)
    phone = point.kind in PHONE_KINDS
    shown = point.value if full or not phone else mask(point.value, keep=4)
    if point.kind == "email" and not full:
        name, _, domain = point.value.partition("@")
        shown = f"{name[:1]}***@{domain}"
    return Point(
        id=point.id, kind=point.kind, shown=shown, dial=point.value if phone else None,
        verified=bool(point.verified), consents=sorted((point.consents or {}).keys()),
        opt_outs=sorted({str(o.get("channel")) for o in point.opt_outs or []}),
        wrong_party=bool(point.wrong_party), do_not_contact=bool(point.do_not_contact),
        zone=zone, local_time=now.astimezone(ZoneInfo(zone)) if zone else None,
    )  # fmt: skip


def call_verdicts(
    *, uow: UnitOfWork, account: Any, points: list[Point], now: datetime, rulebooks: Rulebooks
) -> list[CallVerdict]:
    """May each of the debtor's phone numbers be called now, and if not, when?"""
    phones = [p for p in points if p.dial is not None]
    if not phones:
        return []
    status = str(account.status)
    messages = pl.DataFrame(
        {"contact_id": [p.id for p in phones], "account_id": [account.id] * len(phones),
         "debtor_id": [account.debtor_id] * len(phones), "channel": ["call"] * len(phones),
         "to": [p.dial for p in phones], "content": [None] * len(phones)},
        schema={"contact_id": pl.Int64, "account_id": pl.Int64, "debtor_id": pl.Int64,
                "channel": pl.String, "to": pl.String, "content": pl.String},
    )  # fmt: skip
    session = uow.session
    accounts = planning.open_accounts(session, account_ids=[account.id])
    contact_points = planning.contact_points(session, debtor_ids=[account.debtor_id])
    history = planning.interactions(session, since=now - timedelta(days=HISTORY_DAYS),
                                    debtor_ids=[account.debtor_id])  # fmt: skip
    verdicts = judge(messages, accounts, contact_points, history, rulebooks, now)
    by_id = {row["contact_id"]: row for row in verdicts.to_dicts()}
    return [_verdict(p, by_id[p.id], status) for p in phones if p.id in by_id]


def _verdict(point: Point, row: dict[str, Any], status: str) -> CallVerdict:
    findings = [f for f in row.get("findings") or [] if f.get("verdict") != "ALLOW"]
    reasons = [Reason(str(f["rule"]), str(f["message"])) for f in findings if f.get("message")]
    if row.get("stop_code"):  # the account is closed, or the number is no longer usable
        closed = row["stop_code"] != "address_unusable"
        label = STATUS_LABELS.get(status, status)
        reasons.insert(0, Reason(None, ACCOUNT_CLOSED, (("status", label),)) if closed
                       else Reason(None, POINT_UNUSABLE))  # fmt: skip
    until = row.get("until")
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return CallVerdict(point_id=point.id, shown=point.shown, verdict=str(row["verdict"]),
                       until=until, reasons=reasons,
                       rules=[str(r) for r in row.get("rules") or []])  # fmt: skip


def _timeline(parts: dict[str, list[Any]]) -> list[Entry]:
    """Every event of the account, newest first."""
    entries = [
        Entry(i.occurred_at, i.channel, i.outcome, i.notes or "", i.details.get("by")
              if isinstance(i.details, dict) and i.details.get("by") else None)
        for i in parts["interactions"]
    ]  # fmt: skip
    for p in parts["payments"]:
        text = f"{p.kind} {p.amount_minor} {p.currency} ({p.method or '-'}, {p.reference})"
        entries.append(Entry(p.created_at, "payment", p.kind, text, None))
    for d in parts["documents"]:
        entries.append(Entry(d.created_at, "document", d.kind, d.filename, d.source))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def local_date(view: AccountView) -> date | None:
    """The debtor's date now (first zone), for scripts that name a day."""
    for point in view.points:
        if point.local_time is not None:
            return point.local_time.date()
    return None
