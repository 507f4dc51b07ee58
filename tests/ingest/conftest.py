"""Fixtures of the import tests: portfolio files written in the test's tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

WriteText = Callable[..., Path]


@pytest.fixture
def write_text(tmp_path: Path) -> WriteText:
    """Write ``text`` to ``tmp_path/name`` in ``encoding``; returns the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        # newline="" keeps the line endings the test wrote, as an exporter would.
        with path.open("w", encoding=encoding, newline="") as handle:
            handle.write(text)
        return path

    return write
