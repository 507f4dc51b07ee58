"""Champion/challenger results: recovery per arm, the lift, its confidence interval and a verdict.

For each experiment the accounts in it at the start of the period (their arm
and balance then) are followed: collected is what they paid in the period.
Per arm: accounts, base balance, collected, recovery rate (collected ÷ base),
amount per account, contacts and cost per account.

The lift of a challenger is its recovery rate ÷ the champion's − 1. A
recovery rate is a ratio of two sums over accounts, whose variance comes from
the delta method (Var R ≈ Σ(c − R·b)² ÷ (n(n−1)·b̄²)); the lift's 95 % interval
is taken on the log of the ratio of rates, and the p-value is the two-sided
normal test of log ratio = 0. Arms of a few accounts are reported without a
verdict (MIN_ACCOUNTS).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import polars as pl

from arrears.analytics.measures import share

Z95 = 1.959963984540054
MIN_ACCOUNTS = 30
ALPHA = 0.05


def arm_results(cohort: pl.DataFrame, payments: pl.DataFrame,
                work: pl.DataFrame | None = None) -> pl.DataFrame:  # fmt: skip
    """Per experiment, currency and arm: accounts, base, collected, rates and their variance.

    ``cohort``: account_id, experiment, arm, currency, base_minor.
    ``work``: account_id, attempts, cost_minor (optional, per account).
    """
    paid = payments.group_by("account_id").agg(pl.col("amount_minor").sum().alias("collected"))
    rows = cohort.join(paid, on="account_id", how="left").with_columns(
        pl.col("collected").fill_null(0)
    )
    if work is not None:
        rows = rows.join(work, on="account_id", how="left")
    else:
        rows = rows.with_columns(pl.lit(0).alias("attempts"), pl.lit(0).alias("cost_minor"))
    rows = rows.with_columns(pl.col("attempts", "cost_minor").fill_null(0))
    keys = ("experiment", "currency", "arm")
    rate = pl.col("collected").sum() / pl.col("base_minor").sum()
    resid = pl.col("collected") - rate * pl.col("base_minor")
    n = pl.len()
    return (
        rows.group_by(*keys)
        .agg(
            n.cast(pl.Int64).alias("accounts"),
            pl.col("base_minor").sum(),
            pl.col("collected").sum().alias("collected_minor"),
            pl.col("attempts").sum().cast(pl.Int64).alias("contacts"),
            pl.col("cost_minor").sum(),
            ((resid**2).sum() / (n * (n - 1)) / pl.col("base_minor").mean() ** 2).alias("rate_var"),
        )
        .with_columns(
            share("collected_minor", "base_minor").alias("recovery_rate"),
            (pl.col("collected_minor") // pl.col("accounts")).alias("per_account_minor"),
            share("contacts", "accounts").alias("contacts_per_account"),
        )
        .sort(*keys)
    )


def _lift(champ: dict[str, float], chall: dict[str, float]) -> dict[str, float | None]:
    r0, r1 = champ["recovery_rate"], chall["recovery_rate"]
    small = min(champ["accounts"], chall["accounts"]) < MIN_ACCOUNTS
    if not r0 or not r1 or small:
        return {"lift": (r1 / r0 - 1) if r0 and r1 else None, "low": None, "high": None, "p": None}
    se = math.sqrt(champ["rate_var"] / r0**2 + chall["rate_var"] / r1**2)
    log_ratio = math.log(r1 / r0)
    p = math.erfc(abs(log_ratio / se) / math.sqrt(2)) if se > 0 else 0.0
    return {"lift": r1 / r0 - 1, "low": math.exp(log_ratio - Z95 * se) - 1,
            "high": math.exp(log_ratio + Z95 * se) - 1, "p": p}  # fmt: skip


def compare(arms: pl.DataFrame, champions: Mapping[str, str], days: int) -> pl.DataFrame:
    """One row per challenger arm: lift over the champion, 95 % CI, p-value and verdicts."""
    out = []
    for (experiment, currency), group in arms.group_by(
        "experiment", "currency", maintain_order=True
    ):
        rows = {r["arm"]: r for r in group.iter_rows(named=True)}
        champion = champions.get(str(experiment)) or sorted(rows)[0]
        if champion not in rows:
            continue
        for arm, row in rows.items():
            if arm == champion:
                continue
            lift = _lift(rows[champion], row)
            out.append({"experiment": experiment, "currency": currency, "champion": champion,
                        "challenger": arm, **lift, "days": days,
                        "verdict_en": verdict(arm, lift, days, "en-US"),
                        "verdict_zh": verdict(arm, lift, days, "zh-CN")})  # fmt: skip
    schema = {"experiment": pl.String, "currency": pl.String, "champion": pl.String,
              "challenger": pl.String, "lift": pl.Float64, "low": pl.Float64,
              "high": pl.Float64, "p": pl.Float64, "days": pl.Int64,
              "verdict_en": pl.String, "verdict_zh": pl.String}  # fmt: skip
    return pl.DataFrame(out, schema=schema)


def _pct(x: float) -> str:
    return f"{abs(x) * 100:.1f}"


def verdict(arm: str, lift: Mapping[str, float | None], days: int, locale: str) -> str:
    """A sentence a manager reads: the lift, its interval, whether it is significant."""
    value, low, high, p = lift["lift"], lift["low"], lift["high"], lift["p"]
    zh = locale.lower().startswith("zh")
    if value is None or low is None or high is None or p is None:
        return (
            f"挑战者 {arm}：样本太少，{days} 天后尚无结论"
            if zh
            else f"challenger {arm}: too few accounts for a verdict after {days} days"
        )
    more = value >= 0
    ci = f"{low * 100:.1f}-{high * 100:.1f} %"
    if p >= ALPHA:
        return (f"挑战者 {arm} 与冠军无显著差异（{'高' if more else '低'} {_pct(value)} %，"
                f"95 % 置信区间 {ci}，{days} 天）" if zh else
                f"challenger {arm} shows no significant difference ({'+' if more else '-'}"
                f"{_pct(value)} %, 95 % CI {ci}, after {days} days)")  # fmt: skip
    if zh:
        return (
            f"挑战者 {arm} 回收率{'高' if more else '低'} {_pct(value)} %，"
            f"95 % 置信区间 {ci}，{days} 天后"
        )
    return (
        f"challenger {arm} recovers {_pct(value)} % {'more' if more else 'less'}, "
        f"95 % CI {ci}, after {days} days"
    )
