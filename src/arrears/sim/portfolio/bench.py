"""``canonical_accounts_frame``: many canonical account rows, fast, for benchmarks.

Everything is drawn with numpy for all rows at once and assembled into text
with polars expressions: no per-row Python, no faker. About 55 % of the debtors
live in China (CNY, a first-party consumer book) and 45 % in the US (USD, an
agency book), with the same balance, ageing, charge and multi-account models as
the demo (see :mod:`book`). Names are built from common Chinese surnames and
given-name characters or US first and last names; resident ids are valid (area
of a real district, birth date, sequence numbered within area and birth date so
that they are unique, GB 11643 check digit); Chinese mobiles use real operator
prefixes and US numbers the fictional ``555-01xx`` lines of the city's area
codes (so US numbers repeat across debtors: with ``debtor_ref`` set, they are
not used to match debtors). E-mails are unique, on example.com / .org.

Every column of the canonical accounts format is present, as ``String``
(null where the value is absent); amounts are written ``1234.56`` from integer
minor units, dates ISO.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from arrears.sim.portfolio import cn_consumer, us_agency
from arrears.sim.portfolio.book import (
    FIRST_PARTY,
    PLACED,
    Book,
    Product,
    assign_owners,
    charge_off,
    day,
    older_last_payments,
    sample_book,
)
from arrears.sim.portfolio.geo import CN_MOBILE_PREFIXES, CN_PROVINCES, US_STATES

ACCOUNT_COLUMNS = (
    "account_ref", "debtor_ref", "debtor_kind", "name", "national_id", "birth_date", "phones",
    "emails", "address", "city", "region", "postal_code", "country", "language", "currency",
    "principal", "interest", "fees", "costs", "original_amount", "opened_on", "due_on",
    "charged_off_on", "last_payment_on", "last_payment_amount", "product", "jurisdiction",
    "source", "invoice_no", "invoice_date",
)  # fmt: skip

CN_SHARE = 0.55
_CHECK = np.array(list("10X98765432"))
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_POW10 = 10 ** np.arange(16, -1, -1, dtype=np.int64)

CN_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
CN_GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文辉玉萍鹏飞宇浩然欣怡子涵梓轩思雨晨阳嘉琪"
)
CN_STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "长江路",
    "黄河路",
    "新华路",
    "文化路",
    "胜利路",
)
US_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "Jose",
    "Ana",
    "Kevin",
    "Emily",
    "Brian",
    "Ashley",
    "Daniel",
    "Michelle",
    "Anthony",
    "Amanda",
    "Mark",
    "Melissa",
    "Wei",
    "Mei",
    "Jamal",
    "Aaliyah",
    "Luis",
    "Sofia",
    "Tyler",
    "Hannah",
)
US_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Chen",
    "Kim",
)
US_STREETS = ("Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Pine")
US_SUFFIXES = ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct", "Way")
_CN_PRODUCTS: tuple[Product, ...] = cn_consumer.PRODUCTS
_US_PRODUCTS: tuple[Product, ...] = us_agency.PRODUCTS
SOURCES = (("creditor", 0.8), ("bureau", 0.12), ("self_reported", 0.05), ("skip_trace", 0.03))

I64 = npt.NDArray[np.int64]


def _pick(rng: np.random.Generator, n: int, weights: list[float]) -> I64:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum()).astype(np.int64)


def _take(values: list[str] | tuple[str, ...], idx: I64) -> pl.Series:
    return pl.Series(np.asarray(values, dtype=object)[idx], dtype=pl.String)


def _cn_districts() -> pl.DataFrame:
    rows = [
        (p.short, p.full, c.name, d, code, p.weight / len(p.cities) / len(c.districts))
        for p in CN_PROVINCES
        for c in p.cities
        for d, code in c.districts
    ]
    cols = ("region", "province", "city", "district", "code", "weight")
    return pl.DataFrame(rows, schema=list(cols), orient="row")


def _us_places() -> pl.DataFrame:
    rows = [
        (s.code, c.name, a, c.zips[0], c.zips[1], s.weight / len(s.cities) / len(c.area_codes))
        for s in US_STATES
        for c in s.cities
        for a in c.area_codes
    ]
    cols = ("region", "city", "area", "zip_lo", "zip_hi", "weight")
    return pl.DataFrame(rows, schema=list(cols), orient="row")


def _resident_ids(
    area: I64, born: npt.NDArray[np.datetime64], male: npt.NDArray[np.bool_]
) -> pl.Series:
    """Valid, unique 18-character ids: sequence numbered within (area, birth date)."""
    key = area * 100_000 + born.astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = np.arange(len(key)) - np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    seq = (rank % 500) * 2 + male.astype(np.int64)
    ymd = pl.Series(born).dt.strftime("%Y%m%d").cast(pl.Int64).to_numpy()
    first17 = area * 10**11 + ymd * 1000 + seq
    digits = (first17[:, None] // _POW10[None, :]) % 10
    check = _CHECK[(digits @ _WEIGHTS) % 11]
    return pl.Series(first17).cast(pl.String) + pl.Series(check, dtype=pl.String)


def _cn_debtors(rng: np.random.Generator, n: int, as_of: date) -> pl.DataFrame:
    places = _cn_districts()
    where = places[_pick(rng, n, places["weight"].to_list())]
    born = day(as_of) - (rng.triangular(20, 31, 62, n) * 365.25).astype("timedelta64[D]")
    male = rng.random(n) < 0.55
    two_chars = rng.random(n) < 0.7
    given = _take(CN_GIVEN, rng.integers(0, len(CN_GIVEN), n))
    given2 = _take(CN_GIVEN, rng.integers(0, len(CN_GIVEN), n))
    name = _take(CN_SURNAMES, rng.integers(0, len(CN_SURNAMES), n)) + given
    prefixes = [p for p, _ in CN_MOBILE_PREFIXES]
    prefix = np.asarray(prefixes, dtype=np.int64)[_pick(rng, n, [w for _, w in CN_MOBILE_PREFIXES])]
    mobile = prefix * 10**8 + rng.integers(0, 10**8, n)
    street = _take(CN_STREETS, rng.integers(0, len(CN_STREETS), n))
    number = pl.Series(rng.integers(1, 999, n)).cast(pl.String)
    same_city = where["province"] == where["city"]
    return pl.DataFrame(
        {
            "name": pl.select(
                pl.when(pl.Series(two_chars)).then(name + given2).otherwise(name)
            ).to_series(),
            "national_id": _resident_ids(where["code"].cast(pl.Int64).to_numpy(), born, male),
            "birth_date": pl.Series(born).dt.strftime("%Y-%m-%d"),
            "phones": pl.Series(mobile).cast(pl.String),
            "address": where["province"]
            + pl.select(pl.when(same_city).then(pl.lit("")).otherwise(where["city"])).to_series()
            + where["district"]
            + street
            + number
            + "号",
            "city": where["city"],
            "region": where["region"],
            "postal_code": _const(None, n),
            "country": _const("CN", n),
            "jurisdiction": _const("CN", n),
            "currency": _const("CNY", n),
        }
    )


def _us_debtors(rng: np.random.Generator, n: int, as_of: date) -> pl.DataFrame:
    places = _us_places()
    where = places[_pick(rng, n, places["weight"].to_list())]
    born = day(as_of) - (rng.triangular(21, 41, 84, n) * 365.25).astype("timedelta64[D]")
    first = _take(US_FIRST, rng.integers(0, len(US_FIRST), n))
    last = _take(US_LAST, rng.integers(0, len(US_LAST), n))
    line = pl.Series(rng.integers(0, 100, n)).cast(pl.String).str.zfill(2)
    lo, hi = where["zip_lo"].to_numpy(), where["zip_hi"].to_numpy()
    zips = pl.Series(lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64))
    street = (
        pl.Series(rng.integers(1, 9999, n)).cast(pl.String)
        + " "
        + _take(US_STREETS, rng.integers(0, len(US_STREETS), n))
        + " "
        + _take(US_SUFFIXES, rng.integers(0, len(US_SUFFIXES), n))
    )
    return pl.DataFrame(
        {
            "name": first + " " + last,
            "national_id": _const(None, n),
            "birth_date": pl.Series(born).dt.strftime("%Y-%m-%d"),
            "phones": "(" + where["area"] + ") 555-01" + line,
            "address": street,
            "city": where["city"],
            "region": where["region"],
            "postal_code": zips.cast(pl.String).str.zfill(5),
            "country": _const("US", n),
            "jurisdiction": "US-" + where["region"],
            "currency": _const("USD", n),
        }
    )


def _debtors(
    rng: np.random.Generator, count: int, as_of: date
) -> tuple[pl.DataFrame, npt.NDArray[np.bool_]]:
    """One row per debtor, in debtor order; and which debtors live in China."""
    is_cn = rng.random(count) < CN_SHARE
    cn = _cn_debtors(rng, int(is_cn.sum()), as_of)
    us = _us_debtors(rng, int((~is_cn).sum()), as_of)
    both = pl.concat(
        [
            cn.with_columns(_pos=pl.Series(np.flatnonzero(is_cn))),
            us.with_columns(_pos=pl.Series(np.flatnonzero(~is_cn))),
        ]
    ).sort("_pos")
    chinese = pl.col("currency") == "CNY"
    domain = pl.when(chinese).then(pl.lit("example.com")).otherwise(pl.lit("example.org"))
    has_email = pl.lit(pl.Series(rng.random(count) < 0.5))
    email = pl.when(has_email).then(pl.format("debtor{}@{}", pl.col("_pos") + 1, domain))
    return both.with_columns(emails=email).drop("_pos"), is_cn


def _merge(a: Book, b: Book, first: npt.NDArray[np.bool_]) -> Book:
    """Interleave two books: ``a`` where ``first``, ``b`` elsewhere."""
    fields: dict[str, Any] = {}
    for name in Book.__dataclass_fields__:
        left, right = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        out = np.empty(len(first), dtype=object if name == "product" else left.dtype)
        out[first], out[~first] = left, right
        fields[name] = out.tolist() if name == "product" else out
    return Book(**fields)


def _book(rng: np.random.Generator, cn: npt.NDArray[np.bool_], as_of: date) -> Book:
    """Chinese accounts on the consumer lender's model, US ones on the agency's."""
    cn_book = sample_book(rng, int(cn.sum()), _CN_PRODUCTS, FIRST_PARTY, as_of)
    us_book = sample_book(rng, int((~cn).sum()), _US_PRODUCTS, PLACED, as_of)
    charge_off(us_book, 180)
    book = _merge(cn_book, us_book, cn)
    older_last_payments(rng, book, np.ones(len(cn), dtype=bool), 0.4, as_of)
    return book


def _money(minor: I64) -> pl.Series:
    s = pl.Series(minor)
    return (s // 100).cast(pl.String) + "." + (s % 100).cast(pl.String).str.zfill(2)


def _iso(days: npt.NDArray[np.datetime64]) -> pl.Series:
    return pl.Series(days.astype("datetime64[D]")).dt.strftime("%Y-%m-%d")


def _const(value: str | None, n: int) -> pl.Series:
    return (
        pl.Series([value], dtype=pl.String).extend_constant(value, n - 1)
        if n
        else pl.Series([], dtype=pl.String)
    )


def canonical_accounts_frame(
    n: int, *, seed: int = 1, as_of: date, client_prefix: str = "B"
) -> pl.DataFrame:
    """``n`` canonical account rows (all columns, all ``String``), vectorised.

    ``account_ref`` is ``client_prefix`` + a 9-digit row number (unique);
    ``debtor_ref`` ``client_prefix`` + ``D`` + the debtor number. About 10 % of
    debtors hold 2-3 adjacent accounts.
    """
    rng = np.random.default_rng([seed, 97])
    owners = assign_owners(rng, n, 0.10)
    debtors, is_cn = _debtors(rng, int(owners[-1]) + 1 if n else 0, as_of)
    people = debtors.select(pl.all().gather(pl.Series(owners)))
    book = _book(rng, is_cn[owners], as_of)
    paid = ~np.isnat(book.last_payment_on)
    source = np.asarray([s for s, _ in SOURCES], dtype=object)[
        _pick(rng, n, [w for _, w in SOURCES])
    ]
    frame = people.with_columns(
        account_ref=client_prefix + pl.Series(np.arange(1, n + 1)).cast(pl.String).str.zfill(9),
        debtor_ref=client_prefix + "D" + pl.Series(owners + 1).cast(pl.String).str.zfill(8),
        debtor_kind=_const("person", n),
        language=_const(None, n),
        principal=_money(book.principal),
        interest=_money(book.interest),
        fees=_money(book.fees),
        costs=_const(None, n),
        original_amount=_money(book.original),
        opened_on=_iso(book.opened_on),
        due_on=_iso(book.due_on),
        charged_off_on=_iso(book.charged_off_on),
        last_payment_on=_iso(book.last_payment_on),
        last_payment_amount=pl.select(
            pl.when(pl.lit(pl.Series(paid))).then(pl.lit(_money(book.last_payment_amount)))
        ).to_series(),
        product=pl.Series(book.product, dtype=pl.String),
        source=pl.Series(source, dtype=pl.String),
        invoice_no=_const(None, n),
        invoice_date=_const(None, n),
    )
    return frame.select(ACCOUNT_COLUMNS)


def write_canonical_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write a canonical accounts frame as UTF-8 CSV with the canonical headers."""
    frame.write_csv(path)
