"""The reject file: every row that did not land, with why.

Two CSV files are written next to each other for an import:
``<stem>.rejects.csv`` lists one line per problem (row number, field, value,
reason), and ``<stem>.rejected-rows.csv`` repeats the rejected rows with the
file's own headers, so a user can fix them and import that file again.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import TextIO

from arrears.ingest.rows import Rejection


class RejectWriter:
    """Writes problems as they are found; files appear only when there is one."""

    def __init__(self, folder: Path, stem: str, headers: list[str]) -> None:
        self.problems_path = folder / f"{stem}.rejects.csv"
        self.rows_path = folder / f"{stem}.rejected-rows.csv"
        self._folder = folder
        self._headers = headers
        self._problems: TextIO | None = None
        self._rows: TextIO | None = None
        self._problem_writer: csv.DictWriter[str] | None = None
        self._row_writer: csv.writer | None = None  # type: ignore[valid-type]
        self.rows = 0

    def _open(self) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        # utf-8-sig: Excel opens the file with the right encoding (Chinese values).
        self._problems = self.problems_path.open("w", newline="", encoding="utf-8-sig")
        self._problem_writer = csv.DictWriter(
            self._problems, fieldnames=["row", "field", "value", "reason"]
        )
        self._problem_writer.writeheader()
        self._rows = self.rows_path.open("w", newline="", encoding="utf-8-sig")
        self._row_writer = csv.writer(self._rows)
        self._row_writer.writerow(["source_row", *self._headers])

    def reject(self, problems: list[Rejection], raw: list[str | None] | None) -> None:
        if self._problems is None:
            self._open()
        assert self._problem_writer is not None and self._row_writer is not None
        for p in problems:
            self._problem_writer.writerow(
                {"row": p.row, "field": p.field, "value": p.value or "", "reason": p.reason}
            )
        self._row_writer.writerow([problems[0].row, *(v or "" for v in (raw or []))])
        self.rows += 1

    @property
    def path(self) -> Path | None:
        return self.problems_path if self.rows else None

    def close(self) -> None:
        for handle in (self._problems, self._rows):
            if handle is not None:
                handle.close()

    def __enter__(self) -> RejectWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
