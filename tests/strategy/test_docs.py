"""The strategy guide stays true: its feature table is the features module's, verbatim."""

from __future__ import annotations

from pathlib import Path

from tests.strategy.helpers import make_strategy, segment

from arrears.strategy import describe, feature_table_markdown
from arrears.strategy.features import FEATURES

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "strategies.md"


class TestFeatureTable:
    def test_it_lists_every_feature_once(self) -> None:
        table = feature_table_markdown()
        assert all(table.count(f"| `{f.name}` |") == 1 for f in FEATURES)

    def test_the_guide_contains_it_verbatim(self) -> None:
        assert feature_table_markdown() in GUIDE.read_text(encoding="utf-8")


class TestDescribe:
    def test_it_shows_each_step_with_the_condition_it_compiles_to(self) -> None:
        strategy = make_strategy(
            segment(
                "M1",
                "dpd between 1 and 30",
                {"id": "call", "action": "call", "at_dpd": 3, "every_days": 2, "when": "has_phone"},
                name_zh="早期",
            )
        )
        text = describe(strategy)
        assert "1. M1 — M1 / 早期 (priority 50)" in text
        assert (
            "due when: dpd >= 3 and has_phone and "
            "(not array_contains(steps_done, 'call') or last done 2+ days ago)"
        ) in text
