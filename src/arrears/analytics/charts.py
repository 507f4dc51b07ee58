"""The charts of each dashboard, as plotly.js figures built from the report tables.

A figure is data (traces and layout) that the page puts in a
``<script type="application/json">`` block and ``static/dashboards.js`` draws
with the plotly.js bundled in the ``plotly`` package (no CDN, no inline script).
Amounts are plotted in major units of one currency per trace (a chart is a
picture; the tables beside it and the exports keep exact minor units), and
each trace is one client and currency, so currencies are never added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from arrears.analytics.measures.recovery import ORDER
from arrears.analytics.tables import ReportTable
from arrears.core.currency import exponent

Figure = dict[str, Any]
Label = Callable[[str], str]


def _major(frame: pl.DataFrame, column: str) -> list[float]:
    scale = [10 ** exponent(c) for c in frame["currency"]]
    return [m / s for m, s in zip(frame[column], scale, strict=True)]


def _groups(frame: pl.DataFrame, *keys: str) -> list[tuple[str, pl.DataFrame]]:
    present = [k for k in keys if k in frame.columns]
    if not present or frame.is_empty():
        return [("", frame)] if not frame.is_empty() else []
    out = []
    for key, part in frame.group_by(present, maintain_order=True):
        out.append((" · ".join(str(k) for k in key), part))
    return out


def _figure(title: str, traces: list[dict[str, Any]], **layout: Any) -> Figure:
    return {"title": title, "data": traces, "layout": {"margin": {"t": 30, "l": 60, "r": 20},
                                                        "height": 320, **layout}}  # fmt: skip


def trend(t: ReportTable, _: Label) -> list[Figure]:
    traces = [{"type": "scatter", "mode": "lines", "name": name,
               "x": [str(d) for d in p["as_of"]], "y": _major(p, "balance_minor")}
              for name, p in _groups(t.frame, "client", "currency")]  # fmt: skip
    return [_figure(_("Open balance by day"), traces)]


def aging(frame: pl.DataFrame, _: Label) -> list[Figure]:
    traces = [{"type": "bar", "name": name, "x": p["bucket"].to_list(), "y": _major(p, "balance")}
              for name, p in _groups(frame, "client", "currency")]  # fmt: skip
    return [_figure(_("Open balance by ageing bucket"), traces, barmode="group")]


def roll_rates(t: ReportTable, _: Label) -> list[Figure]:
    frame = t.frame
    if frame.is_empty():
        return []
    last = frame.filter(pl.col("month") == frame["month"].max())
    out = []
    for name, p in _groups(last, "client", "currency"):
        rows = [b for b in ORDER if b in set(p["bucket_from"])]
        cols = [b for b in ORDER if b in set(p["bucket_to"])]
        cell = {
            (r["bucket_from"], r["bucket_to"]): r["share_accounts"] for r in p.iter_rows(named=True)
        }
        z = [[cell.get((r, c)) for c in cols] for r in rows]
        heat = {"type": "heatmap", "x": cols, "y": rows, "z": z, "colorscale": "Blues",
                "reversescale": True, "zmin": 0, "zmax": 1}  # fmt: skip
        title = f"{_('Roll rates')} {last['month'][0]} · {name}"
        out.append(_figure(title, [heat], yaxis={"autorange": "reversed"}))
    return out


def vintages(t: ReportTable, _: Label) -> list[Figure]:
    out = []
    for name, part in _groups(t.frame, "client", "currency"):
        traces = [{"type": "scatter", "mode": "lines+markers", "name": cohort,
                   "x": p["month"].to_list(), "y": p["liquidation_rate"].to_list()}
                  for cohort, p in _groups(part, "cohort")]  # fmt: skip
        out.append(_figure(f"{_('Vintage curves')} · {name}", traces,
                           xaxis={"title": {"text": _("Months since placement")}},
                           yaxis={"tickformat": ".0%"}))  # fmt: skip
    return out


def channel_hours(t: ReportTable, _: Label) -> list[Figure]:
    frame = t.frame
    if frame.is_empty():
        return []
    summed = frame.group_by("channel", "hour").agg(pl.col("attempts", "contacts").sum())
    channels = sorted(summed["channel"].unique().to_list())
    hours = list(range(24))
    cell = {(r["channel"], r["hour"]): r["contacts"] / r["attempts"] if r["attempts"] else None
            for r in summed.iter_rows(named=True)}  # fmt: skip
    z = [[cell.get((c, h)) for h in hours] for c in channels]
    heat = {
        "type": "heatmap",
        "x": hours,
        "y": channels,
        "z": z,
        "colorscale": "Greens",
        "reversescale": True,
    }
    return [_figure(_("Contact rate by channel and hour"), [heat])]


def experiments(t: ReportTable, _: Label) -> list[Figure]:
    traces = [{"type": "bar", "name": name, "x": p["arm"].to_list(),
               "y": p["recovery_rate"].to_list()}
              for name, p in _groups(t.frame, "experiment", "currency")]  # fmt: skip
    return [_figure(_("Recovery rate by arm"), traces, yaxis={"tickformat": ".1%"})]


def league(t: ReportTable, _: Label) -> list[Figure]:
    frame = t.frame.sort("calls", descending=True).head(30)
    return [_figure(_("Calls against target"), [
        {"type": "bar", "name": _("Calls"), "x": frame["username"].to_list(),
         "y": frame["calls"].to_list()},
        {"type": "scatter", "mode": "markers", "name": _("Target"),
         "x": frame["username"].to_list(), "y": frame["calls_target"].to_list()}])]  # fmt: skip


def suppression(t: ReportTable, _: Label) -> list[Figure]:
    frame = t.frame.filter(pl.col("status") == "suppressed")
    traces = [{"type": "bar", "name": name, "x": p["suppressed_by"].to_list(),
               "y": p["actions"].to_list()} for name, p in _groups(frame, "client")]  # fmt: skip
    return [_figure(_("Suppressed actions by rule"), traces)]


def invoice_ageing(t: ReportTable, _: Label) -> list[Figure]:
    traces = [{"type": "bar", "name": name, "x": p["bucket"].to_list(),
               "y": _major(p, "open_minor")}
              for name, p in _groups(t.frame, "client", "currency")]  # fmt: skip
    return [_figure(_("Open invoices by ageing bucket"), traces, barmode="group")]


CHARTS: dict[str, Callable[[ReportTable, Label], list[Figure]]] = {
    "trend": trend, "roll-rates": roll_rates, "vintages": vintages,
    "contact-hours": channel_hours, "experiments": experiments, "productivity": league,
    "suppression": suppression, "invoice-ageing": invoice_ageing,
}  # fmt: skip
