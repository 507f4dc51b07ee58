"""Each test starts with no decoded kept frames: databases of two tests may share a URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arrears.analytics import kept


@pytest.fixture(autouse=True)
def _no_kept_frames() -> Iterator[None]:
    kept.forget()
    yield
    kept.forget()
