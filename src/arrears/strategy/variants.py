"""Variants: the step lists an account can be given in one segment.

A segment without an experiment has one variant, its own steps. A segment with
an experiment has one more variant per arm: an arm replaces the segment's steps
(``steps``) or changes some of them (``step_overrides``); an arm with neither
is the champion and keeps the segment's steps. Accounts outside the
experiment's dates get the segment's own steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.strategy.schema import Arm, Experiment, Segment, Strategy
from arrears.strategy.steps import Step


@dataclass(frozen=True)
class Variant:
    """The steps of one (strategy, segment, experiment arm); arm None: no experiment."""

    strategy: Strategy
    segment: Segment
    experiment: Experiment | None
    arm: Arm | None
    steps: tuple[Step, ...]


def arm_steps(segment: Segment, arm: Arm) -> tuple[Step, ...]:
    """The steps an arm gives the accounts of its segment."""
    if arm.steps is not None:
        return tuple(arm.steps)
    overrides = arm.step_overrides or {}
    return tuple(overrides[s.id].apply(s) if s.id in overrides else s for s in segment.steps)


def variants(strategy: Strategy) -> list[Variant]:
    """Every variant of every segment of ``strategy``, segments in order."""
    found = []
    for segment in strategy.segments:
        found.append(Variant(strategy, segment, None, None, tuple(segment.steps)))
        for experiment in strategy.experiments:
            if experiment.segment != segment.id:
                continue
            found += [
                Variant(strategy, segment, experiment, arm, arm_steps(segment, arm))
                for arm in experiment.arms
            ]
    return found
