"""Synthetic debtors: people in China, the US and the UK, and Chinese companies.

Names and streets come from faker (zh_CN, en_US, en_GB), everything that must
be consistent or valid is built here from :mod:`geo`:

* China: a resident id whose area code is the district of residence (a quarter
  were born elsewhere), whose birth date is the person's and whose sequence
  parity is the person's sex, with the GB 11643 check digit; names match the
  sex; mobiles ``1[3-9]x xxxx xxxx`` from real operator prefixes, written plain,
  ``138-1234-5678`` or ``+86 138 1234 5678``.
* US: phones ``555-01xx`` in the area codes of the debtor's city, handed out
  without repetition per area code (100 numbers each) until a code runs out;
  written ``(212) 555-0142``, ``212-555-0142`` or ``+1 212 555 0142``. About 5 %
  are Chinese-speaking (romanised Chinese name, ``language`` ``zh-CN``).
* UK: Ofcom drama landlines of the debtor's city, postcodes in the city's
  districts, ``region`` = England / Scotland / Wales / Northern Ireland.
* E-mail addresses only ever on example.com, example.org or example.net.

Resident ids, mobiles and e-mails are unique across the people of one factory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from faker import Faker

from arrears.core.identity import cn_id_check_digit
from arrears.sim.portfolio.geo import (
    CN_MOBILE_PREFIXES,
    CN_PROVINCES,
    UK_CITIES,
    UK_POSTCODE_LETTERS,
    US_STATES,
    CnCity,
    CnProvince,
)

EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Person:
    """A debtor's personal data as a creditor would hold it."""

    name: str
    birth_date: date | None
    national_id: str | None
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    address: str
    city: str
    region: str
    postal_code: str | None
    country: str
    jurisdiction: str
    language: str | None = None
    kind: str = "person"


class _Factory:
    """Shared plumbing: a seeded faker and numpy generator, uniqueness sets."""

    def __init__(self, locale: str, seed: int, as_of: date) -> None:
        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        self.rng = np.random.default_rng([seed, 7])
        self.as_of = as_of
        self._used: set[str] = set()

    def pick(self, weights: list[float]) -> int:
        w = np.array(weights, dtype=float)
        return int(self.rng.choice(len(w), p=w / w.sum()))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def unique(self, draw: Callable[[], str]) -> str:
        value = draw()
        while value in self._used:
            value = draw()
        self._used.add(value)
        return value

    def birth_date(self, low: float, mode: float, high: float) -> date:
        age = self.rng.triangular(low, mode, high)
        return self.as_of - timedelta(days=int(age * 365.25))

    def email(self, local: str) -> str:
        """A unique address on an example domain: ``local`` + a number."""
        clean = re.sub(r"[^a-z0-9.]", "", local.lower()).strip(".") or "user"

        def draw() -> str:
            domain = EXAMPLE_DOMAINS[self.pick([5, 2, 2])]
            return f"{clean}{self.rng.integers(1, 1000)}@{domain}"

        return self.unique(draw)


class CnPeople(_Factory):
    """Consumers and companies living in mainland China."""

    def __init__(self, seed: int, as_of: date) -> None:
        super().__init__("zh_CN", seed, as_of)
        self._prefixes = [p for p, _ in CN_MOBILE_PREFIXES]
        self._prefix_weights = [w for _, w in CN_MOBILE_PREFIXES]

    def place(self) -> tuple[CnProvince, CnCity, tuple[str, str]]:
        prov = CN_PROVINCES[self.pick([p.weight for p in CN_PROVINCES])]
        city = prov.cities[int(self.rng.integers(len(prov.cities)))]
        return prov, city, city.districts[int(self.rng.integers(len(city.districts)))]

    def address(self, prov: CnProvince, city: CnCity, district: str) -> str:
        head = prov.full + ("" if city.name == prov.full else city.name) + district
        street = f"{self.fake.street_name()}{self.rng.integers(1, 999)}号"
        if self.chance(0.6):
            unit = f"{self.rng.integers(1, 33)}{self.rng.integers(1, 5):02d}"
            street += f"{self.rng.integers(1, 30)}栋{unit}室"
        return head + street

    def mobile(self) -> str:
        def draw() -> str:
            prefix = self._prefixes[self.pick(self._prefix_weights)]
            return f"{prefix}{self.rng.integers(0, 10**8):08d}"

        number = self.unique(draw)
        style = self.pick([8, 1, 1])
        if style == 1:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        if style == 2:
            return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
        return number

    def resident_id(self, area: str, born: date, male: bool) -> str:
        def draw() -> str:
            seq = int(self.rng.integers(0, 500)) * 2 + (1 if male else 0)
            first17 = f"{area}{born:%Y%m%d}{seq:03d}"
            return first17 + cn_id_check_digit(first17)

        return self.unique(draw)

    def person(self) -> Person:
        prov, city, (district, code) = self.place()
        born = self.birth_date(20, 31, 62)
        male = self.chance(0.55)
        if self.chance(0.25):  # born elsewhere: the id carries the birthplace
            code = self.place()[2][1]
        phones = tuple(self.mobile() for _ in range(1 + self.chance(0.25)))
        emails = (self.email(self.fake.user_name()),) if self.chance(0.3) else ()
        return Person(
            name=self.fake.name_male() if male else self.fake.name_female(),
            birth_date=born,
            national_id=self.resident_id(code, born, male),
            phones=phones,
            emails=emails,
            address=self.address(prov, city, district),
            city=city.name,
            region=prov.short,
            postal_code=None,
            country="CN",
            jurisdiction="CN",
        )

    def landline(self, city: CnCity) -> str:
        def draw() -> str:
            first = int(self.rng.integers(2, 9))
            rest = int(self.rng.integers(0, 10 ** (city.local_digits - 1)))
            return f"{city.area_code}-{first}{rest:0{city.local_digits - 1}d}"

        return self.unique(draw)

    def company(self, number: int) -> Person:
        prov, city, (district, _) = self.place()
        short = city.name.removesuffix("市")
        name = self.unique(lambda: short + self.fake.company().removeprefix(short))
        phones = (self.landline(city),) + ((self.mobile(),) if self.chance(0.5) else ())
        mailbox = ("finance", "ap", "caiwu")[self.pick([3, 2, 2])]
        return Person(
            name=name,
            birth_date=None,
            national_id=None,
            phones=phones,
            emails=(f"{mailbox}{number:05d}@example.com",),
            address=self.address(prov, city, district),
            city=city.name,
            region=prov.short,
            postal_code=f"{city.postcode}{self.rng.integers(0, 100):02d}",
            country="CN",
            jurisdiction="CN",
            kind="company",
        )


