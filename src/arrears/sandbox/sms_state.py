"""The SMS sandbox's memory: accepted messages, idempotency, injected failures, the log.

Pure bookkeeping without HTTP, so each rule of the provider is a small function:

- a message is ``{"to", "from", "text", "reference"}``; ``to`` must be E.164;
- a known ``reference`` returns the first message (``200``, same id) and sends
  nothing; the same reference with a different destination or text is ``409``;
- :class:`FailureRule` patterns on the destination inject failures:
  ``undeliverable`` / ``failed`` (accepted, then a negative receipt),
  ``rate_limit_once`` (``429`` on the first try of a message),
  ``server_error_once`` (``500`` on the first try), ``reject`` (``400``);
- every accepted message is appended as one JSON line to the log file (the
  "SMS sandbox log" a person opens to see what would have reached phones).
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

Behaviour = Literal["undeliverable", "failed", "rate_limit_once", "server_error_once", "reject"]
BEHAVIOURS: tuple[str, ...] = get_args(Behaviour)
E164 = re.compile(r"\+[1-9]\d{6,14}")
MAX_TEXT = 1600  # ten concatenated segments
MAX_REFERENCE = 200
MAX_SENDER = 20


@dataclass(frozen=True, slots=True)
class FailureRule:
    """Destinations matching ``pattern`` (shell style, e.g. ``*0000``) get ``behaviour``."""

    pattern: str
    behaviour: Behaviour

    @classmethod
    def parse(cls, text: str) -> FailureRule:
        """``"*0000=undeliverable"`` → a rule."""
        pattern, _, behaviour = text.partition("=")
        if not pattern or behaviour not in BEHAVIOURS:
            raise ValueError(f"a failure rule is PATTERN=KIND, KIND one of {', '.join(BEHAVIOURS)}")
        return cls(pattern.strip(), behaviour)  # type: ignore[arg-type]


DEFAULT_RULES = (
    FailureRule("*0000", "undeliverable"),
    FailureRule("*0001", "failed"),
    FailureRule("*0429", "rate_limit_once"),
    FailureRule("*0500", "server_error_once"),
    FailureRule("*0400", "reject"),
)
GSM7 = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"
RECEIPT_ERRORS = {"undeliverable": "unknown subscriber", "failed": "carrier error"}


@dataclass(frozen=True)
class SmsSandboxConfig:
    """How the sandbox provider behaves; every field has a development default."""

    api_keys: frozenset[str] = frozenset({"sandbox-key"})
    log_path: Path | None = Path("var/sandbox/sms.jsonl")
    receipt_url: str | None = None
    inbound_url: str | None = None
    secret: str | None = None
    rules: tuple[FailureRule, ...] = DEFAULT_RULES
    receipt_delay: float = 0.2
    webhook_attempts: int = 3
    webhook_pause: float = 0.2
    max_batch: int = 1000

    def __repr__(self) -> str:  # the keys and the secret stay out of logs
        return (
            f"SmsSandboxConfig(log_path={self.log_path!s}, receipt_url={self.receipt_url!r}, "
            f"inbound_url={self.inbound_url!r}, rules={len(self.rules)})"
        )


class Rejected(Exception):
    """A request the provider answers with an error status."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error

    def body(self) -> dict[str, Any]:
        return {"error": self.error}


@dataclass
class Outcome:
    """The answer to one submitted message (``record`` set when newly accepted)."""

    status: int
    body: dict[str, Any]
    record: dict[str, Any] | None = None


