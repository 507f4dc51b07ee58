"""Where the demo debtors live: provinces, states and cities with their codes.

Each place carries the codes that must agree with it for the data to look real:

* China: the 6-digit administrative division code of a district (the first six
  digits of a resident id number issued there), the landline area code and the
  first four digits of the postal code. Provinces are weighted roughly by their
  share of consumer credit.
* United States: cities with their real area codes and ZIP code ranges. Phone
  numbers use the fictional exchange ``555-01xx`` (NANPA reserves 555-0100 to
  555-0199 for fiction), which ``phonenumbers`` accepts as valid in every area code.
* United Kingdom: cities with postcode districts and the Ofcom "drama" landline
  ranges (e.g. 020 7946 0xxx), which are valid and never assigned to anyone. The
  mobile drama range 07700 900xxx is *not* valid for ``phonenumbers`` (it is
  carved out of the GB mobile pattern), so it is not used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CnCity:
    """A Chinese city: districts with their division codes, dialling and postal codes."""

    name: str
    districts: tuple[tuple[str, str], ...]
    area_code: str
    postcode: str
    local_digits: int = 8


@dataclass(frozen=True)
class CnProvince:
    """A province-level division: short name (the ``region`` value) and full name."""

    short: str
    full: str
    weight: float
    cities: tuple[CnCity, ...]


def _c(name: str, area: str, post: str, *districts: tuple[str, str]) -> CnCity:
    # Local landline numbers have 8 digits, 7 in the smaller cities (per phonenumbers).
    return CnCity(name, districts, area, post, 7 if area in _SEVEN_DIGIT_AREAS else 8)


_SEVEN_DIGIT_AREAS = frozenset({"0816", "0717", "0592", "0771", "0991", "0990"})


CN_PROVINCES: tuple[CnProvince, ...] = (
    CnProvince(
        "广东",
        "广东省",
        14,
        (
            _c(
                "广州市",
                "020",
                "5106",
                ("天河区", "440106"),
                ("越秀区", "440104"),
                ("海珠区", "440105"),
            ),
            _c(
                "深圳市",
                "0755",
                "5180",
                ("福田区", "440304"),
                ("南山区", "440305"),
                ("宝安区", "440306"),
            ),
            _c("东莞市", "0769", "5230", ("南城街道", "441900")),
            _c("佛山市", "0757", "5280", ("禅城区", "440604"), ("南海区", "440605")),
        ),
    ),
    CnProvince(
        "北京",
        "北京市",
        5,
        (
            _c(
                "北京市",
                "010",
                "1000",
                ("朝阳区", "110105"),
                ("海淀区", "110108"),
                ("丰台区", "110106"),
            ),
        ),
    ),
    CnProvince(
        "上海",
        "上海市",
        5,
        (
            _c(
                "上海市",
                "021",
                "2001",
                ("浦东新区", "310115"),
                ("徐汇区", "310104"),
                ("闵行区", "310112"),
            ),
        ),
    ),
    CnProvince(
        "浙江",
        "浙江省",
        7,
        (
            _c("杭州市", "0571", "3100", ("西湖区", "330106"), ("拱墅区", "330105")),
            _c("宁波市", "0574", "3151", ("鄞州区", "330212")),
            _c("温州市", "0577", "3250", ("鹿城区", "330302")),
        ),
    ),
    CnProvince(
        "江苏",
        "江苏省",
        8,
        (
            _c("南京市", "025", "2100", ("玄武区", "320102"), ("鼓楼区", "320106")),
            _c("苏州市", "0512", "2150", ("姑苏区", "320508"), ("吴中区", "320506")),
            _c("无锡市", "0510", "2140", ("梁溪区", "320213")),
        ),
    ),
    CnProvince(
        "四川",
        "四川省",
        7,
        (
            _c(
                "成都市",
                "028",
                "6100",
                ("锦江区", "510104"),
                ("武侯区", "510107"),
                ("成华区", "510108"),
            ),
            _c("绵阳市", "0816", "6210", ("涪城区", "510703")),
        ),
    ),
    CnProvince(
        "河南",
        "河南省",
        8,
        (
            _c("郑州市", "0371", "4500", ("金水区", "410105"), ("中原区", "410102")),
            _c("洛阳市", "0379", "4710", ("西工区", "410303")),
        ),
    ),
    CnProvince(
        "山东",
        "山东省",
        8,
        (
            _c("济南市", "0531", "2500", ("历下区", "370102"), ("市中区", "370103")),
            _c("青岛市", "0532", "2660", ("市南区", "370202"), ("黄岛区", "370211")),
        ),
    ),
    CnProvince(
        "湖北",
        "湖北省",
        5,
        (
            _c(
                "武汉市",
                "027",
                "4300",
                ("江汉区", "420103"),
                ("武昌区", "420106"),
                ("洪山区", "420111"),
            ),
            _c("宜昌市", "0717", "4430", ("西陵区", "420502")),
        ),
    ),
    CnProvince(
        "湖南",
        "湖南省",
        5,
        (_c("长沙市", "0731", "4100", ("岳麓区", "430104"), ("芙蓉区", "430102")),),
    ),
    CnProvince(
        "福建",
        "福建省",
        4,
        (
            _c("福州市", "0591", "3500", ("鼓楼区", "350102")),
            _c("厦门市", "0592", "3610", ("思明区", "350203")),
        ),
    ),
    CnProvince(
        "安徽",
        "安徽省",
        5,
        (_c("合肥市", "0551", "2300", ("蜀山区", "340104"), ("包河区", "340111")),),
    ),
    CnProvince(
        "重庆",
        "重庆市",
        3,
        (_c("重庆市", "023", "4000", ("渝中区", "500103"), ("江北区", "500105")),),
    ),
    CnProvince(
        "陕西",
        "陕西省",
        3,
        (_c("西安市", "029", "7100", ("雁塔区", "610113"), ("碑林区", "610103")),),
    ),
    CnProvince("广西", "广西壮族自治区", 4, (_c("南宁市", "0771", "5300", ("青秀区", "450103")),)),
    CnProvince(
        "新疆",
        "新疆维吾尔自治区",
        2,
        (
            _c("乌鲁木齐市", "0991", "8300", ("天山区", "650102"), ("沙依巴克区", "650103")),
            _c("克拉玛依市", "0990", "8340", ("克拉玛依区", "650203")),
        ),
    ),
)

# Prefixes of Chinese mobile numbers (China Mobile, Unicom, Telecom), all fully
# valid for ``phonenumbers``; the weights follow their rough share of subscribers.
CN_MOBILE_PREFIXES: tuple[tuple[str, float], ...] = (
    *((str(p), 3.0) for p in range(130, 140)),
    *((str(p), 2.0) for p in (150, 151, 152, 153, 155, 156, 157, 158, 159)),
    *((str(p), 2.5) for p in range(180, 190)),
    *((str(p), 1.0) for p in (147, 166, 176, 177, 178, 191, 198, 199)),
)


@dataclass(frozen=True)
class UsCity:
    """A US city with its area codes and a ZIP code range inside it."""

    name: str
    area_codes: tuple[str, ...]
    zips: tuple[int, int]


@dataclass(frozen=True)
class UsState:
    """A state: USPS code (the ``region`` value; jurisdiction ``US-XX``), weight, cities."""

    code: str
    weight: float
    cities: tuple[UsCity, ...]


def _u(name: str, codes: str, lo: int, hi: int) -> UsCity:
    return UsCity(name, tuple(codes.split()), (lo, hi))


US_STATES: tuple[UsState, ...] = (
    UsState(
        "CA",
        18,
        (
            _u("Los Angeles", "213 323 310 818 747", 90001, 90068),
            _u("San Francisco", "415 628", 94102, 94134),
            _u("San Diego", "619 858", 92101, 92139),
            _u("San Jose", "408 669", 95110, 95139),
            _u("Sacramento", "916 279", 95811, 95838),
            _u("Fresno", "559", 93701, 93728),
            _u("Oakland", "510 341", 94601, 94621),
            _u("Riverside", "951", 92501, 92509),
            _u("Long Beach", "562", 90802, 90815),
        ),
    ),
    UsState(
        "TX",
        14,
        (
            _u("Houston", "713 281 832 346", 77002, 77099),
            _u("Dallas", "214 469 972", 75201, 75254),
            _u("Austin", "512 737", 78701, 78759),
            _u("San Antonio", "210 726", 78201, 78266),
            _u("El Paso", "915", 79901, 79938),
            _u("Fort Worth", "817 682", 76102, 76140),
        ),
    ),
    UsState(
        "FL",
        12,
        (
            _u("Miami", "305 786", 33125, 33196),
            _u("Orlando", "407 689 321", 32801, 32839),
            _u("Tampa", "813 656", 33602, 33647),
            _u("Jacksonville", "904", 32202, 32258),
            _u("Tallahassee", "850", 32301, 32317),
        ),
    ),
    UsState(
        "NY",
        11,
        (
            _u("New York", "212 646 332 917", 10001, 10040),
            _u("Brooklyn", "718 347 929", 11201, 11239),
            _u("Buffalo", "716", 14201, 14222),
            _u("Rochester", "585", 14604, 14626),
            _u("Albany", "518", 12202, 12210),
        ),
    ),
    UsState(
        "PA",
        7,
        (
            _u("Philadelphia", "215 267 445", 19102, 19154),
            _u("Pittsburgh", "412 878", 15201, 15237),
            _u("Allentown", "610 484", 18101, 18109),
            _u("Harrisburg", "717 223", 17101, 17113),
        ),
    ),
    UsState(
        "IL",
        7,
        (
            _u("Chicago", "312 773 872", 60601, 60661),
            _u("Naperville", "630 331", 60540, 60565),
            _u("Springfield", "217", 62701, 62712),
            _u("Peoria", "309", 61602, 61615),
        ),
    ),
    UsState(
        "OH",
        6,
        (
            _u("Columbus", "614 380", 43201, 43235),
            _u("Cleveland", "216", 44102, 44135),
            _u("Cincinnati", "513", 45202, 45248),
            _u("Toledo", "419 567", 43604, 43623),
        ),
    ),
    UsState(
        "GA",
        6,
        (
            _u("Atlanta", "404 470 678 770", 30303, 30350),
            _u("Savannah", "912", 31401, 31419),
            _u("Augusta", "706 762", 30901, 30909),
        ),
    ),
    UsState(
        "WA",
        5,
        (
            _u("Seattle", "206", 98101, 98199),
            _u("Tacoma", "253", 98402, 98446),
            _u("Spokane", "509", 99201, 99224),
            _u("Bellevue", "425", 98004, 98008),
        ),
    ),
    UsState(
        "AZ",
        5,
        (
            _u("Phoenix", "602 480 623", 85003, 85054),
            _u("Tucson", "520", 85701, 85750),
            _u("Flagstaff", "928", 86001, 86004),
        ),
    ),
    UsState(
        "MA",
        5,
        (
            _u("Boston", "617 857", 2108, 2136),
            _u("Worcester", "508 774", 1602, 1610),
            _u("Springfield", "413", 1103, 1129),
            _u("Lowell", "978 351", 1850, 1854),
        ),
    ),
    UsState("HI", 1, (_u("Honolulu", "808", 96813, 96826), _u("Hilo", "808", 96720, 96721))),
)


@dataclass(frozen=True)
class UkCity:
    """A UK city: nation (the ``region`` value), postcode districts and drama landline range.

    A number is ``0`` + ``area`` + ``local_prefix`` + three digits (11 digits).
    """

    name: str
    nation: str
    weight: float
    districts: tuple[str, ...]
    area: str
    local_prefix: str


def _k(name: str, nation: str, weight: float, districts: str, area: str, prefix: str) -> UkCity:
    return UkCity(name, nation, weight, tuple(districts.split()), area, prefix)


UK_CITIES: tuple[UkCity, ...] = (
    _k("London", "England", 26, "E1 E14 N7 N19 SE15 SW11 SW18 NW3 W2 W12 EC1A WC2H", "20", "79460"),
    _k("Birmingham", "England", 9, "B1 B5 B12 B23 B29", "121", "4960"),
    _k("Manchester", "England", 9, "M1 M4 M14 M20 M40", "161", "4960"),
    _k("Leeds", "England", 7, "LS1 LS6 LS8 LS11 LS17", "113", "4960"),
    _k("Sheffield", "England", 5, "S1 S2 S7 S10 S11", "114", "4960"),
    _k("Leicester", "England", 4, "LE1 LE2 LE3 LE5", "116", "4960"),
    _k("Bristol", "England", 6, "BS1 BS3 BS5 BS7 BS16", "117", "4960"),
    _k("Reading", "England", 3, "RG1 RG2 RG4 RG30", "118", "4960"),
    _k("Liverpool", "England", 6, "L1 L4 L8 L15 L18", "151", "4960"),
    _k("Newcastle upon Tyne", "England", 4, "NE1 NE2 NE4 NE6", "191", "4980"),
    _k("Edinburgh", "Scotland", 5, "EH1 EH3 EH6 EH11", "131", "4960"),
    _k("Glasgow", "Scotland", 7, "G1 G3 G11 G12 G20 G41", "141", "4960"),
    _k("Cardiff", "Wales", 5, "CF10 CF11 CF14 CF24", "29", "20180"),
    _k("Belfast", "Northern Ireland", 4, "BT1 BT5 BT7 BT9", "28", "90180"),
)

# Letters allowed in the inward part of a UK postcode (no C, I, K, M, O, V).
UK_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
