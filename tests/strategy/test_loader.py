"""Loading strategy files: every problem is named with its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.errors import ConfigError
from arrears.strategy import load_strategies, load_strategy
from arrears.strategy.steps import Step, StepOverride

from .conftest import WriteYaml

GOOD = """\
id: demo
name: Demo
name_zh: 演示
version: 2026-11-01
applies_to:
  clients: [cn-consumer]
segments:
  - id: M1
    name: Early
    when: dpd between 1 and 30
    priority: 40
    steps:
      - id: m1-sms
        action: sms
        template: overdue_d1
        at_dpd: 1
      - id: m1-call
        action: call
        at_dpd: 3
        until_dpd: 30
  - id: M2
    name: Later
    when: dpd > 30
    priority: 60
    steps:
      - id: m2-letter
        action: letter:demand_letter_cn
        at_dpd: 31
experiments:
  - id: tone
    segment: M1
    arms:
      - id: A
        share: 0.5
      - id: B
        share: 0.5
        step_overrides:
          m1-sms: {template: overdue_d1_soft}
"""


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_strategy(path)
    return str(caught.value)


class TestLoadStrategy:
    def test_a_good_file_loads(self, write_yaml: WriteYaml) -> None:
        strategy = load_strategy(write_yaml("demo.yaml", GOOD))
        assert [s.id for s in strategy.segments] == ["M1", "M2"]
        assert strategy.segments[0].steps[1].until_dpd == 30

    def test_a_version_written_as_a_date_is_kept_as_written(self, write_yaml: WriteYaml) -> None:
        assert load_strategy(write_yaml("demo.yaml", GOOD)).version == "2026-11-01"

    def test_the_digest_is_of_the_file_content(self, write_yaml: WriteYaml) -> None:
        first = load_strategy(write_yaml("a.yaml", GOOD)).digest
        again = load_strategy(write_yaml("b.yaml", GOOD)).digest
        changed = load_strategy(write_yaml("c.yaml", GOOD + "# a comment\n")).digest
        assert first == again != changed
        assert first.startswith("sha256:") and len(first) == len("sha256:") + 12

    def test_a_missing_file_is_a_config_error(self, tmp_path: Path) -> None:
        assert "cannot read the strategy file" in error_of(tmp_path / "nope.yaml")

    def test_a_file_that_is_not_a_mapping_is_refused(self, write_yaml: WriteYaml) -> None:
        assert "line 1: a strategy file is a YAML mapping" in error_of(
            write_yaml("x.yaml", "- 1\n")
        )


class TestErrorLocations:
    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            (
                "when: dpd > 30",
                "when: days_overdue > 30",
                "line 23: segments[1].when: unknown feature 'days_overdue'",
            ),
            (
                "when: dpd between 1 and 30",
                "when: dpd betwen 1 and 30",
                "line 10: segments[0].when: not valid SQL",
            ),
            (
                "action: call",
                "action: phone",
                "line 18: segments[0].steps[1].action: unknown action 'phone'; valid actions: "
                "sms, email, call, letter:<name>, task:<name>, escalate:<name>",
            ),
            (
                "id: m2-letter",
                "id: m1-sms",
                "line 26: segments[1].steps[0].id: 'm1-sms' is already used at "
                "segments[0].steps[0].id",
            ),
            (
                "share: 0.5\n        step_overrides",
                "share: 0.6\n        step_overrides",
                "line 32: experiments[0].arms: the arms' shares must add up to 1 (0.5 + 0.6 = 1.1)",
            ),
            (
                "until_dpd: 30",
                "until_dpd: 2",
                "line 20: segments[0].steps[1].until_dpd: until_dpd 2 is before at_dpd 3",
            ),
            ("segment: M1", "segment: M9", "line 31: experiments[0].segment: unknown segment 'M9'"),
            (
                "m1-sms: {template",
                "m1-sm: {template",
                "line 38: experiments[0].arms[1].step_overrides.m1-sm: segment M1 has no step "
                "'m1-sm'; its steps: m1-sms, m1-call",
            ),
            (
                "priority: 60",
                "priorty: 60",
                "line 24: segments[1].priorty: unknown key; expected one of: id, name, name_zh",
            ),
            (
                "        template: overdue_d1\n",
                "",
                "line 13: segments[0].steps[0]: Value error, a sms step needs a template",
            ),
        ],
    )
    def test_the_problem_is_named_with_file_line_and_field(
        self, write_yaml: WriteYaml, old: str, new: str, expected: str
    ) -> None:
        assert old in GOOD
        path = write_yaml("bad.yaml", GOOD.replace(old, new, 1))
        message = error_of(path)
        assert message.startswith(str(path) + " ")
        assert expected.replace("Value error, ", "") in message

    def test_an_override_that_breaks_its_step_is_located_in_the_override(
        self, write_yaml: WriteYaml
    ) -> None:
        text = GOOD.replace("m1-sms: {template: overdue_d1_soft}", "m1-sms: {at_dpd: -2.5}")
        message = error_of(write_yaml("bad.yaml", text))
        assert "line 38: experiments[0].arms[1].step_overrides.m1-sms.at_dpd:" in message

    def test_a_repeated_key_is_refused(self, write_yaml: WriteYaml) -> None:
        text = GOOD.replace("priority: 40\n", "priority: 40\n    priority: 41\n")
        assert "line 12: key 'priority' appears twice (first on line 11)" in error_of(
            write_yaml("bad.yaml", text)
        )

    def test_several_problems_are_all_reported(self, write_yaml: WriteYaml) -> None:
        text = GOOD.replace("action: call", "action: phone").replace("priority: 60", "priority: 0")
        lines = error_of(write_yaml("bad.yaml", text)).splitlines()
        assert len(lines) == 2


class TestLoadStrategies:
    def test_every_yaml_file_is_loaded_in_name_order(self, write_yaml: WriteYaml) -> None:
        write_yaml("b.yaml", GOOD.replace("id: demo", "id: second"))
        path = write_yaml("a.yaml", GOOD)
        write_yaml("notes.txt", "not a strategy")
        assert [s.id for s in load_strategies(path.parent)] == ["demo", "second"]

    def test_two_files_with_one_id_are_refused(self, write_yaml: WriteYaml) -> None:
        first = write_yaml("a.yaml", GOOD)
        second = write_yaml("b.yaml", GOOD)
        with pytest.raises(ConfigError) as caught:
            load_strategies(first.parent)
        assert str(caught.value) == (
            f"{second} line 1: id: strategy id 'demo' is already used by {first}"
        )


def test_an_override_may_set_every_key_of_a_step_but_its_id() -> None:
    assert set(StepOverride.model_fields) == set(Step.model_fields) - {"id"}
