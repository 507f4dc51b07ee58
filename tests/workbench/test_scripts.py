"""Call scripts: the shipped ones load, the right one is chosen, mistakes name file, line, field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from arrears.errors import ConfigError
from arrears.workbench.scripts import OBJECTIONS, load_scripts, script_for, stage_of

SHIPPED = load_scripts()


def test_every_shipped_script_has_both_languages_and_every_objection():
    assert {f.name for f in SHIPPED} >= {"us-consumer", "cn-consumer", "gb-consumer",
                                         "b2b-receivables", "general-consumer"}  # fmt: skip
    for file in SHIPPED:
        for words in file.languages.values():
            assert set(words.objections) == set(OBJECTIONS)


def test_the_us_statement_comes_only_after_right_party_verification():
    script = script_for(SHIPPED, jurisdiction="US-MA", stage="early", language="en-US")
    assert script is not None and script.name == "us-consumer"
    moments = [s.moment for s in script.words.steps]
    assert moments.index("verification") < moments.index("disclosure")
    statement = " ".join(next(s for s in script.words.steps if s.moment == "disclosure").say)
    assert "attempt to collect a debt" in statement
    assert "collect a debt" not in " ".join(script.words.steps[0].say)


@pytest.mark.parametrize(
    ("jurisdiction", "stage", "language", "name"),
    [("CN", "late", "zh-CN", "cn-consumer"), ("GB", "pre_due", "en-US", "gb-consumer"),
     ("DE", "early", "en-US", "general-consumer"), ("US", "b2b", "zh-CN", "b2b-receivables")],
)  # fmt: skip
def test_the_script_follows_place_stage_and_language(jurisdiction, stage, language, name):
    script = script_for(SHIPPED, jurisdiction=jurisdiction, stage=stage, language=language)
    assert script is not None and (script.name, script.language) == (name, language)


def test_the_stage_follows_the_days_past_due_and_the_kind_of_debtor():
    due = date(2026, 11, 1)
    assert stage_of(due_on=due, as_of=date(2026, 10, 30), company=False) == "pre_due"
    assert stage_of(due_on=due, as_of=date(2026, 11, 20), company=False) == "early"
    assert stage_of(due_on=due, as_of=date(2027, 1, 20), company=False) == "late"
    assert stage_of(due_on=due, as_of=date(2027, 1, 20), company=True) == "b2b"


def test_a_statement_before_verification_is_refused_with_file_and_line(tmp_path: Path):
    text = (Path(__file__).resolve().parents[2] / "config" / "scripts" / "us.yaml").read_text()
    # Move the disclosure step of the English words before the verification step.
    head, rest = text.split("      - moment: verification\n", 1)
    verification, after = rest.split("      - moment: disclosure\n", 1)
    disclosure, tail = after.split("      - moment: purpose\n", 1)
    broken = (head + "      - moment: disclosure\n" + disclosure + "      - moment: verification\n"
              + verification + "      - moment: purpose\n" + tail)  # fmt: skip
    (tmp_path / "us.yaml").write_text(broken)
    with pytest.raises(ConfigError) as caught:
        load_scripts(tmp_path)
    assert "us.yaml line 11: languages.en-US" in str(caught.value)
    assert "disclosure step must come after verification" in str(caught.value)


def test_an_unknown_key_or_a_missing_language_names_the_place(tmp_path: Path):
    (tmp_path / "x.yaml").write_text(
        "name: x\njurisdictions: [CN]\nstages: [early]\ncolour: red\nlanguages: {}\n"
    )
    (tmp_path / "y.yaml").write_text("name: y\njurisdictions: [CN]\nstages: [early]\n"
                                     "languages: {}\n")  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_scripts(tmp_path)
    message = str(caught.value)
    assert "x.yaml line 4: colour: unknown key" in message
    assert "y.yaml line 1" in message and "needs words in zh-CN, en-US" in message
