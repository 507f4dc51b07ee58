"""Places: countries, regions, jurisdictions, languages and time zones.

A debtor's place decides three things downstream: which rulebooks apply (the
jurisdiction: ``CN``, ``GB``, ``US`` plus a state overlay ``US-XX``), which
language letters default to, and which IANA time zones bound the hours a
collector may call (FDCPA §1692c(a)(1) and Reg F 12 CFR 1006.6(b)(1)(i) count
8 a.m. to 9 p.m. at the consumer's location; when a place spans several zones,
every one of them must be respected, so all are returned).

Countries are ISO 3166-1 alpha-2; regions are the ISO 3166-2 subdivision code
without the country prefix (``US-CA`` -> ``CA``, ``CN-GD`` -> ``GD``, ``GB-SCT`` ->
``SCT``). Regions are checked only for the US, the UK and China, where the
rulebooks depend on them; elsewhere the cleaned text is kept as written.
"""

from __future__ import annotations

import re

import phonenumbers

from arrears.ingest.normalize import FieldProblem, clean_text, nfkc

# --------------------------------------------------------------------------- countries

_COUNTRY_NAMES: dict[str, str] = {
    # English names and common abbreviations (keys: case-folded, letters only)
    "china": "CN", "prc": "CN", "peoplesrepublicofchina": "CN", "mainlandchina": "CN",
    "chn": "CN", "usa": "US", "unitedstates": "US", "unitedstatesofamerica": "US",
    "america": "US", "uk": "GB", "unitedkingdom": "GB", "greatbritain": "GB", "britain": "GB",
    "gbr": "GB", "hongkong": "HK", "hkg": "HK", "taiwan": "TW", "twn": "TW",
    "singapore": "SG", "sgp": "SG", "canada": "CA", "can": "CA", "australia": "AU",
    "aus": "AU", "germany": "DE", "deu": "DE", "deutschland": "DE", "france": "FR",
    "fra": "FR", "japan": "JP", "jpn": "JP", "korea": "KR", "southkorea": "KR",
    "republicofkorea": "KR", "kor": "KR", "macau": "MO", "macao": "MO", "ireland": "IE",
    # Chinese names, simplified and traditional
    "中国": "CN", "中國": "CN", "中华人民共和国": "CN", "中華人民共和國": "CN",
    "中国大陆": "CN", "美国": "US", "美國": "US", "美利坚合众国": "US", "英国": "GB",
    "英國": "GB", "香港": "HK", "中国香港": "HK", "台湾": "TW", "台灣": "TW",
    "中国台湾": "TW", "新加坡": "SG", "加拿大": "CA", "澳大利亚": "AU", "澳洲": "AU",
    "德国": "DE", "法国": "FR", "日本": "JP", "韩国": "KR", "韓國": "KR", "澳门": "MO",
    "澳門": "MO", "爱尔兰": "IE",
}  # fmt: skip
_NOT_LETTERS = re.compile(r"[\W_\d]+")


def _key(text: str) -> str:
    """Case-folded letters only: "U.S.A." and "usa" meet."""
    return _NOT_LETTERS.sub("", nfkc(text).casefold())


def normalize_country(text: str) -> str:
    """ISO 3166-1 alpha-2 from a code or a common English or Chinese name."""
    cleaned = nfkc(text).upper()
    # Every alpha-2 code with a numbering plan (phonenumbers knows all of ISO 3166-1).
    if cleaned in phonenumbers.SUPPORTED_REGIONS:
        return cleaned
    code = _COUNTRY_NAMES.get(_key(text))
    if code is None:
        raise FieldProblem(f"unknown country '{text.strip()}': use an ISO 3166-1 alpha-2 code")
    return code


# --------------------------------------------------------------------------- regions

_US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip
_GB_NATIONS: dict[str, tuple[str, ...]] = {
    "ENG": ("england",),
    "SCT": ("scotland", "alba"),
    "WLS": ("wales", "cymru"),
    "NIR": ("northernireland", "ni"),
}
# ISO 3166-2:CN code -> (Chinese short name, pinyin / English names, GB/T 2260 number).
_CN_PROVINCES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "BJ": ("北京", ("beijing", "peking"), "11"), "TJ": ("天津", ("tianjin",), "12"),
    "HE": ("河北", ("hebei",), "13"), "SX": ("山西", ("shanxi",), "14"),
    "NM": ("内蒙古", ("neimenggu", "neimongol", "innermongolia"), "15"),
    "LN": ("辽宁", ("liaoning",), "21"), "JL": ("吉林", ("jilin",), "22"),
    "HL": ("黑龙江", ("heilongjiang",), "23"), "SH": ("上海", ("shanghai",), "31"),
    "JS": ("江苏", ("jiangsu",), "32"), "ZJ": ("浙江", ("zhejiang",), "33"),
    "AH": ("安徽", ("anhui",), "34"), "FJ": ("福建", ("fujian",), "35"),
    "JX": ("江西", ("jiangxi",), "36"), "SD": ("山东", ("shandong",), "37"),
    "HA": ("河南", ("henan",), "41"), "HB": ("湖北", ("hubei",), "42"),
    "HN": ("湖南", ("hunan",), "43"), "GD": ("广东", ("guangdong",), "44"),
    "GX": ("广西", ("guangxi",), "45"), "HI": ("海南", ("hainan",), "46"),
    "CQ": ("重庆", ("chongqing",), "50"), "SC": ("四川", ("sichuan",), "51"),
    "GZ": ("贵州", ("guizhou",), "52"), "YN": ("云南", ("yunnan",), "53"),
    "XZ": ("西藏", ("xizang", "tibet"), "54"), "SN": ("陕西", ("shaanxi",), "61"),
    "GS": ("甘肃", ("gansu",), "62"), "QH": ("青海", ("qinghai",), "63"),
    "NX": ("宁夏", ("ningxia",), "64"), "XJ": ("新疆", ("xinjiang",), "65"),
    "TW": ("台湾", ("taiwan",), "71"), "HK": ("香港", ("hongkong",), "81"),
    "MO": ("澳门", ("macau", "macao"), "82"),
}  # fmt: skip
# Administrative suffixes dropped before matching: 广东省, 广西壮族自治区, Guangdong Province.
_CN_SUFFIX = re.compile(
    r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|province|municipality|"
    r"autonomousregion|specialadministrativeregion|sar|sheng|shi)$"
)


