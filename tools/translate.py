"""Fill Chinese translations into a part's zh_CN catalogue from a small JSON file.

    .venv/bin/python tools/translate.py src/arrears/workbench workbench zh.json

``zh.json`` maps English message ids to their Chinese text; entries already
translated are replaced, unknown ids are reported (run tools/catalogues.py first).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    root, domain, source = Path(argv[0]), argv[1], Path(argv[2])
    path = root / "locales" / "zh_CN" / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    given = json.loads(source.read_text(encoding="utf-8"))
    for message, text in given.items():
        if message in catalog:
            catalog[message].string = text
        else:
            print(f"not in the catalogue: {message!r}")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    left = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(left)} still without a translation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
