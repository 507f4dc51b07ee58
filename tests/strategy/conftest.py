"""Fixtures of the strategy tests: strategy files written in the test's tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

WriteYaml = Callable[[str, str], Path]


@pytest.fixture
def write_yaml(tmp_path: Path) -> WriteYaml:
    """Write ``text`` to ``tmp_path/name``; returns the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
