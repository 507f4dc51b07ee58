"""Helpers of the strategy tests: strategies built from dicts, and planning."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from arrears.strategy import Strategy, plan_steps


def make_strategy(
    *segments: dict[str, Any],
    experiments: list[dict[str, Any]] | None = None,
    applies_to: dict[str, Any] | None = None,
    **extra: Any,
) -> Strategy:
    """A strategy for ``cn-consumer`` accounts with the given segments (and keys)."""
    data: dict[str, Any] = {
        "id": extra.pop("id", "test"),
        "name": "Test strategy",
        "version": "1",
        "applies_to": applies_to or {"clients": ["cn-consumer"]},
        "segments": list(segments),
        "experiments": experiments or [],
        **extra,
    }
    return Strategy.model_validate(data)


def segment(segment_id: str, when: str, *steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A segment dict: priority 50 unless given."""
    return {"id": segment_id, "name": segment_id, "when": when, "priority": 50, **extra,
            "steps": list(steps)}  # fmt: skip


def plan(frame: pl.LazyFrame, *strategies: Strategy, as_of: date | None = None) -> pl.DataFrame:
    """Today's steps of ``frame`` under ``strategies``, collected."""
    return plan_steps(frame, strategies, as_of=as_of).collect()


def steps_of(result: pl.DataFrame, account_id: int = 1) -> list[str | None]:
    """The step ids planned for one account, in order."""
    return result.filter(pl.col("account_id") == account_id)["step"].to_list()
