"""A report's table and how it is shown: on screen, in CSV and XLSX, in a PDF.

Columns ending in ``_minor`` are amounts in minor units of the row's
``currency``; on screen they are formatted per locale (¥1,234.56), in files
they are exact decimals in major units (1234.56) under the name without
``_minor``. Rate columns (shares between 0 and 1) are shown as percentages on
screen and kept as numbers rounded to 4 places in files.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from io import BytesIO

import polars as pl

from arrears.analytics.inputs import Scope
from arrears.core.currency import home_locale
from arrears.core.money import Money

RATE_SUFFIXES = ("_rate", "_attainment", "_per_connect")
RATE_NAMES = ("share", "share_accounts", "share_balance", "lift", "low", "high")


def is_rate(column: str) -> bool:
    return column.endswith(RATE_SUFFIXES) or column in RATE_NAMES


@dataclass(frozen=True)
class ReportTable:
    name: str
    title: dict[str, str]  # en, zh
    scope: Scope
    frame: pl.DataFrame

    def heading(self, locale: str = "en-US") -> str:
        zh = locale.lower().startswith("zh")
        title = self.title["zh" if zh else "en"]
        s = self.scope
        where = f" · {s.client}" if s.client else ""
        return f"{title} ({s.start.isoformat()} – {s.end.isoformat()}{where})"

    def money_columns(self) -> list[str]:
        if "currency" not in self.frame.columns:
            return []
        return [c for c in self.frame.columns if c.endswith("_minor")]

    def for_export(self) -> pl.DataFrame:
        """Amounts as exact decimal text in major units, rates rounded to 4 places."""
        frame = self.frame
        currencies = frame["currency"].to_list() if "currency" in frame.columns else []
        columns = []
        for column in frame.columns:
            series = frame[column]
            if column in self.money_columns():
                values = [None if m is None else str(Money(m, c).to_major())
                          for m, c in zip(series, currencies, strict=True)]  # fmt: skip
                columns.append(pl.Series(column.removesuffix("_minor"), values, dtype=pl.String))
            elif series.dtype == pl.Float64:
                columns.append(series.round(4))
            else:
                columns.append(series)
        return pl.DataFrame(columns)

    def for_display(self, locale: str | None = None) -> pl.DataFrame:
        """Everything as text: amounts per locale, rates as percentages."""
        frame = self.frame
        currencies = frame["currency"].to_list() if "currency" in frame.columns else []
        money = self.money_columns()
        columns = []
        for column in frame.columns:
            series = frame[column]
            if column in money:
                values = [
                    "" if m is None else Money(m, c).format(locale or home_locale(c))
                    for m, c in zip(series, currencies, strict=True)
                ]
                columns.append(pl.Series(column.removesuffix("_minor"), values))
            elif series.dtype == pl.Float64:
                style = "pct" if is_rate(column) else "fine" if column in FINE else "plain"
                columns.append(pl.Series(column, [_number(v, style) for v in series]))
            else:
                columns.append(pl.Series(column, ["" if v is None else str(v) for v in series]))
        return pl.DataFrame(columns, schema=[(s.name, pl.String) for s in columns])

    def csv(self) -> str:
        return self.for_export().write_csv()

    def xlsx(self) -> bytes:
        out = BytesIO()
        self.for_export().write_excel(out, worksheet=self.name[:31])
        return out.getvalue()

    def html(self, locale: str = "en-US") -> str:
        """A plain HTML table page (the PDF's source)."""
        shown = self.for_display(locale.replace("-", "_"))
        head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
            for row in shown.iter_rows()
        )
        lang = "zh-CN" if locale.lower().startswith("zh") else "en-US"
        return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
                f"<h1>{html.escape(self.heading(locale))}</h1>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                "</body></html>")  # fmt: skip

    def pdf(self, locale: str = "en-US") -> bytes:
        """The table as a landscape A4 PDF (WeasyPrint, the system's CJK fonts)."""
        from weasyprint import CSS, HTML  # heavy: imported when a PDF is asked for

        pdf = HTML(string=self.html(locale)).write_pdf(stylesheets=[CSS(string=PDF_CSS)])
        assert isinstance(pdf, bytes)
        return pdf


FINE = ("cost_per_unit", "p", "contacts_per_account")


def _number(value: float | None, style: str) -> str:
    if value is None:
        return ""
    if style == "pct":
        return f"{value * 100:.1f} %"
    return f"{value:,.4f}" if style == "fine" else f"{value:,.1f}"


PDF_CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif;
       font-size: 8pt; color: #111; }
h1 { font-size: 13pt; margin: 0 0 5mm; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; border-bottom: 0.6pt solid #111; padding: 1mm; }
td { padding: 0.8mm 1mm; border-bottom: 0.2pt solid #ccc; }
"""
