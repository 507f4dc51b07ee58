"""The accrual arithmetic over frames: terms per account, stops, stretches, amounts, fees.

Vectorised over all accounts of a run. Every *rule* is the one in
:mod:`arrears.core.interest`, evaluated once per distinct key (client, product,
jurisdiction; contract and due dates; calendar days) and joined back, or, for
stops and fees, only for the few accounts that have a hold or a fee falling due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from arrears.core import interest as core
from arrears.core.money import Money
from arrears.payments.interest.config import InterestConfig

_SEGMENT_SCHEMA = {
    "account_id": pl.Int64(),
    "first": pl.Date(),
    "last": pl.Date(),
    "reason": pl.String(),
    "rule": pl.String(),
    "citation": pl.String(),
    "priority": pl.Int64(),
}


@dataclass
class _Key:
    """What accounts of one client, product and jurisdiction share."""

    terms: core.ContractTerms | None
    law: core.JurisdictionRules | None


def _keys(frame: pl.DataFrame, config: InterestConfig) -> tuple[pl.DataFrame, list[_Key]]:
    """One row per (client, product, jurisdiction) with the terms and law found for it."""
    distinct = frame.select("client_code", "product", "jurisdiction").unique()
    keys: list[_Key] = []
    rows = []
    for client, product, jurisdiction in distinct.iter_rows():
        terms = core.terms_for(client, product, config.terms)
        law = core.rules_for(jurisdiction, config.books)
        rows.append({
            "client_code": client, "product": product, "jurisdiction": jurisdiction,
            "key": len(keys),
            "convention": terms.day_count.value if terms else None,
            "den": core.denominator_of(terms.day_count) if terms else 1,
            "from_due": bool(terms and terms.accrue_from == "due_date"),
        })  # fmt: skip
        keys.append(_Key(terms, law))
    schema = {"client_code": pl.String(), "product": pl.String(), "jurisdiction": pl.String(),
              "key": pl.Int64(), "convention": pl.String(), "den": pl.Int64(),
              "from_due": pl.Boolean()}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row"), keys


_RATE_SCHEMA = {
    "key": pl.Int64(),
    "opened_on": pl.Date(),
    "due_on": pl.Date(),
    "rate_units": pl.Int64(),
    "rate": pl.String(),
    "contract_rate": pl.String(),
    "cap_rate": pl.String(),
    "rate_rule": pl.String(),
    "rate_citation": pl.String(),
}


def _rates(frame: pl.DataFrame, keys: list[_Key], config: InterestConfig) -> pl.DataFrame:
    """Per (key, opened_on, due_on): the rate decision of core.decide_rate."""
    rows = []
    for key, opened_on, due_on in frame.select("key", "opened_on", "due_on").unique().iter_rows():
        item = keys[key]
        if item.terms is None or item.law is None:
            continue
        decision = core.decide_rate(
            item.terms, item.law, contract_on=opened_on, due_on=due_on,
            references=config.references,
        )  # fmt: skip
        cap = None if decision.cap_rate is None else str(decision.cap_rate)
        rows.append((key, opened_on, due_on, core.rate_units(decision.rate), str(decision.rate),
                     str(decision.contract_rate), cap, decision.binding.rule,
                     decision.binding.citation))  # fmt: skip
    return pl.DataFrame(rows, schema=_RATE_SCHEMA, orient="row")


def _stops(accounts: pl.DataFrame, holds: dict[int, list[Any]], keys: list[_Key]) -> pl.DataFrame:
    """Stopped stretches: core.stop_intervals for accounts that may have any, plus no terms/law."""
    rows: list[tuple[Any, ...]] = []
    order = {reason.value: i for i, reason in enumerate(core.STOP_ORDER)}
    maybe = accounts.filter(
        pl.col("account_id").is_in(list(holds)) | pl.col("status").is_in(list(core.STATUS_STOPS))
        | pl.col("charged_off_on").is_not_null() | (pl.col("status") == "written_off")
        | pl.col("rate_units").is_null()
    )  # fmt: skip
    columns = ("account_id", "key", "status", "charged_off_on", "start", "rate_units")
    for account_id, key, status, charged_off_on, start, units in maybe.select(columns).iter_rows():
        item = keys[key]
        if item.law is None or item.terms is None or units is None:
            reason = core.StopReason.NO_LAW if item.law is None else core.StopReason.NO_TERMS
            ref = core.NO_LAW if item.law is None else (item.law.authorization or core.NO_TERMS)
            rows.append((account_id, start, None, reason.value, ref.rule, ref.citation,
                         order[reason.value]))  # fmt: skip
            continue
        for interval in core.stop_intervals(
            holds=holds.get(account_id, []), status=status, charged_off_on=charged_off_on,
            stop_after_charge_off=item.terms.stop_after_charge_off, stops=item.law.stops,
            from_day=start,
        ):  # fmt: skip
            kind, why = interval.reason.value, interval.ref
            rows.append((account_id, interval.first, interval.last, kind, why.rule,
                         why.citation, order[kind]))  # fmt: skip
    return pl.DataFrame(rows, schema=_SEGMENT_SCHEMA, orient="row")


def _segments(accounts: pl.DataFrame, stopped: pl.DataFrame) -> pl.DataFrame:
    """Cut each account's days start..end at every stop boundary; name each stretch's stop."""
    span = accounts.select("account_id", "start", "end")
    clipped = (
        stopped.join(span, on="account_id")
        .with_columns(
            pl.max_horizontal("first", "start").alias("first"),
            pl.min_horizontal(pl.col("last").fill_null(pl.col("end")), "end").alias("last"),
        )
        .filter(pl.col("first") <= pl.col("last"))
    )
    one_day = timedelta(days=1)
    cuts = pl.concat([
        span.select("account_id", pl.col("start").alias("first")),
        clipped.select("account_id", "first"),
        clipped.filter(pl.col("last") < pl.col("end"))
        .select("account_id", (pl.col("last") + one_day).alias("first")),
    ]).unique()  # fmt: skip
    segments = (
        cuts.join(span.select("account_id", "end"), on="account_id")
        .sort("account_id", "first")
        .with_columns(
            pl.coalesce(
                pl.col("first").shift(-1).over("account_id") - one_day, pl.col("end")
            ).alias("last")
        )
        .drop("end")
    )
    covering = (
        segments.join(clipped.select("account_id", pl.col("first").alias("s_first"),
                                     pl.col("last").alias("s_last"), "reason", "rule", "citation",
                                     "priority"), on="account_id")
        .filter((pl.col("s_first") <= pl.col("first")) & (pl.col("first") <= pl.col("s_last")))
        .sort("priority")
        .group_by("account_id", "first", maintain_order=True)
        .first()
        .select("account_id", "first", "reason", "rule", "citation")
    )  # fmt: skip
    return segments.join(covering, on=["account_id", "first"], how="left")


def _potentials(days: pl.DataFrame) -> pl.DataFrame:
    """core.potential for each distinct (date, convention) in ``days``."""
    rows = [
        (day, conv, core.potential(day, core.DayCount(conv)))
        for day, conv in days.unique().iter_rows()
        if conv is not None
    ]
    schema = {"day": pl.Date(), "convention": pl.String(), "p": pl.Int64()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _amounts(segments: pl.DataFrame) -> pl.DataFrame:
    """Interest per stretch: exact numerators, then core.post on the running total.

    ``posted = (2 * total + den) // (2 * den)`` is :func:`arrears.core.interest.post`
    written over a frame (a test checks the two agree).
    """
    one_day = timedelta(days=1)
    ends = pl.concat([
        segments.select(pl.col("last").alias("day"), "convention"),
        segments.select((pl.col("first") - one_day).alias("day"), "convention"),
    ])  # fmt: skip
    p = _potentials(ends)
    i128 = pl.Int128()
    frame = (
        segments.join(p.rename({"day": "last", "p": "p_last"}), on=["last", "convention"],
                      how="left")
        .with_columns((pl.col("first") - one_day).alias("_prev"))
        .join(p.rename({"day": "_prev", "p": "p_prev"}), on=["_prev", "convention"], how="left")
        .with_columns((pl.col("p_last") - pl.col("p_prev")).fill_null(0).alias("count"))
        .with_columns(
            pl.when(pl.col("reason").is_null() & (pl.col("principal_minor") > 0))
            .then(pl.col("principal_minor").cast(i128) * pl.col("rate_units").cast(i128)
                  * pl.col("count").cast(i128))
            .otherwise(pl.lit(0, i128)).alias("numerator"),
            pl.col("den").cast(i128).alias("_den"),
        )
        .sort("account_id", "first")
        .with_columns(
            (pl.col("carry0").cast(i128) + pl.col("numerator").cum_sum().over("account_id"))
            .alias("_total")
        )
        .with_columns(((2 * pl.col("_total") + pl.col("_den")) // (2 * pl.col("_den")))
                      .alias("_posted"))
        .with_columns(
            (pl.col("_posted") - pl.col("_posted").shift(1, fill_value=0).over("account_id"))
            .cast(pl.Int64).alias("amount_minor"),
            (pl.col("_total") - pl.col("_posted") * pl.col("_den")).cast(pl.Int64).alias("carry"),
        )
    )  # fmt: skip
    return frame.drop("_prev", "_den", "_total", "_posted", "p_last", "p_prev", "numerator")


def _prepare(
    frame: pl.DataFrame, keyed: pl.DataFrame, rates: pl.DataFrame, through: date
) -> pl.DataFrame:
    """Terms and rate per account; the first accrual day (``start``) and the carry in.

    The first day is the day after the last accrued one; for an account never
    accrued, the day after its due date, or (``accrue_from: placement``) the day we
    received it if later: the imported balance already holds interest until then.
    A carry kept in another convention's units is converted as core.convert_carry.
    """
    one_day = timedelta(days=1)
    first_day = pl.col("due_on") + one_day
    placed = pl.max_horizontal(first_day, pl.col("created_at").dt.date())
    return (
        frame.join(keyed, on=["client_code", "product", "jurisdiction"], how="left",
                   nulls_equal=True)
        .join(rates, on=["key", "opened_on", "due_on"], how="left", nulls_equal=True)
        .with_columns(
            pl.coalesce(pl.col("accrued_through") + one_day,
                        pl.when(pl.col("from_due")).then(first_day).otherwise(placed))
            .alias("start"),
            pl.lit(through).alias("end"),
        )
        .filter(pl.col("start") <= pl.col("end"))
        .with_columns(
            pl.when(pl.col("carry_den").is_null() | (pl.col("carry_den") == pl.col("den")))
            .then(pl.col("carry").fill_null(0))
            .otherwise((pl.col("carry").cast(pl.Int128()) * pl.col("den"))
                       // pl.col("carry_den")).cast(pl.Int64).alias("carry0")
        )
    )  # fmt: skip


def _fees(accounts: pl.DataFrame, segments: pl.DataFrame, keys: list[_Key]) -> list[dict[str, Any]]:
    """Late-fee lines for accounts whose fee day falls in this run (core.late_fee decides)."""
    out: list[dict[str, Any]] = []
    with_fee = [i for i, k in enumerate(keys) if k.terms and k.terms.late_fee and k.law]
    if not with_fee:
        return out
    candidates = accounts.filter(pl.col("key").is_in(with_fee))
    for row in candidates.select("account_id", "key", "due_on", "start", "end", "currency",
                                 "principal_minor").iter_rows(named=True):  # fmt: skip
        item = keys[row["key"]]
        assert item.terms is not None and item.terms.late_fee is not None and item.law is not None
        day = core.fee_due_on(row["due_on"], item.terms.late_fee)
        if not row["start"] <= day <= row["end"]:
            continue
        out.append({"account_id": row["account_id"], "day": day, "currency": row["currency"],
                    "base": row["principal_minor"], "key": row["key"]})  # fmt: skip
    if not out:
        return []
    days = pl.DataFrame(out).select("account_id", "day")
    stopped = (
        days.join(segments.select("account_id", "first", "last", "reason", "rule", "citation"),
                  on="account_id")
        .filter((pl.col("first") <= pl.col("day")) & (pl.col("day") <= pl.col("last")))
    )  # fmt: skip
    stops = {r["account_id"]: r for r in stopped.iter_rows(named=True)}
    lines = []
    for fee in out:
        item = keys[fee["key"]]
        assert item.terms is not None and item.law is not None
        stop = stops.get(fee["account_id"])
        line = {"account_id": fee["account_id"], "kind": "late_fee", "period_from": fee["day"],
                "period_to": fee["day"], "days": 0, "base_minor": fee["base"],
                "currency": fee["currency"], "rate": None, "contract_rate": None,
                "cap_rate": None, "convention": None}  # fmt: skip
        if stop is not None and stop["reason"] is not None:
            lines.append({**line, "amount_minor": 0, "rule": stop["rule"],
                          "citation": stop["citation"], "stopped": stop["reason"]})  # fmt: skip
            continue
        decision = core.late_fee(item.terms.late_fee, item.law.late_fees,
                                 Money(fee["base"], fee["currency"]))  # fmt: skip
        lines.append({**line, "amount_minor": decision.amount_minor, "rule": decision.ref.rule,
                      "citation": decision.ref.citation,
                      "stopped": None if decision.amount_minor else "fee_not_allowed"})  # fmt: skip
    return lines


@dataclass(frozen=True)
class Computed:
    """What a run computed: accounts considered, interest stretches, late-fee lines."""

    accounts: int
    lines: pl.DataFrame
    fees: list[dict[str, Any]]


def compute(
    frame: pl.DataFrame, holds: dict[int, list[Any]], config: InterestConfig, through: date
) -> Computed:
    """The accrual of the candidate accounts ``frame`` (store query) through ``through``."""
    keyed, keys = _keys(frame, config)
    by_key = frame.join(keyed, on=["client_code", "product", "jurisdiction"], nulls_equal=True)
    accounts = _prepare(frame, keyed, _rates(by_key, keys, config), through)
    stretches = _segments(accounts, _stops(accounts, holds, keys))
    detail = stretches.join(
        accounts.select(
            "account_id", "currency", "principal_minor", "rate_units", "rate", "contract_rate",
            "cap_rate", "rate_rule", "rate_citation", "convention", "den", "carry0",
        ),
        on="account_id",
    )  # fmt: skip
    lines = _amounts(detail)
    return Computed(accounts.height, lines, _fees(accounts, lines, keys))
