"""plotly.js's own stylesheet, served as a file so the content security policy can stay strict.

plotly.js inserts its CSS rules (chart layers stacked absolutely, the mode bar,
the legend) as an inline ``<style>`` element, which ``style-src 'self'``
refuses; without them the layers of a chart fall apart. The rules are a table
in the bundle (``{"X,X div": "...", ...}``, ``X`` standing for
``.js-plotly-plot .plotly`` and ``Y`` for ``.plotly-notifier``, as plotly.js
expands them); this module reads that table from the installed bundle and
writes it as CSS, so the dashboards link it like any stylesheet. Nothing is
generated ahead or committed: a new plotly version brings its own rules.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_PAIR = re.compile(r'"([^"]+)":(?:"([^"]*)"|\'([^\']*)\')')


def rules_from_bundle(script: str) -> str:
    """The CSS of the rules table in a plotly.js bundle ('' when it has none)."""
    start = script.find('{"X,X div"')
    if start < 0:
        return ""
    end = script.find("}", start)
    lines = []
    for selector, double, single in _PAIR.findall(script[start : end + 1]):
        name = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{name.lstrip(',')}{{{double or single}}}")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=2)
def plotly_css(bundle: Path) -> bytes:
    return rules_from_bundle(bundle.read_text(encoding="utf-8")).encode()
