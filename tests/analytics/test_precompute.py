"""The refresh precomputes each filter's view (or the cubes or the kept frames answer it): the
views equal the reports computed live."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from arrears.analytics.reports import (
    SPECS,
    cached_aging,
    default_scope,
    load_options,
    precomputed,
    run_report,
)
from arrears.analytics.service import aging_report
from arrears.core.aging import DPD_SCHEME
from arrears.store.queries import analytics as queries
from tests.analytics import seed

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


def test_every_single_filter_view_is_kept_or_cubed_and_equals_the_live_report(uow_factory):
    options = load_options(ROOT / "config")
    seed.build(uow_factory, options)
    base = default_scope(seed.NOW.date())
    scopes = [base, replace(base, client="us"), replace(base, segment="M1"),
              replace(base, strategy="cn")]  # fmt: skip
    with uow_factory() as uow:
        for scope in scopes:
            for name in SPECS:
                key = "|".join(str(v) for v in (scope.start, scope.end, scope.client,
                                                scope.segment, scope.strategy, scope.team,
                                                scope.tz, options.by))  # fmt: skip
                kept_table = queries.cached_report(uow.session, name, key)
                kept_here = precomputed(uow, name, scope, default=scope == base)
                assert (kept_table is not None) == kept_here, (name, scope)
                kept = run_report(uow=uow, name=name, scope=scope, options=options, cached=True)
                live = run_report(uow=uow, name=name, scope=scope, options=options)
                assert kept.frame.equals(live.frame), (name, scope)
        two = replace(base, client="us", segment="M1")  # two filters: computed live
        assert run_report(uow=uow, name="portfolio", scope=two, options=options, cached=True)


def test_the_ageing_dashboard_reads_the_kept_table_per_client(uow_factory):
    seed.build(uow_factory, load_options(ROOT / "config"))
    base = default_scope(seed.NOW.date())
    with uow_factory() as uow:
        for client in (None, "cn", "us"):
            scope = replace(base, client=client, segment="M2")  # ageing ignores the segment
            kept = cached_aging(uow=uow, scope=scope)
            live = aging_report(uow=uow, as_of=base.end, scheme=DPD_SCHEME, client=client)
            assert kept is not None and kept.frame.equals(live.frame)
        earlier = replace(base, end=base.end.replace(day=1))  # from the kept balances
        kept = cached_aging(uow=uow, scope=earlier)
        live = aging_report(uow=uow, as_of=earlier.end, scheme=DPD_SCHEME)
        assert kept is not None and kept.frame.equals(live.frame)
        assert cached_aging(uow=uow, scope=replace(base, end=base.end.replace(day=28))) is None
