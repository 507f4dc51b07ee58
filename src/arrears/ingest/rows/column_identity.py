"""Identity checks of account rows over columns: national ids, birth dates, name keys.

:func:`with_identity` accepts a row's national id where ``normalize_national_id``
(or ``clean_identifier`` for a company) would read it as written — a China
resident id with its check digit and a real birth date, a US SSN in an issued
range, any other id of capitals and digits — takes the birth date a China
resident id carries (or checks the one written against it), and gives the name
key of names ``name_key`` reads as lower case without spaces. Anything else
clears ``_ok``, and the row goes to the row validator (``rows.columns``).
"""

from __future__ import annotations

import polars as pl

_CN_ID = r"^[0-9]{17}[0-9X]$"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def with_identity(frame: pl.DataFrame) -> pl.DataFrame:
    """National ids as ``normalize_national_id`` or ``clean_identifier`` read them, the
    birth date a China resident id carries, and the name keys."""
    nid, country = pl.col("national_id"), pl.col("_country")
    person = pl.col("_debtor_kind") == "person"
    cn_shape = nid.str.contains(_CN_ID)
    cn = person & nid.is_not_null() & (country.eq_missing("CN") | (country.is_null() & cn_shape))
    us = person & nid.is_not_null() & country.eq_missing("US")
    birth = nid.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    total = pl.sum_horizontal(
        [nid.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(_WEIGHTS)]
    )
    check = (total % 11).replace_strict(
        list(range(11)), list(_CHECK), default=None, return_dtype=pl.String
    )
    cn_ok = (
        cn_shape
        & birth.is_not_null()
        & (birth.dt.strftime("%Y%m%d") == nid.str.slice(6, 8))
        & (nid.str.slice(6, 4) != "0000")
        & (check == nid.str.slice(17, 1))
    )
    area, group, serial = nid.str.slice(0, 3), nid.str.slice(3, 2), nid.str.slice(5, 4)
    us_ok = (
        nid.str.contains(r"^[0-9]{9}$")
        & ~area.is_in(["000", "666"])
        & (area < "900")
        & (group != "00")
        & (serial != "0000")
    )
    nid_ok = (
        nid.is_null()
        | (
            nid.str.contains(r"^[0-9A-Z]+$")
            & pl.when(cn).then(cn_ok).when(us).then(us_ok).otherwise(True)
        )
    ).fill_null(False)
    # A person's China resident id gives the birth date, or must agree with the one written.
    carries = person & nid.is_not_null() & (country.is_null() | country.eq_missing("CN")) & cn_shape
    written = pl.col("_birth_date")
    agrees = ~carries | written.is_null() | (written == birth)
    simple_name = pl.col("name").str.contains(r"^[\x20-\x7e\p{Han}]+$")
    return frame.with_columns(
        _ok=pl.col("_ok") & nid_ok & agrees.fill_null(False),
        _birth=pl.when(carries & written.is_null()).then(birth).otherwise(written),
        _name_key=pl.when(simple_name)
        .then(pl.col("name").str.to_lowercase().str.replace_all(" ", "", literal=True))
        .otherwise(None),
    )
