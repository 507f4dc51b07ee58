"""Loading strategy files, and choosing each account's strategy.

``load_strategy`` reads one YAML file and answers any problem with the file,
line and field (``cn.yaml line 42: segments[1].steps[0].action: unknown
action 'smss'; valid actions: ...``). ``load_strategies`` reads every
``*.yaml`` of a folder, in file-name order, which is also the order in which
strategies are tried for an account.

``choose_strategies`` gives each account one strategy: the first strategy that
names the account's client; failing that, the first whose jurisdictions and
``when`` condition match. An account no strategy matches gets null: the
planner reports it as "no strategy".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from arrears.errors import ConfigError
from arrears.kit.yamlio import (
    YamlDocument,
    YamlProblem,
    parse_yaml,
    read_yaml_file,
    validation_messages,
)
from arrears.strategy.checks import problems
from arrears.strategy.conditions import compile_condition
from arrears.strategy.features import SCHEMA
from arrears.strategy.frames import first_match, lookup
from arrears.strategy.schema import DEFER_CHECKS, AppliesTo, Strategy

STRATEGY_COLUMNS = ("strategy", "strategy_version", "strategy_digest")


def load_strategy(path: str | Path) -> Strategy:
    """The strategy in a YAML file; ConfigError naming file, line and field."""
    try:
        content, document = read_yaml_file(path, "the strategy file")
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    return _validate(document).with_digest(content)


def _validate(document: YamlDocument) -> Strategy:
    if not isinstance(document.data, dict):
        raise ConfigError(
            f"{document.source} line 1: a strategy file is a YAML mapping (id, name, segments, …)"
        )
    try:
        strategy = Strategy.model_validate(document.data, context={DEFER_CHECKS: True})
    except ValidationError as exc:
        raise ConfigError("\n".join(validation_messages(exc, document, Strategy))) from None
    found = problems(strategy)
    if found:
        raise ConfigError("\n".join(document.problem(loc, message) for loc, message in found))
    return strategy


def load_strategies(folder: str | Path) -> list[Strategy]:
    """Every ``*.yaml`` strategy of ``folder``, in file-name order; ids must be unique."""
    paths = sorted(Path(folder).glob("*.yaml"))
    strategies: list[Strategy] = []
    first: dict[str, Path] = {}
    for path in paths:
        strategy = load_strategy(path)
        if strategy.id in first:
            raise ConfigError(
                f"{path} line {_id_line(path)}: id: strategy id '{strategy.id}' is already "
                f"used by {first[strategy.id]}"
            )
        first[strategy.id] = path
        strategies.append(strategy)
    return strategies


def _id_line(path: Path) -> int:
    return parse_yaml(path.read_text(encoding="utf-8"), str(path)).line_of(["id"])


def _by_client(applies: AppliesTo) -> pl.Expr | None:
    if not applies.clients:
        return None
    return pl.col("client").is_in(applies.clients).fill_null(False)


def _by_portfolio(applies: AppliesTo) -> pl.Expr | None:
    parts = []
    if applies.jurisdictions:
        parts.append(jurisdiction_matches(applies.jurisdictions))
    if applies.when is not None:
        parts.append(compile_condition(applies.when))
    return pl.all_horizontal(parts) if parts else None


def jurisdiction_matches(patterns: Sequence[str]) -> pl.Expr:
    """The account's jurisdiction is one of ``patterns`` (``US``, ``US-*``, ``*``)."""
    column = pl.col("jurisdiction")
    if "*" in patterns:
        return column.is_not_null()
    exact = [p for p in patterns if not p.endswith("*")]
    parts = [column.is_in(exact)] if exact else []
    parts += [column.str.starts_with(p.removesuffix("*")) for p in patterns if p.endswith("*")]
    return pl.any_horizontal(parts).fill_null(False)


def choose_strategies(features: pl.LazyFrame, strategies: Sequence[Strategy]) -> pl.LazyFrame:
    """``features`` with ``strategy``, ``strategy_version`` and ``strategy_digest`` (null: none)."""
    rules = [(_by_client(s.applies_to), i) for i, s in enumerate(strategies)]
    rules += [(_by_portfolio(s.applies_to), i) for i, s in enumerate(strategies)]
    chosen = first_match([(c, i) for c, i in rules if c is not None])
    index = pl.col("_strategy_index")
    return (
        features.with_columns(chosen.alias("_strategy_index"))
        .with_columns(
            lookup(index, [s.id for s in strategies], pl.String()).alias("strategy"),
            lookup(index, [s.version for s in strategies], pl.String()).alias("strategy_version"),
            lookup(index, [s.digest for s in strategies], pl.String()).alias("strategy_digest"),
        )
        .drop("_strategy_index")
    )


def strategy_for(account: Mapping[str, object], strategies: Sequence[Strategy]) -> Strategy | None:
    """The strategy of one account (its features by name; missing ones are null).

    The same code as :func:`choose_strategies`, on a one-row frame.
    """
    row = {name: [account.get(name)] for name in SCHEMA}
    frame = pl.DataFrame(row, schema=SCHEMA).lazy()
    chosen = choose_strategies(frame, strategies).select("strategy").collect().item()
    return next((s for s in strategies if s.id == chosen), None)
