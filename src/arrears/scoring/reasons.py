"""Reason codes: why an account scored what it scored, in a collector's words.

A model's contribution of feature *j* to account *i* is how far that feature
moved the account's log-odds of paying away from the average account:
LightGBM computes it exactly for trees (``pred_contrib=True``, TreeSHAP); the
scorecard's is ``coefficient × WOE`` of the account's bin. The reasons of an
account are its largest contributions, positive (more likely to pay) or
negative (less likely), kept as data — feature, value, contribution — and
rendered in the reader's language when shown, so a stored score can be read
in zh-CN and en-US alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from arrears.core.money import Money

Phrase = Callable[[float | None, str], str]
LOCALES = ("en-US", "zh-CN")
TOP = 3


def top_reasons(
    contributions: npt.NDArray[np.float64],
    values: npt.NDArray[np.float64],
    names: Sequence[str],
    top: int = TOP,
) -> list[list[dict[str, Any]]]:
    """Per row the ``top`` features by absolute contribution: feature, value, contribution."""
    order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top]
    out = []
    for i, row in enumerate(order):
        reasons = []
        for j in row:
            c = float(contributions[i, j])
            if c == 0.0:
                continue
            v = float(values[i, j])
            reasons.append({"feature": names[j], "value": None if np.isnan(v) else v,
                            "contribution": round(c, 4)})  # fmt: skip
        out.append(reasons)
    return out


def _n(value: float | None) -> int:
    return 0 if value is None else round(value)


def _count(en: str, zh: str, en_none: str, zh_none: str) -> Phrase:
    """A count: "paid 3 times ..." or, at zero, "no payment ..."."""

    def phrase(value: float | None, locale: str) -> str:
        n = _n(value)
        if n <= 0:
            return zh_none if locale == "zh-CN" else en_none
        return (zh if locale == "zh-CN" else en).format(n=n, s="" if n == 1 else "s")

    return phrase


def _days(en: str, zh: str, en_never: str, zh_never: str) -> Phrase:
    """A recency: "last paid 12 days ago" or, when it never happened, "has never paid"."""

    def phrase(value: float | None, locale: str) -> str:
        if value is None or value < 0:
            return zh_never if locale == "zh-CN" else en_never
        return (zh if locale == "zh-CN" else en).format(n=_n(value))

    return phrase


def _percent(en: str, zh: str, en_zero: str, zh_zero: str, sign: int = 1) -> Phrase:
    def phrase(value: float | None, locale: str) -> str:
        pct = round(100 * sign * (value or 0.0))
        if pct <= 0:
            return zh_zero if locale == "zh-CN" else en_zero
        return (zh if locale == "zh-CN" else en).format(p=pct)

    return phrase


def _flag(en_yes: str, zh_yes: str, en_no: str, zh_no: str) -> Phrase:
    def phrase(value: float | None, locale: str) -> str:
        if value:
            return zh_yes if locale == "zh-CN" else en_yes
        return zh_no if locale == "zh-CN" else en_no

    return phrase


def _broken(value: float | None, locale: str) -> str:
    if value is None or value < 0:
        return "无违约承诺" if locale == "zh-CN" else "no broken promise"
    if value <= 7:
        return "上周有承诺违约" if locale == "zh-CN" else "promise broken last week"
    n = _n(value)
    return f"{n}天前承诺违约" if locale == "zh-CN" else f"promise broken {n} days ago"


PHRASES: dict[str, Phrase] = {
    "dpd": _days("{n} days past due", "已逾期{n}天", "not yet due", "尚未到期"),
    "balance_to_original": _percent("{p}% of the original amount still owed",
                                    "仍欠原始金额的{p}%", "nothing left of the original amount",
                                    "原始金额已还清"),
    "days_since_opened": _days("account opened {n} days ago", "开户{n}天", "opening date unknown",
                               "开户日期未知"),
    "charged_off": _flag("charged off by the creditor", "已被债权人核销", "not charged off",
                         "未核销"),
    "payments_30d": _count("paid {n} time{s} in the last 30 days", "近30天还款{n}次",
                           "no payment in the last 30 days", "近30天没有还款"),
    "payments_90d": _count("paid {n} time{s} in the last 90 days", "近90天还款{n}次",
                           "no payment in the last 90 days", "近90天没有还款"),
    "payments_180d": _count("paid {n} time{s} in the last 180 days", "近180天还款{n}次",
                            "no payment in the last 180 days", "近180天没有还款"),
    "paid_share_90d": _percent("paid {p}% of the debt in the last 90 days",
                               "近90天已还欠款的{p}%", "no payment in the last 90 days",
                               "近90天没有还款"),
    "days_since_last_payment": _days("last paid {n} days ago", "{n}天前最后一次还款",
                                     "has never paid", "从未还款"),
    "balance_change_30d": _percent("balance fell {p}% in the last 30 days",
                                   "近30天余额下降{p}%", "balance not reduced in the last 30 days",
                                   "近30天余额未减少", sign=-1),
    "contacts_30d": _count("contacted {n} time{s} in the last 30 days", "近30天联系{n}次",
                           "not contacted in the last 30 days", "近30天未联系"),
    "conversations_30d": _count("spoke with us {n} time{s} in the last 30 days",
                                "近30天接通{n}次", "no conversation in the last 30 days",
                                "近30天未接通"),
    "unanswered_30d": _count("{n} unanswered call{s} in the last 30 days", "近30天{n}次未接听",
                             "no unanswered calls in the last 30 days", "近30天没有未接来电"),
    "replies_30d": _count("replied {n} time{s} in the last 30 days", "近30天回复{n}次",
                          "no reply in the last 30 days", "近30天没有回复"),
    "bounced_30d": _count("{n} message{s} bounced in the last 30 days", "近30天{n}条消息发送失败",
                          "messages reach the debtor", "消息均送达"),
    "days_since_last_contact": _days("last contacted {n} days ago", "{n}天前最后联系",
                                     "never contacted", "从未联系"),
    "days_since_last_conversation": _days("last spoke with us {n} days ago", "{n}天前最后通话",
                                          "never reached by phone", "从未接通电话"),
    "promises_kept": _count("kept {n} promise{s} to pay", "履行还款承诺{n}次",
                            "no promise kept yet", "尚无履约记录"),
    "promises_broken": _count("broke {n} promise{s} to pay", "违约{n}次",
                              "no broken promise", "无违约承诺"),
    "days_since_promise_broken": _broken,
    "promise_pending": _flag("a promise to pay is pending", "有待履行的还款承诺",
                             "no promise pending", "无待履行承诺"),
}  # fmt: skip

EFFECT = {
    "en-US": ("more likely to pay", "less likely to pay"),
    "zh-CN": ("还款可能性上升", "还款可能性下降"),
}


def _balance(value: float | None, locale: str, currency: str | None) -> str:
    minor = _n(value)
    if currency:
        amount = Money(minor, currency).format(locale.replace("-", "_"))
    else:
        amount = f"{minor} (minor units)"
    return f"欠款{amount}" if locale == "zh-CN" else f"owes {amount}"


def describe(reason: Mapping[str, Any], locale: str = "en-US", currency: str | None = None) -> str:
    """One reason in words: "paid 3 times in the last 90 days — more likely to pay"."""
    feature, value = str(reason["feature"]), reason.get("value")
    value = None if value is None else float(value)
    if feature == "balance_minor":
        text = _balance(value, locale, currency)
    elif feature in PHRASES:
        text = PHRASES[feature](value, locale)
    else:  # a feature of a foreign data set (the real-data benchmark)
        text = f"{feature} = {value:g}" if value is not None else f"{feature} missing"
    up, down = EFFECT.get(locale, EFFECT["en-US"])
    joiner = "——" if locale == "zh-CN" else " — "
    return text + joiner + (up if float(reason.get("contribution", 0.0)) > 0 else down)


def describe_all(
    reasons: Sequence[Mapping[str, Any]], locale: str = "en-US", currency: str | None = None
) -> list[str]:
    return [describe(r, locale, currency) for r in reasons]
