"""The engine: decisions, re-checks, one implementation for one row and for many."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from tests.compliance.scenario import books, calls, check, finding, payload, rules

from arrears.compliance import facts
from arrears.compliance.check import parse_payload
from arrears.compliance.engine import evaluate
from arrears.compliance.model import CONTACTS, DECISIONS, FINDINGS, HISTORY
from arrears.errors import InvalidInput

CASES = Path(__file__).parent / "cases"


def frames_of(data: dict[str, object], contact_id: int, person: str) -> tuple[pl.DataFrame, ...]:
    contacts, history = facts.frames(parse_payload(data))
    contacts = contacts.with_columns(
        pl.lit(contact_id, pl.Int64()).alias("contact_id"),
        pl.concat_str(pl.lit(person + "/"), pl.col("person")).alias("person"),
    )
    history = history.with_columns(pl.concat_str(pl.lit(person + "/"), pl.col("person")))
    return contacts, history


def without_id(frame: pl.DataFrame) -> list[dict[str, object]]:
    return frame.drop("contact_id").sort(["rule", "verdict", "message"]).to_dicts()


class TestOneImplementation:
    def test_a_contact_alone_and_inside_a_thousand_rows_gets_identical_findings(self):
        payloads = [
            json.loads(p.read_text())
            for p in sorted(CASES.glob("*.json"))
            if not p.name.endswith(".expected.json") and not p.name.startswith("invalid")
        ]
        assert len(payloads) >= 5
        parts = [frames_of(payloads[i % len(payloads)], i, f"p{i}") for i in range(1000)]
        contacts = pl.concat([c for c, _ in parts])
        history = pl.concat([h for _, h in parts])
        together = evaluate(contacts, history, books())
        for i in (0, 1, 2, 3, 4, 5, 137, 998, 999):
            alone = evaluate(*frames_of(payloads[i % len(payloads)], i, f"p{i}"), books())
            mine = together.findings.filter(pl.col("contact_id") == i)
            assert without_id(mine) == without_id(alone.findings), i
            decision = together.decisions.filter(pl.col("contact_id") == i).drop("contact_id")
            assert decision.to_dicts() == alone.decisions.drop("contact_id").to_dicts()


class TestDecisions:
    def test_every_contact_gets_exactly_one_decision_and_no_finding_means_allow(self):
        contacts, history = facts.frames(
            parse_payload(
                payload(
                    "2026-04-08T10:00:00-04:00",
                    channel="letter",
                    to="1 Main St",
                    debtor={"time_zones": ["America/New_York"]},
                )
            )
        )
        many = pl.concat(
            [contacts.with_columns(pl.lit(i, pl.Int64()).alias("contact_id")) for i in range(3)]
        )
        result = evaluate(many, history, books())
        assert result.decisions.height == 3
        assert result.decisions.schema == pl.Schema(DECISIONS)
        assert result.findings.schema == pl.Schema(FINDINGS)
        assert set(result.decisions["verdict"]) == {"REQUIRE"}

    def test_an_empty_frame_gives_empty_answers(self):
        empty = pl.DataFrame(schema=CONTACTS)
        result = evaluate(empty, pl.DataFrame(schema=HISTORY), books())
        assert result.findings.is_empty() and result.decisions.is_empty()

    def test_lazy_frames_are_accepted(self):
        contacts, history = facts.frames(parse_payload(payload("2026-04-08T06:00:00-04:00")))
        result = evaluate(contacts.lazy(), history.lazy(), books())
        assert result.decisions["verdict"][0] == "DELAY"

    def test_a_frame_without_a_required_column_is_refused_with_its_name(self):
        contacts, history = facts.frames(parse_payload(payload("2026-04-08T10:00:00-04:00")))
        with pytest.raises(InvalidInput, match="zones"):
            evaluate(contacts.drop("zones"), history, books())

    def test_the_strictest_verdict_wins_and_rules_are_listed_strictest_first(self):
        data = payload("2026-04-08T06:00:00-04:00", debtor={"holds": [{"kind": "legal"}]})
        contacts, history = facts.frames(parse_payload(data))
        result = evaluate(contacts, history, books())
        decision = result.decisions.row(0, named=True)
        assert decision["verdict"] == "BLOCK"
        assert decision["until"] is None
        assert decision["rules"][0] == "HOUSE-HOLD-01"

    def test_the_rulebook_versions_are_stamped_on_the_evaluation(self):
        contacts, history = facts.frames(parse_payload(payload("2026-04-08T10:00:00-04:00")))
        result = evaluate(contacts, history, books())
        assert set(result.rulebooks) >= {"US", "US-MA", "US-WA", "CN", "GB"}


class TestRecheck:
    def test_the_release_of_a_delay_is_rechecked_against_the_other_rules(self):
        # 7 calls in the 7 days to Wed 8 Apr: release Thu 9 Apr 08:00, a day the person
        # designated, so the contact moves to Friday; the decision says so and why.
        history = calls([f"2026-04-0{d}" for d in range(2, 9)], at="08:30:00-04:00")
        thursday = {"inconvenient_times": [{"days": ["thu"], "from": "00:00", "to": "24:00"}]}
        result = check(payload("2026-04-08T12:00:00-04:00", debtor=thursday, history=history))
        assert result["until"] == "2026-04-10T08:00:00-04:00"
        assert finding(result, "US-TIME-03")["until"] == "2026-04-10T00:00:00-04:00"

    def test_a_release_at_midnight_is_moved_to_the_opening_hour(self):
        history = calls(["2026-04-02"], outcome="conversation")
        result = check(payload("2026-04-08T12:00:00-04:00", history=history))
        assert result["until"] == "2026-04-09T08:00:00-04:00"

    def test_until_is_the_latest_of_the_delay_findings(self):
        history = calls([f"2026-04-0{d}" for d in range(2, 9)], at="08:30:00-04:00")
        result = check(payload("2026-04-08T22:00:00-04:00", history=history))
        untils = [f["until"] for f in result["findings"] if f["verdict"] == "DELAY"]
        assert result["until"] == max(untils)


class TestJurisdictions:
    def test_a_state_without_an_overlay_gets_the_federal_rules_and_a_review(self):
        result = check(payload("2026-04-08T10:00:00-04:00", jurisdictions=("US-CA",)))
        assert finding(result, "HOUSE-JUR-01")["verdict"] == "REVIEW"
        assert "US-DISC-02" in rules(result)

    def test_a_jurisdiction_without_a_rulebook_in_the_frame_is_blocked(self):
        contacts, history = facts.frames(parse_payload(payload("2026-04-08T10:00:00-04:00")))
        contacts = contacts.with_columns(pl.lit(["FR"]).alias("jurisdictions"))
        result = evaluate(contacts, history, books())
        assert result.decisions["verdict"][0] == "BLOCK"

    def test_several_jurisdictions_run_together_and_the_strictest_wins(self):
        # 21:30 in Shanghai is fine for CN (until 22:00) but not for GB's 21:00 default.
        data = payload(
            "2026-04-08T21:30:00+08:00",
            jurisdictions=("CN", "GB"),
            to="+8613800138000",
            debtor={"time_zones": ["Asia/Shanghai"]},
        )
        result = check(data)
        assert "UK-06" in rules(result) and "CN-TIME-01" not in rules(result)
        assert result["verdict"] == "DELAY"


def test_the_check_reports_instants_in_the_first_candidate_zone() -> None:
    result = check(payload("2026-04-08T06:00:00Z", debtor={"time_zones": ["Asia/Shanghai"]}))
    assert result["until"] is None or result["until"].endswith("+08:00")
    assert datetime.fromisoformat("2026-04-08T06:00:00+00:00").tzinfo == UTC
