"""Scenario helpers: state the facts, propose a contact, read the verdict.

Each scenario test builds a contact-check payload (the public format) with
:func:`payload`, runs it through the same engine the planner uses, and looks
at the verdict and the findings.
"""

from __future__ import annotations

from copy import deepcopy
from functools import cache
from typing import Any

from arrears.compliance.check import check_contact
from arrears.compliance.rulebooks import Rulebooks, load_rulebooks

NY_MOBILE = "+12125550100"  # Eastern (New York area code)
DENVER_LANDLINE = "+13035550111"  # Mountain
SHANGHAI_MOBILE = "+8613800138000"
LONDON_MOBILE = "+447700900123"
# A debt already in collection: initial communication and validation notice on file.
KNOWN_DEBT = {
    "id": "A1",
    "first_contact_at": "2026-01-05T15:00:00Z",
    "validation_sent_at": "2026-01-05T16:00:00Z",
}


@cache
def books() -> Rulebooks:
    return load_rulebooks()


def payload(
    now: str,
    *,
    channel: str = "call",
    to: str = NY_MOBILE,
    jurisdictions: tuple[str, ...] = ("US",),
    debtor: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    debts: list[dict[str, Any]] | None = None,
    **contact: Any,
) -> dict[str, Any]:
    """A contact-check payload; the debtor has the contacted number as a mobile by default."""
    facts = {"phones": [{"number": NY_MOBILE, "kind": "mobile", "owner": "debtor"}]}
    facts.update(deepcopy(debtor or {}))
    return {
        "jurisdictions": list(jurisdictions),
        "now": now,
        "contact": {"channel": channel, "to": to, "debt": "A1", **contact},
        "debtor": facts,
        "debts": deepcopy(debts) if debts is not None else [dict(KNOWN_DEBT)],
        "history": history or [],
    }


def check(data: dict[str, Any]) -> dict[str, Any]:
    return check_contact(data, books())


def findings(result: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["rule"] == rule]


def finding(result: dict[str, Any], rule: str) -> dict[str, Any]:
    found = findings(result, rule)
    assert len(found) == 1, (rule, result["findings"])
    return found[0]


def rules(result: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in result["findings"]}


def calls(
    days: list[str],
    *,
    at: str = "10:00:00-04:00",
    to: str = NY_MOBILE,
    outcome: str = "no_answer",
    **extra: Any,
) -> list[dict[str, Any]]:
    """Outbound calls about debt A1 at ``at`` local time on each ISO date of ``days``."""
    return [
        {
            "at": f"{day}T{at}",
            "channel": "call",
            "direction": "out",
            "to": to,
            "debt": "A1",
            "outcome": outcome,
            **extra,
        }
        for day in days
    ]
