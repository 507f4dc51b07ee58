"""The dashboards and the reports each one draws (the pages, the benchmark and the tests agree).

``aging`` is the live ageing report (``analytics.service``); every other name is
a report of ``analytics.reports.SPECS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title_en: str
    title_zh: str
    reports: tuple[str, ...]


DASHBOARDS: dict[str, Dashboard] = {d.slug: d for d in (
    Dashboard("overview", "Portfolio overview", "资产组合概览", ("portfolio", "trend")),
    Dashboard("ageing", "Ageing", "账龄", ("aging",)),
    Dashboard("roll-rates", "Roll rates", "迁徙率", ("roll-rates", "cure-rate", "bad-debt")),
    Dashboard("vintages", "Vintages", "账龄回收曲线", ("vintages", "liquidation")),
    Dashboard("channels", "Channels and hours", "渠道与时段",
              ("contact-hours", "contact-channels", "deliveries", "best-time")),
    Dashboard("experiments", "Strategy experiments", "策略实验",
              ("experiment-verdicts", "experiments")),
    Dashboard("collectors", "Collector league", "催收员排行", ("productivity", "teams",
              "collected-vs-target", "promises", "rpc")),
    Dashboard("compliance", "Compliance", "合规",
              ("suppression", "disputes", "complaints", "overrides")),
    Dashboard("b2b", "B2B DSO and CEI", "B2B 周转天数与回收效率", ("dso", "invoice-ageing")),
)}  # fmt: skip
