"""The strategy package is pure policy: it imports no store, settings, CLI or application code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "arrears" / "strategy"
FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "typer",
    "arrears.store",
    "arrears.config",
    "arrears.cli",
    "arrears.ingest",
    "arrears.planner",
    "arrears.payments",
    "arrears.analytics",
    "arrears.sim",
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_a_strategy_module_imports_nothing_outside_policy(path: Path) -> None:
    bad = [m for m in imported_modules(path) if m.startswith(FORBIDDEN)]
    assert bad == []
