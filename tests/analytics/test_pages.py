"""The dashboards as a browser sees them: who may open them, every dashboard, CSV = the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.analytics.dashboards import DASHBOARDS
from arrears.analytics.reports import default_scope, load_options, run_report
from tests.analytics import seed
from tests.fixtures.staff import Clock, add_staff, sign_in, staff_app

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(uow_factory, monkeypatch):
    monkeypatch.chdir(ROOT)  # the pages read config/costs.yaml and config/strategies
    seed.build(uow_factory, load_options(ROOT / "config"))
    add_staff(uow_factory, "ana", "analyst")
    add_staff(uow_factory, "zhao", "analyst", language="zh-CN")
    add_staff(uow_factory, "col", "collector")
    return staff_app(uow_factory, Clock(seed.NOW))


def test_only_people_with_dashboards_view_may_open_them(app):
    collector = sign_in(app, "col")
    assert collector.client.get("/dashboards").status_code == 403
    assert collector.client.get("/dashboards/overview").status_code == 403
    assert collector.client.get("/dashboards/static/plotly.min.js").status_code == 403


def test_every_dashboard_renders_with_its_charts_data_and_tables(app):
    analyst = sign_in(app, "ana")
    index = analyst.client.get("/dashboards")
    assert index.status_code == 200
    for board in DASHBOARDS.values():
        page = analyst.client.get(f"/dashboards/{board.slug}")
        assert page.status_code == 200, board.slug
        assert 'type="application/json" id="chart-data"' in page.text
        assert "<script>" not in page.text and "style=" not in page.text  # CSP: nothing inline
        for name in board.reports:
            assert f'id="report-{name}"' in page.text, (board.slug, name)
    plotly = analyst.client.get("/dashboards/static/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000


def test_the_csv_of_a_dashboard_is_the_report_the_cli_exports(app, uow_factory):
    analyst = sign_in(app, "ana")
    options = load_options(ROOT / "config")
    scope = default_scope(seed.NOW.date())
    for slug, name in (("overview", "portfolio"), ("collectors", "rpc"), ("vintages", "vintages"),
                       ("channels", "deliveries")):  # fmt: skip
        answer = analyst.client.get(f"/dashboards/{slug}/{name}.csv")
        assert answer.status_code == 200
        with uow_factory() as uow:
            expected = run_report(uow=uow, name=name, scope=scope, options=options).csv()
        assert answer.text == expected, name
    narrowed = analyst.client.get("/dashboards/overview/portfolio.csv?client=us")
    assert narrowed.text.splitlines()[1].startswith("us,USD,6,")
    assert len(narrowed.text.splitlines()) == 2


def test_filters_narrow_the_figures_and_bad_ones_are_explained(app):
    analyst = sign_in(app, "ana")
    page = analyst.client.get("/dashboards/overview?client=cn&segment=M1")
    assert page.status_code == 200 and "US$" not in page.text
    bad = analyst.client.get("/dashboards/overview?from=yesterday")
    assert bad.status_code == 400 and "from must be a date" in bad.text
    assert analyst.client.get("/dashboards/nothing").status_code == 404


def test_a_chinese_reader_gets_chinese_headings(app):
    page = sign_in(app, "zhao").client.get("/dashboards/overview")
    assert "资产组合概览" in page.text and "未结账户" in page.text and "委托方" in page.text
