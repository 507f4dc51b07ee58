"""A strategy as a person reads it (``arrears strategies show``).

The outline lists what the file says and what it compiles to: each step's
full due condition is printed as the planner evaluates it, so a strategy
manager can check that "call every 2 days from dpd 3" really means that.
"""

from __future__ import annotations

from collections.abc import Sequence

from arrears.strategy.schema import Experiment, Segment, Strategy
from arrears.strategy.steps import Step
from arrears.strategy.triggers import step_clauses
from arrears.strategy.variants import arm_steps


def describe(strategy: Strategy) -> str:
    """A multi-line outline of ``strategy``: applicability, segments, steps, experiments."""
    lines = [
        f"{strategy.id} — {_label(strategy.name, strategy.name_zh)}",
        f"version {strategy.version} ({strategy.digest})",
        f"applies to: {_applies(strategy)}",
    ]
    if strategy.description:
        lines.append(strategy.description.strip())
    if strategy.defaults.quiet:
        lines.append("quiet: steps are planned and recorded, not carried out")
    lines += ["", "Segments (an account falls into the first that matches):"]
    for number, segment in enumerate(strategy.segments, start=1):
        lines += _segment(number, segment)
    if strategy.experiments:
        lines += ["", "Experiments:"]
        for experiment in strategy.experiments:
            lines += _experiment(experiment, strategy.segment(experiment.segment))
    return "\n".join(lines)


def _label(name: str, name_zh: str | None) -> str:
    return f"{name} / {name_zh}" if name_zh else name


def _applies(strategy: Strategy) -> str:
    applies = strategy.applies_to
    parts = []
    if applies.clients:
        parts.append("clients " + ", ".join(applies.clients))
    portfolio = []
    if applies.jurisdictions:
        portfolio.append("jurisdictions " + ", ".join(applies.jurisdictions))
    if applies.when:
        portfolio.append(f"when {applies.when}")
    if portfolio:
        parts.append(" and ".join(portfolio))
    return "; otherwise ".join(parts)


def _segment(number: int, segment: Segment) -> list[str]:
    lines = [
        f"{number}. {segment.id} — {_label(segment.name, segment.name_zh)} "
        f"(priority {segment.priority})",
        f"   when: {segment.when}",
    ]
    if segment.stop_when:
        lines.append(f"   stop when: {segment.stop_when} (then no steps; recorded as suppressed)")
    if not segment.steps and not segment.stop_when:
        lines.append("   (no steps)")
    lines += _steps(segment.steps, indent="   ")
    return lines


def _steps(steps: Sequence[Step], indent: str) -> list[str]:
    lines = []
    for position, step in enumerate(steps):
        head = f"{indent}- {step.id}: {step.action}"
        if step.template:  # a letter's template is already in its action
            head += f" ({step.template})"
        flags = [f"priority {step.priority}"] if step.priority else []
        flags += ["stops the later steps until done"] if step.stop_segment else []
        flags += ["quiet"] if step.quiet else []
        if flags:
            head += " [" + ", ".join(flags) + "]"
        clauses = step_clauses(step, steps[:position])
        condition = " and ".join(_grouped(c.text) for c in clauses)
        lines += [head, f"{indent}    due when: {condition}"]
    return lines


def _grouped(text: str) -> str:
    # "a or b" joined with "and" would read as a or (b and ...): keep it whole.
    return f"({text})" if " or " in text.lower() and not text.startswith("(") else text


def _experiment(experiment: Experiment, segment: Segment) -> list[str]:
    dates = ""
    if experiment.start or experiment.end:
        dates = f", {experiment.start or '…'} to {experiment.end or '…'}"
    lines = [f"- {experiment.id} on segment {segment.id}{dates}"]
    for arm in experiment.arms:
        if arm.steps is not None:
            change = "its own steps"
        elif arm.step_overrides:
            change = "changes " + ", ".join(arm.step_overrides)
        else:
            change = "the segment's steps (champion)"
        lines.append(f"    arm {arm.id}: {arm.share:.0%} — {change}")
        if arm.steps is not None or arm.step_overrides:
            lines += _steps(arm_steps(segment, arm), indent="      ")
    return lines
