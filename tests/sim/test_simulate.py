"""The simulator runs the real daily cycle: reproducible, compliant, money through the services."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.payments.policy import load_policies
from arrears.sim.simulator.metrics import Metrics
from arrears.sim.simulator.params import load_params
from arrears.sim.simulator.propensity import Propensity, fit, labelled
from arrears.sim.simulator.runner import Config, compare, prepare, simulate
from arrears.sim.simulator.world import Policy
from arrears.store.uow import UnitOfWork
from arrears.strategy.loader import load_strategies
from arrears.templates import load_templates

ROOT = Path(__file__).resolve().parents[2]
START = date(2026, 11, 23)


@pytest.fixture(scope="module")
def config() -> Config:
    params = load_params(ROOT / "config" / "simulation.yaml").model_copy(
        update={"accounts": 40, "days": 2, "start": START, "call_capacity": 8}
    )
    return Config(params, load_rulebooks(ROOT / "config" / "rulebooks"),
                  load_templates(ROOT / "config" / "templates"),
                  load_policies(ROOT / "config" / "resolution"),
                  FieldCipher(bytes(range(32))))  # fmt: skip


def rules() -> Policy:
    return Policy("rules", load_strategies(ROOT / "config" / "strategies"), "rules", 8)


def _strip(metrics: Metrics, config: Config) -> dict[str, object]:
    """A run's summary without its wall time (the same seed gives the same summary)."""
    return {k: v for k, v in metrics.summary(config.params.rates).items() if k != "seconds"}


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as db:
        return int(db.execute(text(sql)).scalar() or 0)


@pytest.mark.db
def test_a_run_goes_through_the_real_cycle_with_no_violation(
    uow_factory: Callable[[], UnitOfWork], engine: Engine, config: Config, tmp_path: Path
) -> None:
    loaded = prepare(uow_factory, config, seed=4, work_dir=tmp_path)
    metrics = simulate(uow_factory, config, rules(), seed=4, days=3)
    summary = metrics.summary(config.params.rates)
    assert loaded > 30 and summary["contacts"] > 0
    # Every contact was judged again by the engine at its instant: none should have happened.
    assert summary["violations"] == 0 and summary["audited"] == summary["contacts"]
    # The plan, the outbox and the dialler did the work: plan runs, sent rows, recorded calls.
    assert count(engine, "SELECT count(*) FROM plan_runs WHERE status = 'done'") == 3
    assert count(engine, "SELECT count(*) FROM outbox WHERE status = 'sent'") == sum(
        summary_value for channel, summary_value in metrics.contacts.items() if channel != "call"
    )
    assert count(engine, "SELECT count(*) FROM interactions WHERE channel = 'call' AND "
                         "dedup_key LIKE 'plan:%'") == metrics.contacts["call"]  # fmt: skip
    # Money landed through record_payment: payments rows, audited, balances and the ledger agree.
    assert metrics.payments > 0
    assert (
        count(engine, "SELECT count(*) FROM payments WHERE reference LIKE 'sim:%'")
        == metrics.payments
    )
    assert count(engine, "SELECT count(*) FROM audit_events WHERE action = 'payment.recorded'"
                         " AND actor = 'simulation'") == metrics.payments  # fmt: skip
    paid = count(engine, "SELECT sum(amount_minor) FROM payments WHERE reference LIKE 'sim:%'")
    assert paid == sum(metrics.recovered.values()) == sum(a for _, _, a in metrics.ledger)
    assert sum(metrics.cost.values()) > 0


def test_the_same_seed_gives_the_same_run_and_policies_share_the_portfolio(
    config: Config, tmp_path: Path
) -> None:
    value = Policy("value", rules().strategies, "value", 8)
    first = compare(config, [rules(), value], seed=9, work_dir=tmp_path / "a", days=2)
    again = compare(config, [rules()], seed=9, work_dir=tmp_path / "b", days=2)
    assert _strip(first[0], config) == _strip(again[0], config)
    assert first[0].accounts == first[1].accounts and first[0].debtors == first[1].debtors
    assert _strip(first[1], config)["violations"] == 0
    assert first[1].contacts["call"] <= 8 * 2 + 8  # capacity holds (a US evening call may spill)


def test_the_propensity_learns_from_observable_features_only() -> None:
    import polars as pl

    features = pl.DataFrame({
        "account_id": list(range(200)), "client": ["cn-consumer", "us-agency"] * 100,
        "dpd": [i % 60 for i in range(200)], "balance_minor": [10_000 + i for i in range(200)],
        "promise_status": [None] * 200, "plan_status": [None] * 200,
        "disputed": [False] * 200, "on_hold": [False] * 200, "has_mobile": [True] * 200,
        "has_email": [False] * 200, "charged_off": [False] * 200,
    })  # fmt: skip
    payers = [i for i in range(200) if i % 60 < 20]
    paid = pl.DataFrame({"account_id": payers, "paid_on": [date(2026, 12, 1)] * len(payers),
                         "amount_minor": [5_000] * len(payers)})  # fmt: skip
    model = fit([labelled(features, paid, START)])
    assert isinstance(model, Propensity)
    scores = model.predict(features)
    fresh = scores.filter(pl.col("account_id") == 0)["score"][0]
    old = scores.filter(pl.col("account_id") == 50)["score"][0]
    assert fresh > 0.5 > old  # the young accounts paid, the old ones did not
    assert scores["expected_amount_minor"].dtype == pl.Int64


