"""Steps: one action of a treatment path and the triggers that make it due.

A step says what to do (``action``, ``template``) and when. Its triggers are
all compiled into one condition over the features (:mod:`.triggers`); a step
is due today when every trigger it names holds:

=====================  =========================================================
``at_dpd: N``          ``dpd >= N`` (negative N: before the due date)
``until_dpd: M``       ``dpd <= M`` (stop offering after M)
``after_segment_days`` ``segment_days >= N``
``on_event: E``        today's ``events`` contain E
``fallback``           sugar for "the last message got no reply" conditions
``when``               any extra SQL condition
``every_days: N``      repeats: due again N days after it was last done
=====================  =========================================================

A step is done once per segment (it must not be in ``steps_done``) unless it
repeats with ``every_days``; an ``on_event`` step answers every occurrence of
its event.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from arrears.strategy.actions import Action, parse_action, template_problem
from arrears.strategy.fields import Condition, Id, Priority, StrictModel

Event = Literal[
    "promise_broken", "instalment_missed", "no_reply", "dispute_resolved", "payment_received"
]
EVENTS: tuple[str, ...] = get_args(Event)
FallbackAfter = Literal["email", "sms", "letter", "call", "voicemail"]
_MESSAGE_CHANNELS = ("email", "sms", "letter")
START_TRIGGERS = ("at_dpd", "after_segment_days", "on_event", "fallback", "when")
Template = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$")]


class Fallback(StrictModel):
    """Channel fallback (C2): what to do when the last contact went nowhere.

    ``{after: email, no_reply_days: 3}``: 3 days after the last e-mail, no reply;
    ``{after: call, unanswered: 3}``: 3 unanswered calls since the last conversation;
    ``{after: voicemail}``: the last call reached voicemail.
    """

    after: FallbackAfter
    no_reply_days: Annotated[int, Field(ge=0)] | None = None
    unanswered: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _parameters_fit(self) -> Self:
        if self.after in _MESSAGE_CHANNELS:
            if self.no_reply_days is None or self.unanswered is not None:
                raise ValueError(f"after {self.after}: give no_reply_days (e.g. 3)")
        elif self.after == "call":
            if self.unanswered is None or self.no_reply_days is not None:
                raise ValueError("after call: give unanswered (the number of calls, e.g. 3)")
        elif self.no_reply_days is not None or self.unanswered is not None:
            raise ValueError("after voicemail takes no other key")
        return self

    def sql(self) -> str:
        """The condition this fallback stands for."""
        if self.after in _MESSAGE_CHANNELS:
            # coalesce: an unknown reply status must not hide the fallback forever
            return (
                f"days_since_last_{self.after} >= {self.no_reply_days} "
                "and not coalesce(replied_since_last_message, false)"
            )
        if self.after == "call":
            return f"unanswered_calls >= {self.unanswered}"
        return "last_call_outcome = 'voicemail'"


class Step(StrictModel):
    """One action of a segment's treatment path, with its triggers."""

    id: Id
    name: str | None = None
    name_zh: str | None = None
    action: str
    template: Template | None = None
    at_dpd: int | None = None
    until_dpd: int | None = None
    after_segment_days: Annotated[int, Field(ge=0)] | None = None
    on_event: Event | None = None
    every_days: Annotated[int, Field(ge=1)] | None = None
    when: Condition | None = None
    fallback: Fallback | None = None
    priority: Priority | None = None
    stop_segment: bool = False
    quiet: bool | None = None

    @field_validator("action")
    @classmethod
    def _known_action(cls, value: str) -> str:
        parse_action(value)
        return value

    @field_validator("until_dpd")
    @classmethod
    def _after_start(cls, value: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("at_dpd")
        if value is not None and start is not None and value < start:
            raise ValueError(f"until_dpd {value} is before at_dpd {start}: the step never fires")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problem = template_problem(self.parsed_action, self.template)
        if problem:
            raise ValueError(problem)
        if all(getattr(self, name) is None for name in START_TRIGGERS):
            raise ValueError(
                f"a step needs a trigger: {', '.join(START_TRIGGERS)} "
                "(after_segment_days: 0 fires on entering the segment)"
            )
        if self.on_event is not None and self.every_days is not None:
            raise ValueError("an on_event step answers every event; every_days does not apply")
        return self

    @property
    def parsed_action(self) -> Action:
        return parse_action(self.action)


class StepOverride(StrictModel):
    """An experiment arm's change to one step: any step key but ``id`` (null clears it).

    The keys are Step's (a test keeps the two lists equal).
    """

    name: str | None = None
    name_zh: str | None = None
    action: str | None = None
    template: Template | None = None
    at_dpd: int | None = None
    until_dpd: int | None = None
    after_segment_days: Annotated[int, Field(ge=0)] | None = None
    on_event: Event | None = None
    every_days: Annotated[int, Field(ge=1)] | None = None
    when: Condition | None = None
    fallback: Fallback | None = None
    priority: Priority | None = None
    stop_segment: bool | None = None
    quiet: bool | None = None

    def apply(self, step: Step) -> Step:
        """``step`` with the keys this override sets (validated again as a whole)."""
        changes = self.model_dump(exclude_unset=True)
        data = step.model_dump(exclude_unset=True) | changes
        return Step.model_validate(data)
