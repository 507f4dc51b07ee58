"""Places: how the country and region of a row become codes, rulebooks, languages and zones."""

from __future__ import annotations

import zoneinfo

import pytest

from arrears.compliance import places
from arrears.compliance.places import zones_for_place
from arrears.ingest import geo
from arrears.ingest.geo import (
    default_language,
    jurisdiction_for,
    normalize_country,
    normalize_jurisdiction,
    normalize_language,
    normalize_region,
)
from arrears.ingest.normalize import FieldProblem


class TestNormalizeCountry:
    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("中国", "CN"), ("中華人民共和國", "CN"), ("China", "CN"), ("PRC", "CN"), ("cn", "CN"),
            ("美国", "US"), ("USA", "US"), ("U.S.A.", "US"), ("United States", "US"), ("US", "US"),
            ("英国", "GB"), ("UK", "GB"), ("United Kingdom", "GB"), ("Great Britain", "GB"),
            ("GB", "GB"), ("香港", "HK"), ("Taiwan", "TW"), ("新加坡", "SG"), ("Canada", "CA"),
            ("Australia", "AU"), ("Germany", "DE"), ("France", "FR"), ("日本", "JP"),
            ("South Korea", "KR"), ("ＣＮ", "CN"),
        ],
    )  # fmt: skip
    def test_codes_and_english_or_chinese_names_give_alpha_2(self, text: str, code: str) -> None:
        assert normalize_country(text) == code

    def test_any_iso_alpha_2_code_is_accepted(self) -> None:
        assert normalize_country("nl") == "NL"

    def test_an_unknown_country_is_refused(self) -> None:
        with pytest.raises(FieldProblem, match="unknown country 'Narnia'"):
            normalize_country("Narnia")


class TestNormalizeRegion:
    @pytest.mark.parametrize(
        ("country", "text", "code"),
        [
            ("US", "CA", "CA"), ("US", "ca", "CA"), ("US", "California", "CA"),
            ("US", "US-TX", "TX"), ("US", "district of columbia", "DC"),
            ("US", "Puerto Rico", "PR"),
            ("GB", "Scotland", "SCT"), ("GB", "GB-WLS", "WLS"), ("GB", "Northern Ireland", "NIR"),
            ("GB", "ENG", "ENG"), ("CN", "广东省", "GD"), ("CN", "广东", "GD"),
            ("CN", "Guangdong Province", "GD"), ("CN", "CN-BJ", "BJ"), ("CN", "北京市", "BJ"),
            ("CN", "44", "GD"), ("CN", "新疆维吾尔自治区", "XJ"), ("CN", "广西壮族自治区", "GX"),
            ("CN", "Inner Mongolia", "NM"), ("CN", "Shaanxi", "SN"), ("CN", "Shanxi", "SX"),
        ],
    )  # fmt: skip
    def test_codes_and_names_give_the_subdivision_code(
        self, country: str, text: str, code: str
    ) -> None:
        assert normalize_region(country, text) == code

    def test_all_fifty_states_dc_and_puerto_rico_are_known(self) -> None:
        assert len(geo._US_STATES) == 52

    @pytest.mark.parametrize("country", ["US", "GB", "CN"])
    def test_an_unknown_region_of_a_checked_country_is_refused(self, country: str) -> None:
        with pytest.raises(FieldProblem, match=f"unknown region 'Atlantis' for {country}"):
            normalize_region(country, "Atlantis")

    def test_other_countries_keep_the_cleaned_text(self) -> None:
        assert normalize_region("FR", "  Île-de-France ") == "Île-de-France"


class TestJurisdictionFor:
    def test_china_is_cn(self) -> None:
        assert jurisdiction_for("CN", "GD") == "CN"

    def test_hong_kong_under_china_keeps_its_own_laws(self) -> None:
        assert jurisdiction_for("CN", "HK") == "HK"

    def test_a_us_state_gives_an_overlay_and_no_state_gives_us(self) -> None:
        assert jurisdiction_for("US", "MA") == "US-MA"
        assert jurisdiction_for("US", None) == "US"

    def test_the_uk_is_gb_whatever_the_nation(self) -> None:
        assert jurisdiction_for("GB", "SCT") == "GB"

    def test_other_countries_and_no_country(self) -> None:
        assert jurisdiction_for("SG", None) == "SG"
        assert jurisdiction_for(None, None) is None


