"""``arrears compliance check``: one proposed contact in, one verdict out.

The payload follows ``docs/contact-check.md``; :func:`check_contact`
validates it (:mod:`.schemas`), builds a one-row contacts frame and a history
frame (:mod:`.facts`) and asks the same engine the daily planner uses
(:func:`.engine.evaluate`). Instants in the answer are written with the offset
of the person's first candidate zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from arrears.compliance import facts
from arrears.compliance.engine import Evaluation, evaluate
from arrears.compliance.rulebooks import Rulebooks, first_error
from arrears.compliance.schemas import CheckInput
from arrears.errors import InvalidInput


def parse_payload(payload: Any) -> CheckInput:
    """Validate a payload; a problem becomes one line naming the field."""
    try:
        return CheckInput.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from exc


def describe(exc: ValidationError) -> str:
    """``contact.channel: Input should be 'call', ...`` for the first error."""
    error = first_error(exc)
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def check_contact(payload: Any, rulebooks: Rulebooks) -> dict[str, Any]:
    """The verdict on one proposed contact, in the public output format."""
    data = payload if isinstance(payload, CheckInput) else parse_payload(payload)
    contacts, history = facts.frames(data)
    result = evaluate(contacts, history, rulebooks)
    zone = ZoneInfo(contacts["zones"][0][0])
    codes = set(data.jurisdictions) | {code.split("-")[0] for code in data.jurisdictions}
    return render(result, zone, codes)


def _instant(value: datetime | None, zone: ZoneInfo) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat(timespec="seconds")


def render(result: Evaluation, zone: ZoneInfo, codes: set[str]) -> dict[str, Any]:
    """The output format; ``rulebooks`` stamps the versions of the rulebooks that applied."""
    decision = result.decisions.row(0, named=True)
    findings = [
        {
            "rule": f["rule"],
            "verdict": f["verdict"],
            "until": _instant(f["until"], zone) if f["verdict"] == "DELAY" else None,
            "citation": f["citation"],
            "message": f["message"],
            "message_zh": f["message_zh"],
            "requires": f["requires"] or [],
        }
        for f in result.findings.iter_rows(named=True)
    ]
    return {
        "verdict": decision["verdict"],
        "until": _instant(decision["until"], zone),
        "findings": findings,
        "rulebooks": {k: v for k, v in result.rulebooks.items() if k in codes},
    }
