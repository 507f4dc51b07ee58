"""What :func:`generate_demo` hands back: clients, files and the manifest.

The manifest is also written as ``manifest.json`` beside the files (paths
relative to it, so the bytes do not depend on where the demo was written). It
lists the files in load order: a client's accounts before its payments. Each
file also names its deliberately bad rows (1-based data row, header excluded)
so a loader or a test can check that exactly those land in the reject file, and
the rows whose personal data deliberately contradicts the debtor's other account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

FileKind = Literal["accounts", "payments"]


@dataclass(frozen=True)
class DemoClient:
    """A creditor whose portfolio the demo holds."""

    code: str
    name: str
    name_zh: str
    jurisdiction: str
    currency: str
    locale: str


@dataclass(frozen=True)
class Defect:
    """A deliberately bad row: where it is and what is wrong with it."""

    data_row: int
    field: str
    kind: str


@dataclass(frozen=True)
class DemoFile:
    """One import file: ``arrears import <kind> <path> --client <client> [--mapping <mapping>]``.

    ``rows`` counts data rows (for B2B accounts: invoice rows, several per account).
    """

    client: str
    kind: FileKind
    path: Path
    mapping: str | None
    rows: int
    defects: tuple[Defect, ...] = ()
    conflicts: tuple[Defect, ...] = ()

    @property
    def bad_rows(self) -> int:
        """How many rows should be rejected."""
        return len(self.defects)


@dataclass(frozen=True)
class DemoManifest:
    """The whole demo: its as-of date, the clients and the files in load order."""

    as_of: date
    clients: tuple[DemoClient, ...]
    files: tuple[DemoFile, ...]


def manifest_json(manifest: DemoManifest, *, seed: int, accounts: int, root: Path) -> str:
    """The text of ``manifest.json``: stable key order, paths relative to ``root``."""
    doc = {
        "generator": "arrears.sim.portfolio",
        "seed": seed,
        "accounts": accounts,
        "as_of": manifest.as_of.isoformat(),
        "clients": [vars(c) for c in manifest.clients],
        "files": [_file_doc(f, root) for f in manifest.files],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _file_doc(f: DemoFile, root: Path) -> dict[str, object]:
    return {
        "client": f.client,
        "kind": f.kind,
        "path": f.path.relative_to(root).as_posix(),
        "mapping": f.mapping,
        "rows": f.rows,
        "bad_rows": [vars(d) for d in f.defects],
        "conflicts": [vars(d) for d in f.conflicts],
    }