class TestNormalizeJurisdiction:
    @pytest.mark.parametrize(
        ("text", "code"), [("cn", "CN"), ("US-CA", "US-CA"), ("us_wa", "US-WA"), ("UK", "GB")]
    )
    def test_written_jurisdictions_are_normalised(self, text: str, code: str) -> None:
        assert normalize_jurisdiction(text) == code

    @pytest.mark.parametrize("text", ["US-ZZ", "CN-GD", "California", "ZZ"])
    def test_unknown_jurisdictions_are_refused(self, text: str) -> None:
        with pytest.raises(FieldProblem):
            normalize_jurisdiction(text)


class TestDefaultLanguage:
    @pytest.mark.parametrize(
        ("country", "language"),
        [
            ("CN", "zh-CN"),
            ("SG", "zh-CN"),
            ("TW", "zh-TW"),
            ("HK", "zh-HK"),
            ("US", "en-US"),
            ("GB", "en-GB"),
            ("DE", "en-US"),
            (None, "en-US"),
        ],
    )
    def test_the_country_decides(self, country: str | None, language: str) -> None:
        assert default_language(country) == language


class TestNormalizeLanguage:
    @pytest.mark.parametrize(
        ("text", "country", "tag"),
        [
            ("zh-cn", None, "zh-CN"),
            ("zh_CN", None, "zh-CN"),
            ("en", "GB", "en-GB"),
            ("en", None, "en-US"),
            ("zh", "TW", "zh-TW"),
            ("zh-Hant", None, "zh-TW"),
            ("中文", "CN", "zh-CN"),
            ("English", "US", "en-US"),
            ("fr", "FR", "fr-FR"),
        ],
    )
    def test_tags_get_a_region(self, text: str, country: str | None, tag: str) -> None:
        assert normalize_language(text, country) == tag

    def test_a_non_tag_is_refused(self) -> None:
        with pytest.raises(FieldProblem, match="not a language tag"):
            normalize_language("klingon!", None)


class TestZonesForPlace:
    def test_a_single_zone_state(self) -> None:
        assert zones_for_place("US", "CA") == ("America/Los_Angeles",)

    @pytest.mark.parametrize(
        ("state", "zones"),
        [
            ("FL", {"America/New_York", "America/Chicago"}),
            ("TX", {"America/Chicago", "America/Denver"}),
            ("TN", {"America/Chicago", "America/New_York"}),
            ("OR", {"America/Los_Angeles", "America/Boise"}),
            ("ID", {"America/Boise", "America/Los_Angeles"}),
            ("MI", {"America/Detroit", "America/Menominee"}),
        ],
    )
    def test_a_state_spanning_zones_gives_all_of_them(self, state: str, zones: set[str]) -> None:
        assert set(zones_for_place("US", state)) == zones

    @pytest.mark.parametrize("state", ["IN", "KY", "ND", "SD", "NE", "KS", "AK"])
    def test_other_multi_zone_states_give_several(self, state: str) -> None:
        assert len(zones_for_place("US", state)) >= 2

    def test_arizona_and_hawaii_have_their_own_zones(self) -> None:
        assert zones_for_place("US", "AZ") == ("America/Phoenix",)
        assert zones_for_place("US", "HI") == ("Pacific/Honolulu",)

    def test_the_us_without_a_state_tells_nothing(self) -> None:
        assert zones_for_place("US", None) == ()

    def test_china_is_shanghai_and_xinjiang_adds_urumqi(self) -> None:
        assert zones_for_place("CN", "GD") == ("Asia/Shanghai",)
        assert zones_for_place("CN", "XJ") == ("Asia/Shanghai", "Asia/Urumqi")

    def test_the_uk_and_other_single_zone_countries(self) -> None:
        assert zones_for_place("GB", "SCT") == ("Europe/London",)
        assert zones_for_place("SG", None) == ("Asia/Singapore",)
        assert zones_for_place("BR", None) == ()
        assert zones_for_place(None, None) == ()

    def test_every_zone_in_the_tables_is_a_real_iana_zone(self) -> None:
        tables = [places.US_STATE_ZONES, places.CN_REGION_ZONES, places.COUNTRY_ZONES]
        zones = {zone for table in tables for found in table.values() for zone in found}
        assert zones <= zoneinfo.available_timezones()
        assert set(places.US_STATE_ZONES) == set(geo._US_STATES)