class UsPeople(_Factory):
    """Consumers in a dozen US states."""

    def __init__(self, seed: int, as_of: date) -> None:
        super().__init__("en_US", seed, as_of)
        self._zh = Faker("zh_CN")
        self._zh.seed_instance(seed + 1)
        self._pools: dict[str, list[int]] = {}

    def phone(self, area: str) -> str:
        pool = self._pools.get(area)
        if not pool:  # a fresh shuffle of 555-0100..0199, used up before repeating
            pool = self._pools[area] = [int(x) for x in self.rng.permutation(100)]
        line = f"01{pool.pop():02d}"
        style = self.pick([4, 3, 3])
        if style == 1:
            return f"{area}-555-{line}"
        if style == 2:
            return f"+1 {area} 555 {line}"
        return f"({area}) 555-{line}"

    def name(self) -> tuple[str, str, str | None]:
        """Full name, e-mail local part and language."""
        if self.chance(0.05):
            name = self._zh.romanized_name()
            return name, name.replace(" ", "."), "zh-CN"
        first, last = self.fake.first_name(), self.fake.last_name()
        middle = f" {self.fake.random_uppercase_letter()}." if self.chance(0.2) else ""
        return f"{first}{middle} {last}", f"{first}.{last}", None

    def person(self) -> Person:
        state = US_STATES[self.pick([s.weight for s in US_STATES])]
        city = state.cities[int(self.rng.integers(len(state.cities)))]
        areas = city.area_codes
        phones = tuple(
            self.phone(areas[int(self.rng.integers(len(areas)))])
            for _ in range(1 + self.chance(0.3))
        )
        name, local, language = self.name()
        return Person(
            name=name,
            birth_date=self.birth_date(21, 41, 84) if self.chance(0.85) else None,
            national_id=None,
            phones=phones,
            emails=(self.email(local),) if self.chance(0.65) else (),
            address=self.fake.street_address(),
            city=city.name,
            region=state.code,
            postal_code=f"{self.rng.integers(city.zips[0], city.zips[1] + 1):05d}",
            country="US",
            jurisdiction=f"US-{state.code}",
            language=language,
        )


class UkPeople(_Factory):
    """Households in British cities."""

    def __init__(self, seed: int, as_of: date) -> None:
        super().__init__("en_GB", seed, as_of)
        self._pools: dict[str, list[int]] = {}

    def phone(self, area: str, prefix: str) -> str:
        pool = self._pools.get(area)
        if not pool:
            pool = self._pools[area] = [int(x) for x in self.rng.permutation(1000)]
        local = f"{prefix}{pool.pop():03d}"
        split = 4 if len(area) == 2 else 3
        groups = f"{local[:split]} {local[split:]}"
        style = self.pick([6, 2, 2])
        if style == 1:
            return f"+44 {area} {groups}"
        if style == 2:
            return f"0{area}{local}"
        return f"0{area} {groups}"

    def postcode(self, districts: tuple[str, ...]) -> str:
        outward = districts[int(self.rng.integers(len(districts)))]
        letters = self.rng.choice(list(UK_POSTCODE_LETTERS), size=2)
        return f"{outward} {self.rng.integers(1, 10)}{letters[0]}{letters[1]}"

    def person(self) -> Person:
        city = UK_CITIES[self.pick([c.weight for c in UK_CITIES])]
        first, last = self.fake.first_name(), self.fake.last_name()
        phones = tuple(
            self.phone(city.area, city.local_prefix) for _ in range(1 + self.chance(0.15))
        )
        return Person(
            name=f"{first} {last}",
            birth_date=self.birth_date(21, 45, 88) if self.chance(0.7) else None,
            national_id=None,
            phones=phones,
            emails=(self.email(f"{first}.{last}"),) if self.chance(0.6) else (),
            address=self.fake.street_address().replace("\n", ", "),
            city=city.name,
            region=city.nation,
            postal_code=self.postcode(city.districts),
            country="GB",
            jurisdiction="GB",
        )