def _build_lookups() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    us = {_key(name): code for code, name in _US_STATES.items()}
    gb = {name: code for code, names in _GB_NATIONS.items() for name in names}
    cn: dict[str, str] = {}
    for code, (chinese, latin, number) in _CN_PROVINCES.items():
        cn.update({chinese: code, number: code, **dict.fromkeys(latin, code)})
    return us, gb, cn


_US_NAMES, _GB_NAMES, _CN_NAMES = _build_lookups()


def normalize_region(country: str, text: str) -> str:
    """The subdivision code for US states, UK nations and Chinese provinces.

    Elsewhere the cleaned text is returned unchanged.
    """
    cleaned = clean_text(text) or ""
    code = cleaned.upper().removeprefix(f"{country}-")
    if country == "US":
        found = code if code in _US_STATES else _US_NAMES.get(_key(cleaned))
    elif country == "GB":
        found = code if code in _GB_NATIONS else _GB_NAMES.get(_key(cleaned))
    elif country == "CN":
        found = code if code in _CN_PROVINCES else _cn_province(cleaned)
    else:
        return cleaned
    if found is None:
        raise FieldProblem(f"unknown region '{cleaned}' for {country}")
    return found


def _cn_province(text: str) -> str | None:
    key = re.sub(r"[\s\-_.]", "", nfkc(text).casefold())
    key = key.removeprefix("cn")
    return _CN_NAMES.get(key) or _CN_NAMES.get(_CN_SUFFIX.sub("", key))


# --------------------------------------------------------------------------- jurisdictions


def jurisdiction_for(country: str | None, region: str | None) -> str | None:
    """The rulebook key of a place: ``CN``, ``GB``, ``US-XX`` (``US`` without a state)."""
    if country is None:
        return None
    if country == "US":
        return f"US-{region}" if region in _US_STATES else "US"
    if country == "CN" and region in ("HK", "MO", "TW"):
        # Hong Kong, Macao and Taiwan have their own laws on debt collection and data.
        return region
    return country


_JURISDICTION = re.compile(r"^(?P<country>[A-Z]{2})(?:-(?P<region>[A-Z0-9]{1,3}))?$")


def normalize_jurisdiction(text: str) -> str:
    """A jurisdiction written in a file: ``CN``, ``GB``, ``US``, ``US-XX`` or a country code."""
    cleaned = nfkc(text).upper().replace("_", "-")
    match = _JURISDICTION.match(cleaned)
    if match is None:
        raise FieldProblem("not a jurisdiction such as CN, GB, US or US-CA")
    country = normalize_country(match["country"])
    if match["region"] is None:
        return country
    if country != "US":
        raise FieldProblem("only US jurisdictions have a state part (US-CA)")
    return f"US-{normalize_region('US', match['region'])}"


def default_language(country: str | None) -> str:
    """The language letters and calls default to (BCP 47)."""
    return _LANGUAGES.get(country or "", "en-US")


_LANGUAGES = {
    "CN": "zh-CN",
    "SG": "zh-CN",
    "TW": "zh-TW",
    "HK": "zh-HK",
    "MO": "zh-HK",
    "US": "en-US",
    "GB": "en-GB",
}
_TAG = re.compile(
    r"^(?P<lang>[a-z]{2,3})(?:[-_](?P<script>[a-z]{4}))?(?:[-_](?P<region>[a-z]{2}|\d{3}))?$",
    re.IGNORECASE,
)
_LANGUAGE_NAMES = {
    "中文": "zh", "汉语": "zh", "普通话": "zh", "chinese": "zh", "mandarin": "zh",
    "粤语": "zh-HK", "cantonese": "zh-HK", "英文": "en", "英语": "en", "english": "en",
}  # fmt: skip
_SCRIPT_REGIONS = {"hans": "CN", "hant": "TW"}
_USUAL_REGIONS = {"zh": "CN", "en": "US"}


def normalize_language(text: str, country: str | None) -> str:
    """A BCP 47 tag with a region: ``zh_cn`` -> ``zh-CN``; ``en`` in GB -> ``en-GB``.

    A tag without a region takes the country's when the country speaks that language,
    else the language's usual one (zh-CN, en-US), else the country's (fr in FR -> fr-FR).
    A script subtag only chooses the region (Hant -> TW) and is dropped: letters and
    templates are kept per language-region.
    """
    cleaned = nfkc(text)
    cleaned = _LANGUAGE_NAMES.get(cleaned.casefold(), cleaned)
    match = _TAG.match(cleaned)
    if match is None:
        raise FieldProblem("not a language tag such as zh-CN or en-US")
    language = match["lang"].lower()
    region = (match["region"] or "").upper() or _SCRIPT_REGIONS.get((match["script"] or "").lower())
    if not region:
        local = default_language(country)
        if local.startswith(f"{language}-"):
            region = local[3:]
        else:
            region = _USUAL_REGIONS.get(language) or country
    return f"{language}-{region}" if region else language