@dataclass
class SmsSandbox:
    """Accepted messages in memory, thread-safe; the log file on disk."""

    config: SmsSandboxConfig = field(default_factory=SmsSandboxConfig)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    inbound: list[dict[str, Any]] = field(default_factory=list)
    _by_reference: dict[str, str] = field(default_factory=dict)
    _tries: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, payload: object) -> Outcome:
        """Validate, deduplicate, inject failures, accept."""
        try:
            message = _validated(payload)
            with self._lock:
                return self._submit(message)
        except Rejected as exc:
            return Outcome(exc.status, exc.body())

    def submit_batch(self, payload: object) -> list[Outcome]:
        items = payload.get("messages") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            raise Rejected(400, "'messages' must be a non-empty list")
        if len(items) > self.config.max_batch:
            raise Rejected(400, f"at most {self.config.max_batch} messages per batch")
        return [self.submit(item) for item in items]

    def find(self, reference: str) -> list[dict[str, Any]]:
        with self._lock:
            found = self._by_reference.get(reference)
            return [dict(self.messages[found])] if found else []

    def get(self, message_id: str) -> dict[str, Any] | None:
        with self._lock:
            record = self.messages.get(message_id)
            return dict(record) if record else None

    def settle(self, message_id: str) -> dict[str, Any]:
        """Simulate the network's verdict; returns the receipt payload."""
        with self._lock:
            record = self.messages[message_id]
            outcome = record["outcome"]
            record["status"] = outcome
            record["error"] = RECEIPT_ERRORS.get(outcome)
            return {
                "id": record["id"],
                "reference": record["reference"],
                "status": outcome,
                "error": record["error"],
                "at": _now(),
            }

    def log(self, records: list[dict[str, Any]]) -> None:
        path = self.config.log_path
        if path is None or not records:
            return
        lines = "".join(json.dumps(_log_line(r), ensure_ascii=False) + "\n" for r in records)
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(lines)

    def _submit(self, message: dict[str, Any]) -> Outcome:
        reference = message["reference"]
        if reference is not None and reference in self._by_reference:
            return self._repeat(message, self._by_reference[reference])
        behaviour = self._behaviour(message["to"])
        if behaviour == "reject":
            raise Rejected(400, f"destination {message['to']} is not reachable")
        if behaviour in ("rate_limit_once", "server_error_once") and self._first_try(message):
            if behaviour == "rate_limit_once":
                raise Rejected(429, "rate limit exceeded, retry later")
            raise Rejected(500, "internal error (simulated), retry later")
        record = {
            **message,
            "id": f"SM{uuid.uuid4().hex[:24]}",
            "segments": segments(message["text"]),
            "status": "queued",
            "outcome": behaviour if behaviour in RECEIPT_ERRORS else "delivered",
            "accepted_at": _now(),
        }
        self.messages[record["id"]] = record
        if reference is not None:
            self._by_reference[reference] = record["id"]
        body = {"id": record["id"], "status": "queued", "segments": record["segments"]}
        return Outcome(201, body, record)

    def _repeat(self, message: dict[str, Any], message_id: str) -> Outcome:
        first = self.messages[message_id]
        if (first["to"], first["text"]) != (message["to"], message["text"]):
            raise Rejected(409, "reference already used for a different message")
        return Outcome(200, {"id": message_id, "status": first["status"]})

    def _behaviour(self, to: str) -> str | None:
        for rule in self.config.rules:
            if fnmatch.fnmatchcase(to, rule.pattern):
                return rule.behaviour
        return None

    def _first_try(self, message: dict[str, Any]) -> bool:
        key = message["reference"] or f"{message['to']}\n{message['text']}"
        self._tries[key] = self._tries.get(key, 0) + 1
        return self._tries[key] == 1


def _validated(payload: object) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Rejected(400, "a message must be a JSON object")
    to, sender, text = payload.get("to"), payload.get("from"), payload.get("text")
    reference = payload.get("reference")
    if not isinstance(to, str) or not E164.fullmatch(to):
        raise Rejected(400, f"'to' must be an E.164 number like +8613800138000, not {to!r}")
    if not isinstance(sender, str) or not 1 <= len(sender) <= MAX_SENDER:
        raise Rejected(400, f"'from' must be a sender id of 1 to {MAX_SENDER} characters")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise Rejected(400, f"'text' must be 1 to {MAX_TEXT} characters")
    if reference is not None and (not isinstance(reference, str) or len(reference) > MAX_REFERENCE):
        raise Rejected(400, f"'reference' must be a string of at most {MAX_REFERENCE} characters")
    return {"to": to, "from": sender, "text": text, "reference": reference}


def segments(text: str) -> int:
    """SMS parts ``text`` takes: GSM 03.38 (160/153 per part) or else UCS-2 (70/67)."""
    if all(char in GSM7 or char in GSM7_EXTENDED for char in text):
        units = len(text) + sum(char in GSM7_EXTENDED for char in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else -(-units // part)


def _log_line(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "reference", "to", "from", "text", "segments", "status", "accepted_at")
    return {key: record[key] for key in keys}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
