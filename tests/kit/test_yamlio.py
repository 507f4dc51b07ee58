"""YAML with line numbers: locations of keys and list items, pydantic errors, bad YAML."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from arrears.kit.yamlio import (
    YamlProblem,
    clean_location,
    expected_keys,
    format_location,
    parse_yaml,
    validation_messages,
)

TEXT = """\
id: demo
segments:
  - id: a
    steps:
      - id: s1
        action: sms
  - id: b
    steps: []
"""


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    action: str


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    steps: list[Inner]


class Top(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    segments: list[Section]


class TestParse:
    def test_the_data_is_the_plain_yaml_data(self) -> None:
        document = parse_yaml(TEXT, "demo.yaml")
        assert document.data["segments"][0]["steps"][0] == {"id": "s1", "action": "sms"}

    def test_an_empty_document_has_no_data_and_line_one(self) -> None:
        document = parse_yaml("", "empty.yaml")
        assert document.data is None
        assert document.line_of(["id"]) == 1

    def test_a_syntax_error_names_the_file_and_line(self) -> None:
        with pytest.raises(YamlProblem, match=r"^bad\.yaml line 2: not valid YAML"):
            parse_yaml("a: 1\nb: c: d\n", "bad.yaml")

    def test_a_repeated_key_is_refused_with_both_lines(self) -> None:
        with pytest.raises(YamlProblem) as caught:
            parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", "twice.yaml")
        assert str(caught.value) == "twice.yaml line 4: key 'c' appears twice (first on line 3)"


class TestLines:
    def test_a_key_is_found_on_its_line(self) -> None:
        document = parse_yaml(TEXT, "demo.yaml")
        assert document.line_of(["segments", 0, "steps", 0, "action"]) == 6
        assert document.line_of(["segments", 1, "id"]) == 7

    def test_a_list_item_is_found_where_it_starts(self) -> None:
        document = parse_yaml(TEXT, "demo.yaml")
        assert document.line_of(["segments", 1]) == 7

    def test_a_missing_part_gives_the_line_of_the_deepest_part_found(self) -> None:
        document = parse_yaml(TEXT, "demo.yaml")
        assert document.line_of(["segments", 0, "steps", 0, "template"]) == 5
        assert document.line_of(["segments", 5, "id"]) == 2

    def test_a_problem_reads_file_line_field_message(self) -> None:
        document = parse_yaml(TEXT, "demo.yaml")
        problem = document.problem(("segments", 0, "steps", 0, "action"), "unknown action")
        assert problem == "demo.yaml line 6: segments[0].steps[0].action: unknown action"


class TestLocations:
    def test_indexes_are_written_in_brackets(self) -> None:
        assert format_location(("segments", 1, "steps", 0, "id")) == "segments[1].steps[0].id"
        assert format_location(()) == "(top)"

    def test_pydantic_markers_are_dropped(self) -> None:
        assert clean_location(("a", "[key]", "function-after[x]", 2)) == ("a", 2)

    def test_the_keys_expected_at_a_place_come_from_the_model(self) -> None:
        assert expected_keys(Top, ("segments", 0, "steps", 3)) == ["id", "action"]
        assert expected_keys(Top, ("id",)) is None


class TestValidationMessages:
    def test_each_error_is_located_in_the_file(self) -> None:
        text = TEXT.replace("action: sms", "acton: sms")
        document = parse_yaml(text, "demo.yaml")
        with pytest.raises(ValidationError) as caught:
            Top.model_validate(document.data)
        messages = validation_messages(caught.value, document, Top)
        unknown = "segments[0].steps[0].acton: unknown key; expected one of: id, action"
        assert f"demo.yaml line 6: {unknown}" in messages
        assert "demo.yaml line 5: segments[0].steps[0].action: Field required" in messages
