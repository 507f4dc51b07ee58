"""The debtor-behaviour model: reproducible draws, and chances that move the right way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from arrears.errors import ConfigError
from arrears.inbound.intent import classify
from arrears.sim.simulator import behaviour as bh
from arrears.sim.simulator.params import SimulationParams, load_params
from arrears.sim.simulator.texts import reply_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def params() -> SimulationParams:
    return load_params(ROOT / "config" / "simulation.yaml")


def test_the_same_seed_draws_the_same_numbers_and_another_purpose_others() -> None:
    ids = np.arange(1, 10_001)
    first, again = bh.uniforms(7, ids, 3, 1), bh.uniforms(7, ids, 3, 1)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, bh.uniforms(7, ids, 3, 2))
    assert not np.array_equal(first, bh.uniforms(7, ids, 4, 1))
    assert not np.array_equal(first, bh.uniforms(8, ids, 3, 1))
    assert first.min() >= 0.0 and first.max() < 1.0
    assert abs(first.mean() - 0.5) < 0.02  # uniform enough for 10,000 draws
    # A debtor's draw does not depend on who else is in the portfolio (common random numbers).
    assert bh.uniforms(7, ids[500:510], 3, 1) == pytest.approx(first[500:510])


def test_traits_are_the_same_for_the_same_seed(params: SimulationParams) -> None:
    a, b = bh.draw_traits([3, 1, 2, 2], params, 5), bh.draw_traits([1, 2, 3], params, 5)
    assert list(a.debtor_id) == [1, 2, 3]
    assert np.array_equal(a.ability, b.ability) and np.array_equal(a.hour_type, b.hour_type)
    other = bh.draw_traits([1, 2, 3], params, 6)
    assert not np.array_equal(a.ability, other.ability)
    assert list(a.index([3, 1])) == [2, 0]


def test_ageing_halves_the_chance_every_half_life(params: SimulationParams) -> None:
    half = params.debtors.ageing_half_life_days
    factors = bh.ageing(np.array([-5, 0, half, 2 * half]), params)
    assert list(factors) == pytest.approx([1.0, 1.0, 0.5, 0.25])


def test_a_debtor_answers_most_at_their_peak_hour_and_weekends_differ(
    params: SimulationParams,
) -> None:
    traits = bh.draw_traits(np.arange(1, 200), params, 1)
    evening = list(params.debtors.hour_types).index("evening")
    pos = np.flatnonzero(traits.hour_type == evening)[:1].repeat(3)
    monday = bh.p_answer(traits, pos, np.array([9, 14, 19]), np.zeros(3, int), params)
    assert monday[2] > monday[1] > monday[0]
    saturday = bh.p_answer(traits, pos[:1], np.array([19]), np.array([5]), params)
    assert saturday[0] == pytest.approx(
        monday[2] * params.debtors.weekday[5] / params.debtors.weekday[0]
    )


def test_a_reminder_raises_payment_for_a_few_days(params: SimulationParams) -> None:
    traits = bh.draw_traits([1], params, 1)
    pos, dpd = np.array([0]), np.array([10])
    before = bh.p_pay_today(traits, pos, dpd, 0, params)[0]
    bh.remind(traits, pos, "sms", 0, params)
    boosted = bh.p_pay_today(traits, pos, dpd, params.reaction.boost_days, params)[0]
    after = bh.p_pay_today(traits, pos, dpd, params.reaction.boost_days + 1, params)[0]
    assert boosted == pytest.approx(before * params.reaction.boost["sms"])
    assert after == pytest.approx(before)


def test_payments_are_whole_minor_units_within_the_balance(params: SimulationParams) -> None:
    balance = np.array([100_000, 100_000, 7])
    amounts = bh.payment_amounts(np.array([0.0, 0.99, 0.99]), np.array([0.5, 0.0, 0.0]),
                                 balance, np.array([1.0, 1.0, 1.0]), params)  # fmt: skip
    assert amounts.dtype == np.int64
    assert amounts[0] == 100_000  # a full payment
    low = params.debtors.partial_share[0]
    assert amounts[1] == int(100_000 * low) and amounts[2] >= 1


def test_willing_debtors_pay_and_promise_more_and_keep_their_promises(
    params: SimulationParams,
) -> None:
    u = bh.uniforms(1, np.arange(20_000), 0, 9)
    keen = bh.conversation(u, np.full(u.size, 0.9), params)
    reluctant = bh.conversation(u, np.full(u.size, 0.1), params)
    assert set(keen) <= set(bh.CONVERSATION)
    assert (keen == "pay_now").mean() > 3 * (reluctant == "pay_now").mean()
    assert (keen == "promise").mean() > (reluctant == "promise").mean()
    kept = bh.keeps_promise(u, np.full(u.size, 0.9), params).mean()
    assert kept > bh.keeps_promise(u, np.full(u.size, 0.1), params).mean()
    assert 0.5 < kept < 0.9  # published promise-kept rates (docs/simulation.md)


def test_contacting_too_often_or_too_late_draws_more_complaints(params: SimulationParams) -> None:
    chance = bh.complaint_chance(np.array(["sms", "sms", "sms", "email"]), np.array([0, 6, 0, 0]),
                                 np.array([12, 12, 22, 22]), params)  # fmt: skip
    assert chance[1] > chance[0] and chance[2] > chance[0]
    assert chance[3] == pytest.approx(chance[0])  # an e-mail read at night disturbs nobody


def test_life_events_change_ability_reproducibly(params: SimulationParams) -> None:
    a, b = (
        bh.draw_traits(np.arange(1, 50_001), params, 2),
        bh.draw_traits(np.arange(1, 50_001), params, 2),
    )
    counts = [bh.life_events(t, 3, 2, params) for t in (a, b)]
    assert counts[0] == counts[1] and counts[0][0] > 0
    assert np.array_equal(a.ability, b.ability)


@pytest.mark.parametrize(("currency", "kind", "intent"), [
    ("CNY", "promise", "promise"), ("USD", "promise", "promise"), ("GBP", "promise", "promise"),
    ("CNY", "stop", "stop"), ("USD", "stop", "stop"), ("USD", "dispute", "dispute"),
    ("CNY", "hardship", "hardship"), ("USD", "hardship", "hardship"),
])  # fmt: skip
def test_replies_are_understood_by_the_real_classifier(
    currency: str, kind: str, intent: str
) -> None:
    due = date(2026, 12, 1)
    text = reply_text(kind, currency=currency, amount_minor=50_000, due=due)
    locale = "zh-CN" if currency == "CNY" else "en-US"
    result = classify(text, as_of=date(2026, 11, 23), currency=currency, locale=locale)
    assert result.intent == intent
    if kind == "promise":
        assert (result.amount_minor, result.date) == (50_000, due)


def test_the_shipped_parameters_load_and_a_typo_names_its_line(tmp_path: Path) -> None:
    shipped = (ROOT / "config" / "simulation.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "simulation.yaml"
    bad.write_text(shipped.replace("  self_cure_daily:", "  self_cure_dialy:"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"simulation.yaml line \d+: debtors.self_cure_dialy"):
        load_params(bad)
    bad.write_text(shipped.replace("promise_kept: 0.55", "promise_kept: 1.5"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reaction\.promise_kept"):
        load_params(bad)


def test_a_call_at_a_better_hour_reaches_whoever_the_worse_hour_reached(
    params: SimulationParams,
) -> None:
    """Common random numbers: a contact's dice depend on the day, not on the hour it is made."""
    from datetime import UTC, datetime

    import polars as pl

    from arrears.sim.simulator.debtors import Debtors
    from arrears.sim.simulator.metrics import Metrics

    ids = np.arange(1, 3001)
    traits = bh.draw_traits(ids, params, 3)
    debtors = Debtors(uow_factory=None, params=params, traits=traits,  # type: ignore[arg-type]
                      zones={int(d): "UTC" for d in ids}, policies=None,  # type: ignore[arg-type]
                      seed=3, metrics=Metrics("x", 3, 1))  # fmt: skip
    calls = pl.DataFrame({"account_id": ids, "debtor_id": ids})
    tuesday = datetime(2026, 11, 24, tzinfo=UTC)
    morning, peak = 8, 11  # the "day" type's peak is 11:00
    early = debtors.answer(calls, 5, tuesday.replace(hour=morning))
    best = debtors.answer(calls, 5, tuesday.replace(hour=peak))
    day_type = traits.hour_type == list(params.debtors.hour_types).index("day")
    reached_early = np.array([o in ("conversation", "third_party_answered") for o in early])
    reached_best = np.array([o in ("conversation", "third_party_answered") for o in best])
    # Every day-type debtor reached at 08:00 is reached at 11:00, and more besides.
    assert np.all(reached_best[day_type & reached_early])
    assert reached_best[day_type].sum() > reached_early[day_type].sum()


def test_a_contacts_dice_are_keyed_by_account_and_channel_not_by_order() -> None:
    keys = bh.contact_keys(np.array([5, 5, 6]), np.array(["sms", "email", "sms"]))
    assert len(set(keys.tolist())) == 3
    assert bh.contact_keys(np.array([6]), np.array(["sms"]))[0] == keys[2]
