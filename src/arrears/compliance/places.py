"""Places and their candidate IANA time zones, as the compliance rules need them.

Reg F 12 CFR 1006.6(b)(1)(i) counts 8 a.m. to 9 p.m. *at the consumer's
location*; when the collector's information conflicts, the contact must be
convenient in every location it suggests (cmt 6(b)(1)(i)-2). So a place gives
*every* zone that covers part of it, and the engine intersects their windows.

The table follows the IANA ``zone1970.tab`` split of US states; it is the one
table of places and zones (the importer uses it too, through
``arrears.ingest.geo``). When nothing tells a zone, :data:`CONSERVATIVE_ZONES` gives, per
jurisdiction, the set the engine assumes (catalogue US-TIME-02a, a DESIGN
choice: the contiguous US plus Alaska and Hawaii).
"""

from __future__ import annotations

from collections.abc import Iterable

_EAST, _CENTRAL = "America/New_York", "America/Chicago"
_MOUNTAIN, _PACIFIC = "America/Denver", "America/Los_Angeles"

US_STATE_ZONES: dict[str, tuple[str, ...]] = {
    "AK": ("America/Anchorage", "America/Juneau", "America/Sitka", "America/Metlakatla",
           "America/Yakutat", "America/Nome", "America/Adak"),
    "AZ": ("America/Phoenix",),  # no daylight saving time (the Navajo Nation aside)
    "HI": ("Pacific/Honolulu",),
    "PR": ("America/Puerto_Rico",),
    "FL": (_EAST, _CENTRAL), "ID": ("America/Boise", _PACIFIC),
    "IN": ("America/Indiana/Indianapolis", "America/Indiana/Marengo",
           "America/Indiana/Vevay", "America/Indiana/Vincennes", "America/Indiana/Winamac",
           "America/Indiana/Petersburg", "America/Indiana/Knox", "America/Indiana/Tell_City",
           _CENTRAL),
    "KS": (_CENTRAL, _MOUNTAIN), "KY": (_EAST, "America/Kentucky/Louisville",
                                        "America/Kentucky/Monticello", _CENTRAL),
    "MI": ("America/Detroit", "America/Menominee"), "NE": (_CENTRAL, _MOUNTAIN),
    "ND": (_CENTRAL, "America/North_Dakota/Center", "America/North_Dakota/New_Salem",
           "America/North_Dakota/Beulah", _MOUNTAIN),
    "OR": (_PACIFIC, "America/Boise"), "SD": (_CENTRAL, _MOUNTAIN),
    "TN": (_CENTRAL, _EAST), "TX": (_CENTRAL, _MOUNTAIN),
    **dict.fromkeys(("CT", "DC", "DE", "GA", "MA", "MD", "ME", "NC", "NH", "NJ", "NY", "OH",
                     "PA", "RI", "SC", "VA", "VT", "WV"), (_EAST,)),
    **dict.fromkeys(("AL", "AR", "IA", "IL", "LA", "MN", "MO", "MS", "OK", "WI"), (_CENTRAL,)),
    **dict.fromkeys(("CO", "MT", "NM", "UT", "WY"), (_MOUNTAIN,)),
    **dict.fromkeys(("CA", "NV", "WA"), (_PACIFIC,)),
}  # fmt: skip

# Countries with one zone (a multi-zone country without a region table tells nothing).
COUNTRY_ZONES: dict[str, tuple[str, ...]] = {
    "CN": ("Asia/Shanghai",),
    "GB": ("Europe/London",),
    "HK": ("Asia/Hong_Kong",),
    "MO": ("Asia/Macau",),
    "TW": ("Asia/Taipei",),
    "SG": ("Asia/Singapore",),
    "JP": ("Asia/Tokyo",),
    "KR": ("Asia/Seoul",),
    "DE": ("Europe/Berlin",),
    "FR": ("Europe/Paris",),
    "IE": ("Europe/Dublin",),
}
# Chinese regions with a zone of their own (Xinjiang also keeps local "Urumqi time").
CN_REGION_ZONES: dict[str, tuple[str, ...]] = {
    "XJ": ("Asia/Shanghai", "Asia/Urumqi"),
    "HK": ("Asia/Hong_Kong",),
    "MO": ("Asia/Macau",),
    "TW": ("Asia/Taipei",),
}

# US-TIME-02a (DESIGN): no location information at all.
CONSERVATIVE_ZONES: dict[str, tuple[str, ...]] = {
    "US": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ),
    "CN": ("Asia/Shanghai",),
    "GB": ("Europe/London",),
}


def zones_for_place(country: str | None, region: str | None) -> tuple[str, ...]:
    """Candidate IANA zones of a place; empty when the place does not tell."""
    country = (country or "").strip().upper()
    region = (region or "").strip().upper().removeprefix(f"{country}-")
    if country == "US":
        # Without a state the place does not tell: the US spans six zones.
        return US_STATE_ZONES.get(region, ())
    if country == "CN" and region in CN_REGION_ZONES:
        return CN_REGION_ZONES[region]
    return COUNTRY_ZONES.get(country, ())


def base_jurisdiction(code: str) -> str:
    """``US-MA`` -> ``US``: a state overlay always carries the federal floor."""
    return code.split("-", 1)[0]


def conservative_zones(jurisdictions: Iterable[str]) -> tuple[str, ...]:
    """The zones assumed when nothing tells where the person is (US-TIME-02a)."""
    zones: list[str] = []
    for code in jurisdictions:
        for zone in CONSERVATIVE_ZONES.get(base_jurisdiction(code), ()):
            if zone not in zones:
                zones.append(zone)
    return tuple(zones)
