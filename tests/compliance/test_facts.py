"""From a contact-check payload to facts: zones, the address used, persons, the format."""

from __future__ import annotations

import pytest
from tests.compliance.scenario import DENVER_LANDLINE, NY_MOBILE, payload

from arrears.compliance import facts
from arrears.compliance.check import parse_payload
from arrears.compliance.places import conservative_zones, zones_for_place
from arrears.errors import InvalidInput


def zones(data: dict[str, object]) -> tuple[list[str], bool]:
    return facts.candidate_zones(parse_payload(data))


class TestCandidateZones:
    def test_stated_zones_win(self):
        data = payload("2026-04-08T10:00:00-04:00", debtor={"time_zones": ["America/Chicago"]})
        assert zones(data) == (["America/Chicago"], True)

    def test_the_number_called_comes_first_then_other_numbers_then_addresses(self):
        facts_ = {
            "phones": [{"number": DENVER_LANDLINE}, {"number": NY_MOBILE}],
            "addresses": [{"country": "US", "region": "CA"}],
        }
        found, known = zones(payload("2026-04-08T10:00:00-04:00", debtor=facts_))
        assert found == ["America/New_York", "America/Denver", "America/Los_Angeles"]
        assert known

    def test_a_state_spanning_two_zones_gives_both(self):
        assert set(zones_for_place("US", "TX")) == {"America/Chicago", "America/Denver"}
        assert zones_for_place("US", "US-AZ") == ("America/Phoenix",)

    def test_china_and_the_uk_have_one_zone(self):
        assert zones_for_place("CN", "GD") == ("Asia/Shanghai",)
        assert zones_for_place("GB", None) == ("Europe/London",)

    def test_nothing_known_gives_the_conservative_set_of_every_jurisdiction(self):
        data = payload(
            "2026-04-08T10:00:00-04:00",
            to="+15005550006",
            jurisdictions=("US", "GB"),
            debtor={"phones": []},
        )
        found, known = zones(data)
        assert not known
        assert found == list(conservative_zones(["US", "GB"]))
        assert "Pacific/Honolulu" in found and "Europe/London" in found


class TestTheAddressUsed:
    def debtor(self) -> object:
        return parse_payload(
            payload(
                "2026-04-08T10:00:00-04:00",
                debtor={
                    "phones": [
                        {"number": NY_MOBILE, "kind": "landline", "owner": "debtor"},
                        {"number": DENVER_LANDLINE, "kind": "landline", "owner": "employer"},
                    ],
                    "emails": [{"address": "Jo@Acme.example", "employer_provided": True}],
                    "addresses": [
                        {"country": "US", "region": "NY", "kind": "work", "id": "office"}
                    ],
                },
            )
        ).debtor

    def test_the_debtors_landline_is_at_home(self):
        point = facts.match_point(self.debtor(), "call", "(212) 555-0100")
        assert (point.line_type, point.owner, point.place) == ("landline", "debtor", "home")

    def test_the_employers_line_is_at_work(self):
        assert facts.match_point(self.debtor(), "call", DENVER_LANDLINE).place == "work"

    def test_an_unknown_number_may_be_a_mobile(self):
        assert facts.match_point(self.debtor(), "sms", "+12125559999").line_type == "unknown"

    def test_emails_match_without_regard_to_case(self):
        assert facts.match_point(self.debtor(), "email", "jo@acme.example").employer_email

    def test_an_address_matches_by_its_id(self):
        assert facts.match_point(self.debtor(), "letter", "office").place == "work"


class TestPersons:
    def test_calls_to_a_third_partys_number_belong_to_that_third_party(self):
        assert facts.person_of(None, NY_MOBILE, "third_party") == f"other:{NY_MOBILE}"
        assert facts.person_of("attorney", "+12125550177", None).startswith("other:")
        assert facts.person_of("debtor", NY_MOBILE, "debtor") == "debtor"


class TestFormat:
    def test_now_without_an_offset_is_refused(self):
        with pytest.raises(InvalidInput, match=r"^now: Input should have timezone info"):
            parse_payload(payload("2026-04-08T10:00:00"))

    def test_unknown_fields_are_refused_everywhere(self):
        data = payload("2026-04-08T10:00:00Z")
        data["contact"]["automatic"] = True
        with pytest.raises(InvalidInput, match=r"^contact\.automatic: Extra inputs"):
            parse_payload(data)

    def test_a_jurisdiction_outside_the_format_is_refused(self):
        with pytest.raises(InvalidInput, match="'FR' is not a jurisdiction"):
            parse_payload(payload("2026-04-08T10:00:00Z", jurisdictions=("FR",)))

    def test_an_unknown_zone_is_refused(self):
        with pytest.raises(InvalidInput, match="not an IANA time zone"):
            parse_payload(payload("2026-04-08T10:00:00Z", debtor={"time_zones": ["Mars/Base"]}))

    def test_the_contacts_debt_must_be_one_of_the_debts(self):
        data = payload("2026-04-08T10:00:00Z")
        data["contact"]["debt"] = "A2"
        with pytest.raises(InvalidInput, match="'A2' is not one of the debts"):
            parse_payload(data)

    def test_a_call_on_date_consent_needs_its_date(self):
        data = payload("2026-04-08T10:00:00Z", debtor={"consents": [{"kind": "call_on_date"}]})
        with pytest.raises(InvalidInput, match=r"debtor\.consents\[0\]: a call_on_date consent"):
            parse_payload(data)

    def test_inconvenient_times_take_hh_mm(self):
        data = payload(
            "2026-04-08T10:00:00Z",
            debtor={"inconvenient_times": [{"days": ["mon"], "from": "9am"}]},
        )
        with pytest.raises(InvalidInput, match=r"inconvenient_times\[0\]\.from"):
            parse_payload(data)
