"""The dashboards speak Chinese wherever they speak English: the catalogue is complete."""

from __future__ import annotations

import re
from pathlib import Path

from arrears.analytics.labels import COLUMNS
from arrears.analytics.pages import RENDERER

TEMPLATES = Path(__file__).resolve().parents[2] / "src/arrears/analytics/templates/dashboards"
CHARTS = Path(__file__).resolve().parents[2] / "src/arrears/analytics/charts.py"


def test_every_label_title_and_template_string_has_a_chinese_translation():
    strings = set(COLUMNS.values())
    for path in [*TEMPLATES.glob("*.html"), CHARTS]:
        strings |= set(re.findall(r'_\(["\']([^"\']+)["\']\)', path.read_text(encoding="utf-8")))
    zh = RENDERER.translator("zh-CN")
    missing = sorted(s for s in strings if zh.gettext(s) == s and s not in ("CSV", "DSO", "CEI"))
    assert not missing, missing
