"""A plausible recent contact history for the demo portfolio.

Imported files carry balances, not conversations; without a history the
daily plan has nothing to count and every contact looks allowed. This module
gives the demo the last three weeks of work a collection team would have
done: calls with their outcomes, texts, e-mails and letters, some replies, a
few disputes and cease requests, a few opted-out numbers, and a handful of
over-dialled accounts — so the plan's compliance decisions have something to
decide. Everything is drawn from a seeded generator (same seed, same history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import polars as pl

# Channel mix of outbound work per client; outcome mix per channel.
CHANNELS = {
    "cn-consumer": ({"call": 0.55, "sms": 0.45}),
    "us-agency": ({"call": 0.6, "email": 0.3, "letter": 0.1}),
    "uk-utility": ({"call": 0.4, "sms": 0.2, "email": 0.3, "letter": 0.1}),
    "b2b-receivables": ({"email": 0.7, "call": 0.3}),
}
OUTCOMES = {
    "call": {"no_answer": 0.5, "voicemail": 0.15, "conversation": 0.15, "busy": 0.1,
             "not_in_service": 0.05, "third_party_answered": 0.05},
    "sms": {"delivered": 0.95, "bounced": 0.05},
    "email": {"delivered": 0.93, "bounced": 0.07},
    "letter": {"delivered": 1.0},
}  # fmt: skip
POINT_KIND = {"call": ("mobile", "phone", "landline"), "sms": ("mobile", "phone"),
              "email": ("email",), "letter": ("address",)}  # fmt: skip
# Working hours in UTC by the first part of the jurisdiction (local 09:00-19:00).
UTC_HOURS = {"CN": (1, 11), "US": (14, 23), "GB": (9, 18)}


@dataclass(frozen=True)
class DemoHistory:
    interactions: list[dict[str, Any]]
    holds: list[dict[str, Any]]  # account id, status, holds
    opted_out: list[int]  # contact point ids


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> list[str]:
    keys = list(weights)
    p = np.array([weights[k] for k in keys])
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _instant(rng: np.random.Generator, day: date, jurisdiction: str) -> datetime:
    low, high = UTC_HOURS.get(jurisdiction.split("-", maxsplit=1)[0], (9, 18))
    seconds = int(rng.integers(low * 3600, high * 3600))
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(seconds=seconds)


def _points_by_debtor(points: pl.DataFrame) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    for debtor, kind, value in points.select("debtor_id", "kind", "value").iter_rows():
        out.setdefault((debtor, kind), value)
    return out


def _contact_value(points: dict[tuple[int, str], str], debtor: int, channel: str) -> str | None:
    for kind in POINT_KIND[channel]:
        if (debtor, kind) in points:
            return points[(debtor, kind)]
    return None


def generate_history(
    accounts: pl.DataFrame, points: pl.DataFrame, *, as_of: date, seed: int
) -> DemoHistory:
    """Interactions of the 21 days before ``as_of`` plus holds and opt-outs."""
    rng = np.random.default_rng(seed)
    by_debtor = _points_by_debtor(points)
    rows: list[dict[str, Any]] = []
    holds: list[dict[str, Any]] = []
    for account, debtor, client, jurisdiction in accounts.select(
        "account_id", "debtor_id", "client", "jurisdiction"
    ).iter_rows():
        j = jurisdiction or "US"
        if rng.random() < 0.65:
            past = _account_history(rng, by_debtor, account, debtor, client, j, as_of)
            if j.startswith("US") and past:
                past.append(_validation_notice(rng, by_debtor, account, debtor, j, as_of))
            rows.extend(row for row in past if row)
        if j.startswith("US") and rng.random() < 0.02:
            rows.extend(_over_dialled(rng, by_debtor, account, debtor, j, as_of))
        hold = _maybe_hold(rng, account, j, as_of)
        if hold:
            holds.append(hold)
    opted = points.filter(pl.col("kind") != "address").sample(fraction=0.02, seed=seed)
    return DemoHistory(rows, holds, opted["point_id"].to_list())


def _account_history(
    rng: np.random.Generator,
    points: dict[tuple[int, str], str],
    account: int,
    debtor: int,
    client: str,
    jurisdiction: str,
    as_of: date,
) -> list[dict[str, Any]]:
    n = int(rng.poisson(4)) + 1
    channels = _pick(rng, CHANNELS.get(client, {"call": 1.0}), n)
    out = []
    for channel in channels:
        to = _contact_value(points, debtor, channel)
        if to is None:
            continue
        day = as_of - timedelta(days=int(rng.integers(1, 22)))
        outcome = _pick(rng, OUTCOMES[channel], 1)[0]
        at = _instant(rng, day, jurisdiction)
        out.append(_row(account, debtor, channel, "out", at, to, outcome))
        if channel in ("sms", "email") and rng.random() < 0.1:
            out.append(_row(account, debtor, channel, "in", at + timedelta(hours=20), to, "reply"))
    return out


def _over_dialled(
    rng: np.random.Generator,
    points: dict[tuple[int, str], str],
    account: int,
    debtor: int,
    jurisdiction: str,
    as_of: date,
) -> list[dict[str, Any]]:
    """Seven unanswered calls in six days: the next call waits (Reg F 7-in-7)."""
    to = _contact_value(points, debtor, "call")
    if to is None:
        return []
    days = [as_of - timedelta(days=d) for d in (1, 1, 2, 3, 4, 5, 6)]
    return [_row(account, debtor, "call", "out", _instant(rng, d, jurisdiction), to, "no_answer")
            for d in days]  # fmt: skip


def _validation_notice(
    rng: np.random.Generator,
    points: dict[tuple[int, str], str],
    account: int,
    debtor: int,
    jurisdiction: str,
    as_of: date,
) -> dict[str, Any]:
    """The validation notice a US agency mails before its other work (Reg F 1006.34)."""
    day = as_of - timedelta(days=int(rng.integers(25, 40)))
    to = _contact_value(points, debtor, "letter") or "address on file"
    row = _row(account, debtor, "letter", "out", _instant(rng, day, jurisdiction), to, "delivered")
    return {**row, "template": "validation_notice"}


def _maybe_hold(
    rng: np.random.Generator, account: int, jurisdiction: str, as_of: date
) -> dict[str, Any] | None:
    draw = rng.random()
    since = datetime.combine(as_of - timedelta(days=int(rng.integers(2, 30))), time(9), tzinfo=UTC)
    if draw < 0.015:
        return {
            "id": account,
            "status": "disputed",
            "holds": [{"kind": "dispute", "since": since.isoformat()}],
        }
    if jurisdiction.startswith("US") and draw < 0.02:
        return {
            "id": account,
            "status": "on_hold",
            "holds": [{"kind": "cease", "since": since.isoformat()}],
        }
    return None


def _row(
    account: int, debtor: int, channel: str, direction: str, at: datetime, to: str, outcome: str
) -> dict[str, Any]:
    return {"account_id": account, "debtor_id": debtor, "channel": channel,
            "direction": direction, "occurred_at": at, "contact_value": to, "outcome": outcome,
            "status": "done", "template": None, "details": {"source": "demo"}}  # fmt: skip
