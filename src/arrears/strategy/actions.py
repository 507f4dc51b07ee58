"""Actions: what a strategy step asks for, and the channel that carries it out.

An action is one of a closed list of words, some with an argument after a
colon (``letter:demand_letter_cn``, ``task:forbearance_review``,
``escalate:collections_agency``). The channel groups actions for the planner:
collectors' capacity goes to ``call``; the outbox sends ``sms``, ``email`` and
``letter``; ``task`` lands in a collector's list; the rest are reviews and
hand-overs that people decide (``escalation``, ``legal``, ``placement``,
``review``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# action word -> channel; a word ending in ":" takes an argument.
CHANNELS: dict[str, str] = {
    "sms": "sms",
    "email": "email",
    "call": "call",
    "letter:": "letter",
    "task:": "task",
    "escalate:": "escalation",
    "legal_review": "legal",
    "place_with_agency": "placement",
    "write_off_review": "review",
}
ACTION_FORMS: tuple[str, ...] = tuple(w + "<name>" if w.endswith(":") else w for w in CHANNELS)
CHANNEL_NAMES: tuple[str, ...] = tuple(dict.fromkeys(CHANNELS.values()))
# A message needs words: its template is required (a call script is optional).
NEEDS_TEMPLATE = frozenset({"sms", "email"})
MAY_HAVE_TEMPLATE = frozenset({"sms", "email", "call", "task:"})
_ARGUMENT = re.compile(r"[a-z][a-z0-9_\-]*")


@dataclass(frozen=True, slots=True)
class Action:
    """A parsed action: its word (``letter:``), argument (``demand_letter_cn``) and channel."""

    word: str
    argument: str | None
    channel: str

    @property
    def text(self) -> str:
        return self.word + (self.argument or "")


def parse_action(text: str) -> Action:
    """The action written as ``text``; ValueError naming the valid forms."""
    word, colon, argument = text.partition(":")
    key = word + colon
    if key not in CHANNELS:
        raise ValueError(f"unknown action '{text}'; valid actions: {', '.join(ACTION_FORMS)}")
    if not colon:
        return Action(word=key, argument=None, channel=CHANNELS[key])
    if not _ARGUMENT.fullmatch(argument):
        raise ValueError(
            f"'{text}': after '{key}' write a name in lower case letters, digits, _ or - "
            f"(e.g. {key}demand_letter)"
        )
    return Action(word=key, argument=argument, channel=CHANNELS[key])


def resolved_template(action: Action, template: str | None) -> str | None:
    """The template used: a letter's is named in its action, others' in ``template``."""
    return action.argument if action.word == "letter:" else template


def template_problem(action: Action, template: str | None) -> str | None:
    """Why ``template`` does not fit ``action`` (None when it fits)."""
    if action.word in NEEDS_TEMPLATE and template is None:
        return f"a {action.word} step needs a template (e.g. template: reminder_pre_due)"
    if template is not None and action.word == "letter:":
        return f"a letter's template is named in its action ({action.text}); remove template"
    if template is not None and action.word not in MAY_HAVE_TEMPLATE:
        return f"a {action.text} step has no template; remove template"
    return None
