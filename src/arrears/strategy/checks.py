"""Cross-field checks of a strategy, each problem reported at its own location.

Pydantic checks each key on its own; what spans keys is checked here: ids
that must be unique (segments; steps across the whole strategy, because
``steps_done`` names steps by id; experiments), experiments that must name a
real segment and real steps, overrides that must still make a valid step, and
experiments on one segment that must not run at the same time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pydantic import ValidationError

from arrears.kit.yamlio import Location, clean_location, format_location
from arrears.strategy.schema import Experiment, Strategy
from arrears.strategy.steps import Step, StepOverride

Problem = tuple[Location, str]


def problems(strategy: Strategy) -> list[Problem]:
    """Every cross-field problem of ``strategy`` as (location, message)."""
    return [
        *_repeated((("segments", i, "id"), s.id) for i, s in enumerate(strategy.segments)),
        *_repeated(_step_ids(strategy)),
        *_repeated((("experiments", i, "id"), e.id) for i, e in enumerate(strategy.experiments)),
        *_experiment_problems(strategy),
        *_overlaps(strategy),
    ]


def _repeated(items: Iterator[tuple[Location, str]]) -> list[Problem]:
    first: dict[str, Location] = {}
    found = []
    for loc, value in items:
        if value in first:
            found.append((loc, f"'{value}' is already used at {format_location(first[value])}"))
        else:
            first[value] = loc
    return found


def _step_ids(strategy: Strategy) -> Iterator[tuple[Location, str]]:
    for i, segment in enumerate(strategy.segments):
        for j, step in enumerate(segment.steps):
            yield ("segments", i, "steps", j, "id"), step.id
    for i, experiment in enumerate(strategy.experiments):
        for j, arm in enumerate(experiment.arms):
            for k, step in enumerate(arm.steps or []):
                yield ("experiments", i, "arms", j, "steps", k, "id"), step.id


def _experiment_problems(strategy: Strategy) -> Iterator[Problem]:
    segments = {s.id: s for s in strategy.segments}
    for i, experiment in enumerate(strategy.experiments):
        segment = segments.get(experiment.segment)
        if segment is None:
            names = ", ".join(segments)
            yield (
                ("experiments", i, "segment"),
                (f"unknown segment '{experiment.segment}'; segments: {names}"),
            )
            continue
        steps = {s.id: s for s in segment.steps}
        for j, arm in enumerate(experiment.arms):
            for step_id, override in (arm.step_overrides or {}).items():
                loc: Location = ("experiments", i, "arms", j, "step_overrides", step_id)
                if step_id not in steps:
                    known = ", ".join(steps) or "(none)"
                    yield loc, f"segment {segment.id} has no step '{step_id}'; its steps: {known}"
                    continue
                yield from _override_problems(loc, override, steps[step_id])


def _override_problems(loc: Location, override: StepOverride, step: Step) -> Iterator[Problem]:
    try:
        override.apply(step)
    except ValidationError as exc:
        for error in exc.errors():
            where = (*loc, *clean_location(error["loc"]))
            yield where, str(error["msg"]).removeprefix("Value error, ")


def _overlaps(strategy: Strategy) -> Iterator[Problem]:
    # Two experiments running together on one segment would each claim its accounts.
    seen: dict[str, list[tuple[int, Experiment]]] = {}
    for i, experiment in enumerate(strategy.experiments):
        for j, other in seen.get(experiment.segment, []):
            if _windows_meet(experiment, other):
                yield (
                    ("experiments", i, "segment"),
                    (
                        f"experiment {other.id} (experiments[{j}]) already tests segment "
                        f"{experiment.segment} at the same time; give them start/end dates "
                        "that do not overlap"
                    ),
                )
        seen.setdefault(experiment.segment, []).append((i, experiment))


def _windows_meet(a: Experiment, b: Experiment) -> bool:
    start = max(a.start or date.min, b.start or date.min)
    end = min(a.end or date.max, b.end or date.max)
    return start <= end