@pytest.mark.db
def test_the_value_policy_plans_from_a_registered_lightgbm_model(
    uow_factory: Callable[[], UnitOfWork], config: Config, tmp_path: Path
) -> None:
    from arrears.sim.simulator.training import registry_scorer, train_registered
    from arrears.store.database import Database

    # Trained by the product's own path on one portfolio (its demo past is the outcome)...
    prepare(uow_factory, config, seed=4, work_dir=tmp_path / "training", accounts=200)
    entry = train_registered(uow_factory, as_of=START, models_dir=tmp_path / "models", seed=4,
                             snapshots=10, step_days=14)  # fmt: skip
    with uow_factory() as uow:
        assert uow.scoring.model(entry["version"]).status == "candidate"
    assert entry["kind"] == "lightgbm" and entry["metrics"]["rows"] > 0
    # ... and used, as the registry's champion, on another portfolio it never saw.
    value = Policy("value", rules().strategies, "value", 8,
                   scorer=registry_scorer(entry, tmp_path / "models"))  # fmt: skip
    (run,) = compare(config, [value], seed=9, work_dir=tmp_path / "run", days=2)
    assert run.audit.violations == 0 and run.contacts["call"] > 0
    database = Database(f"sqlite:///{tmp_path / 'run' / 'run-9-value.db'}")
    try:
        engine = database.engine
        champion = count(engine, f"SELECT count(*) FROM models WHERE version = "
                                 f"'{entry['version']}' AND status = 'champion'")  # fmt: skip
        scored_days = count(engine, "SELECT count(DISTINCT as_of) FROM account_scores WHERE used")
        valued = count(engine, "SELECT count(*) FROM planned_actions WHERE channel = 'call' AND "
                               "status = 'planned' AND expected_value_minor > 0")  # fmt: skip
    finally:
        database.dispose()
    assert champion == 1 and scored_days == 2 and valued > 0


def test_a_warm_up_is_played_once_and_every_policy_starts_where_it_left_off(
    config: Config, tmp_path: Path
) -> None:
    none = Policy("none", [], "rules", 0)
    first = compare(config, [rules(), none], seed=9, work_dir=tmp_path, days=1, warmup=2)
    warm = list(tmp_path.glob("portfolio-9-*-warm2-rules-8.db"))
    assert len(warm) == 1 and warm[0].with_suffix(".state").exists()
    again = compare(config, [rules()], seed=9, work_dir=tmp_path, days=1, warmup=2)
    assert _strip(first[0], config) == _strip(again[0], config)  # the same warm-up, the same dice
    # Under the no-contact arm the strategies contact nobody (only what was already queued
    # and the reminders of promises taken before go out); its debtors still pay.
    assert first[1].contacts["call"] == 0
    assert sum(first[1].contacts.values()) < sum(first[0].contacts.values())
    # Recovered and cost split by client add up to the totals.
    by_client = first[0].summary(config.params.rates)["by_client"]
    summary = first[0].summary(config.params.rates)
    assert sum(c["cost_minor"] for c in by_client.values()) == pytest.approx(
        summary["cost_minor"], abs=len(by_client)
    )
    assert sum(c["recovered_minor"] for c in by_client.values()) == pytest.approx(
        summary["recovered_minor"], abs=len(by_client)
    )


def test_compare_warms_up_and_adds_the_no_contact_arm_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fixtures.commands import cli, simulator_settings

    with simulator_settings(monkeypatch, tmp_path):
        args = ("simulate", "--accounts", "30", "--days", "1", "--call-capacity", "5",
                "--compare", "--warmup", "1", "--baseline")  # fmt: skip
        code, out, err = cli(capsys, *args, "--json")
        assert code == 0, err
        rows = json.loads(out)
        assert [r["policy"] for r in rows] == ["rules@5", "value@5", "none"]
        assert all(r["violations"] == 0 for r in rows) and rows[2]["calls"] == 0
        # the warm-up was played once, with the rules, and kept beside the portfolio
        assert list((tmp_path / "var" / "simulate").glob("portfolio-1-*-warm1-rules@5-5.db"))
        code, out, err = cli(capsys, *args)
        assert code == 0, err
        assert "vs rules@5" in out and "recovered over no contact" in out
        assert "none: " not in out.replace("none: day", "")  # no ratio against no contact
