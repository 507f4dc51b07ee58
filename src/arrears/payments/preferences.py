"""How and when a debtor wants to be contacted, as they set it themselves.

Three kinds of preference, each read by the one compliance engine for every
planned and every sent contact:

* **Opt-outs** per channel (``call``, ``sms``, ``email``, ``letter``): a request
  to stop using a medium (Reg F §1006.14(h)(1) — a consumer may restrict the
  media through which a debt collector communicates; UK CONC 7.9 and the
  Chinese rules likewise). An opt-out goes on every contact point of the
  debtor that the channel uses, so a later import of the same number keeps it.
* **Consents** (``texts``, ``automated_calls``, ``email``): permission the
  debtor gives, e.g. for texts to a mobile (TCPA prior express consent) or for
  e-mail (Reg F §1006.6(d)(4) procedures). Withdrawing removes it.
* **Inconvenient times**: weekly local intervals (``{"days": ["mon"], "from":
  "18:00", "to": "21:00", "until": null}``) in which the debtor must not be
  contacted (FDCPA §805(a)(1), Reg F §1006.6(b)(1)(i)).

Preferences belong to the person, not to one account: they apply to every debt
of the debtor with this creditor. Each change is audited with before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from arrears.errors import InvalidInput
from arrears.kit.crypto import mask
from arrears.store.records import ContactPointRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

# Which contact points each channel (for opt-outs) and each consent uses.
CHANNEL_KINDS: Mapping[str, tuple[str, ...]] = {
    "call": ("mobile", "landline", "phone"),
    "sms": ("mobile",),
    "email": ("email",),
    "letter": ("address",),
}
CONSENT_KINDS: Mapping[str, tuple[str, ...]] = {
    "texts": ("mobile",),
    "automated_calls": ("mobile", "landline", "phone"),
    "email": ("email",),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_INTERVALS = 14


class InconvenientTime(BaseModel):
    """One weekly interval, local time of the debtor."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    days: list[str] = Field(min_length=1)
    from_: str = Field(alias="from", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    to: str = Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
    until: date | None = None

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown day(s) {unknown}; use {', '.join(WEEKDAYS)}")
        return sorted(set(value), key=WEEKDAYS.index)

    def stored(self) -> dict[str, Any]:
        until = self.until.isoformat() if self.until else None
        return {"days": self.days, "from": self.from_, "to": self.to, "until": until}


@dataclass(frozen=True)
class PointView:
    """A contact point as the debtor sees it: masked, with its kind."""

    id: int
    kind: str
    masked: str


@dataclass(frozen=True)
class Preferences:
    points: list[PointView]
    opted_out: frozenset[str]  # channels stopped on every point they use
    consents: frozenset[str]  # consents given on at least one point
    inconvenient_times: list[dict[str, Any]] = field(default_factory=list)
    channels: tuple[str, ...] = ()  # the channels this debtor has a point for


def preferences(uow: UnitOfWork, debtor_id: int) -> Preferences:
    """What the debtor has set, for the portal's preferences page."""
    points = [p for p in uow.disputes.contact_points(debtor_id) if not p.wrong_party]
    debtor = uow.disputes.debtor(debtor_id)
    channels = tuple(c for c, kinds in CHANNEL_KINDS.items() if _using(points, kinds))
    opted = frozenset(
        c for c in channels if all(_opted_out(p, c) for p in _using(points, CHANNEL_KINDS[c]))
    )
    consents = frozenset(k for k in CONSENT_KINDS if any(k in (p.consents or {}) for p in points))
    return Preferences(
        points=[PointView(p.id, p.kind, _masked(p)) for p in points],
        opted_out=opted, consents=consents,
        inconvenient_times=list(debtor.inconvenient_times or []), channels=channels,
    )  # fmt: skip


def set_preferences(
    *,
    uow: UnitOfWork,
    debtor_id: int,
    opt_outs: Mapping[str, bool],
    consents: Mapping[str, bool],
    inconvenient_times: Sequence[Mapping[str, Any]],
    by: str,
    at: datetime,
) -> Preferences:
    """Apply the debtor's choices; returns what is now in force."""
    intervals = _intervals(inconvenient_times)
    _known(opt_outs, CHANNEL_KINDS, "channel")
    _known(consents, CONSENT_KINDS, "consent")
    before = preferences(uow, debtor_id)
    points = [p for p in uow.disputes.contact_points(debtor_id) if not p.wrong_party]
    for channel, stop in opt_outs.items():
        for point in _using(points, CHANNEL_KINDS[channel]):
            _set_opt_out(point, channel, stop, by, at)
    for kind, given in consents.items():
        for point in _using(points, CONSENT_KINDS[kind]):
            _set_consent(point, kind, given, by, at)
    uow.disputes.debtor(debtor_id).inconvenient_times = intervals
    after = preferences(uow, debtor_id)
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=by, action="debtor.preferences", entity="debtor",
        entity_id=str(debtor_id), before=_summary(before), after=_summary(after),
    ))  # fmt: skip
    return after


def _intervals(values: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if len(values) > MAX_INTERVALS:
        raise InvalidInput(f"at most {MAX_INTERVALS} inconvenient times ({len(values)} given)")
    out = []
    for n, value in enumerate(values, start=1):
        try:
            interval = InconvenientTime.model_validate(dict(value))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "value"
            raise InvalidInput(f"inconvenient time {n}, {where}: {first['msg']}") from None
        if interval.to != "24:00" and interval.to <= interval.from_:
            raise InvalidInput(f"inconvenient time {n}: 'to' must be after 'from'")
        out.append(interval.stored())
    return out


def _known(values: Mapping[str, bool], known: Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InvalidInput(f"unknown {what}(s) {unknown}; known: {', '.join(known)}")


def _using(points: Sequence[ContactPointRecord], kinds: tuple[str, ...]) -> list[Any]:
    return [p for p in points if p.kind in kinds]


def _opted_out(point: ContactPointRecord, channel: str) -> bool:
    return any(o.get("channel") == channel for o in point.opt_outs or [])


def _set_opt_out(
    point: ContactPointRecord, channel: str, stop: bool, by: str, at: datetime
) -> None:
    kept = [o for o in point.opt_outs or [] if o.get("channel") != channel]
    if stop:
        entry = _opted_out(point, channel) and next(
            o for o in point.opt_outs or [] if o.get("channel") == channel
        )
        kept.append(entry or {"channel": channel, "at": at.isoformat(), "source": by})
    point.opt_outs = kept


def _set_consent(point: ContactPointRecord, kind: str, given: bool, by: str, at: datetime) -> None:
    consents = dict(point.consents or {})
    if given and kind not in consents:
        consents[kind] = {"given": True, "at": at.isoformat(), "source": by}
    elif not given:
        consents.pop(kind, None)
    point.consents = consents


def _masked(point: ContactPointRecord) -> str:
    if point.kind == "email" and "@" in point.value:
        local, domain = point.value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    if point.kind == "address":
        return mask(point.value.split(",")[0], keep=6)
    return mask(point.value, keep=4)


def _summary(prefs: Preferences) -> dict[str, Any]:
    return {"opted_out": sorted(prefs.opted_out), "consents": sorted(prefs.consents),
            "inconvenient_times": prefs.inconvenient_times}  # fmt: skip
