"""Parquet: a columnar file, read one record batch at a time.

Rows are numbered by their 1-based record index. Column values become text by
:func:`.cells.cell_text` with full float precision (``excel=False``); nanosecond
timestamps and times are cut to microseconds first, because Python's datetime
cannot hold nanoseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from arrears.errors import ImportFileError
from arrears.ingest.readers.base import RawRow, _BaseReader
from arrears.ingest.readers.cells import cell_text


class ParquetReader(_BaseReader):
    """A Parquet file, read one record batch at a time."""

    format = "parquet"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise ImportFileError(f"{path}: not a readable Parquet file ({exc})") from None
        self.headers = [name.strip() for name in self._file.schema_arrow.names]

    def batches(self, size: int = 20_000) -> Iterator[list[RawRow]]:
        """Rows in lists of at most ``size``; numbers are 1-based record indexes."""
        first = 1
        try:
            for record_batch in self._file.iter_batches(batch_size=size):
                rows = self._convert(record_batch, first)
                first += record_batch.num_rows
                if rows:
                    yield rows
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise ImportFileError(f"{self.path} record {first}: cannot read ({exc})") from None

    def _convert(self, record_batch: pa.RecordBatch, first: int) -> list[RawRow]:
        columns = [
            [cell_text(value, excel=False) for value in _microseconds(column).to_pylist()]
            for column in record_batch.columns
        ]
        rows: list[RawRow] = []
        for offset, values in enumerate(zip(*columns, strict=True)):
            if any(value is not None for value in values):
                rows.append((first + offset, list(values)))
        return rows

    def close(self) -> None:
        self._file.close()


def _microseconds(column: pa.Array) -> pa.Array:
    """Nanosecond times cut to microseconds: Python's datetime cannot hold nanoseconds."""
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.unit == "ns":
        return column.cast(pa.timestamp("us", kind.tz), safe=False)
    if pa.types.is_time64(kind) and kind.unit == "ns":
        return column.cast(pa.time64("us"), safe=False)
    return column
