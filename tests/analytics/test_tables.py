"""A report table on screen, in CSV and XLSX files and as a real PDF."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import polars as pl
from pypdf import PdfReader

from arrears.analytics.inputs import Scope
from arrears.analytics.tables import ReportTable

TABLE = ReportTable(
    name="liquidation",
    title={"en": "Liquidation by placement cohort", "zh": "按委案批次的回收率"},
    scope=Scope(date(2026, 11, 1), date(2026, 11, 30), client="cn"),
    frame=pl.DataFrame({"client": ["cn", "us"], "currency": ["CNY", "JPY"],
                        "placed_minor": [1_234_56, 5_000], "liquidation_rate": [0.123456, None]}),
)  # fmt: skip


def test_files_hold_exact_major_units_and_rounded_rates():
    assert TABLE.csv().splitlines() == ["client,currency,placed,liquidation_rate",
                                        "cn,CNY,1234.56,0.1235", "us,JPY,5000,"]  # fmt: skip
    back = pl.read_excel(BytesIO(TABLE.xlsx()))
    assert back["placed"].to_list() == ["1234.56", "5000"]


def test_screen_formats_money_per_locale_and_rates_as_percentages():
    shown = TABLE.for_display("zh_CN")
    assert shown["placed"].to_list() == ["¥1,234.56", "JP¥5,000"]
    assert shown["liquidation_rate"].to_list() == ["12.3 %", ""]


def test_the_pdf_is_a_real_document_with_the_chinese_title():
    reader = PdfReader(BytesIO(TABLE.pdf("zh-CN")))
    text = reader.pages[0].extract_text()
    assert "按委案批次的回收率" in text and "12.3 %" in text
