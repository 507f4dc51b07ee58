"""Field types shared by the strategy models: ids, conditions, priorities, text."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from arrears.strategy.conditions import ConditionError, compile_condition

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo must not silently drop a setting); immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _identifier(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"'{value}' is not an id: use letters, digits, '_', '-' and '.'")
    return value


def _condition(value: str) -> str:
    try:
        compile_condition(value)
    except ConditionError as exc:
        raise ValueError(str(exc)) from None
    return value


def _scalar_text(value: Any) -> Any:
    # YAML reads `version: 2026-11-01` as a date and `version: 3` as a number; the
    # author meant the text written.
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, AfterValidator(_identifier)]
Condition = Annotated[str, AfterValidator(_condition)]
Text = Annotated[str, BeforeValidator(_scalar_text)]
Priority = Annotated[int, Field(ge=1, le=100)]
