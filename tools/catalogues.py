"""Keep a part's translation catalogues in step with the strings its code and templates mark.

    .venv/bin/python tools/catalogues.py src/arrears/workbench workbench

extracts every string marked with ``_()``, ``N_()`` or ``gettext()`` from the
part's ``*.py`` files and ``templates/**/*.html`` (Babel's Python and Jinja2
extractors), then writes ``locales/en_US/LC_MESSAGES/<domain>.po`` and
updates ``locales/zh_CN/LC_MESSAGES/<domain>.po``: translations already made
are kept, new strings are added with an empty translation, strings no longer
used are dropped. It prints the strings still waiting for a Chinese
translation; fill them in the zh_CN file (a test keeps them complete).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

KEYWORDS = {"_": None, "N_": None, "gettext": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"trimmed": "true"}}


def extract(root: Path) -> list[tuple[str, str]]:
    """(message, first place it is used) for every marked string under ``root``."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"{filename}:{lineno}")
    return sorted(found.items())


def write(root: Path, domain: str, locale: str, messages: list[tuple[str, str]]) -> list[str]:
    path = root / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"
    old: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as handle:
            for m in read_po(handle, locale=locale):
                if m.id and isinstance(m.id, str) and isinstance(m.string, str):
                    old[m.id] = m.string
    catalog = Catalog(locale=locale, project=f"arrears {domain}", version="1")
    missing = []
    for message, where in messages:
        string = message if locale == "en_US" else old.get(message, "")
        if not string:
            missing.append(message)
        catalog.add(message, string, locations=[(where.split(":")[0], int(where.split(":")[1]))])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return missing


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    root, domain = Path(argv[0]), argv[1]
    messages = extract(root)
    write(root, domain, "en_US", messages)
    missing = write(root, domain, "zh_CN", messages)
    print(f"{len(messages)} strings; {len(missing)} without a Chinese translation")
    for message in missing:
        print(f"  {message!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
