"""The accrual run on both backends: idempotent, stopped by holds and charge-off, fees gated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.core import interest as core
from arrears.errors import ConfigError
from arrears.payments.interest import InterestConfig, accrue, load_interest_config
from arrears.payments.interest.frames import compute
from arrears.store.queries.interest import CANDIDATE_SCHEMA
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db

AT = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
PLACED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
CONFIG = Path(__file__).resolve().parents[2] / "config" / "interest"

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(scope="module")
def config() -> InterestConfig:
    return load_interest_config(CONFIG)


def add_accounts(uow: UnitOfWork, client: str, jurisdiction: str, currency: str,
                 accounts: list[dict[str, Any]]) -> dict[str, int]:  # fmt: skip
    """A client, one debtor and the given accounts (ref -> id)."""
    found = uow.clients.get_by_code(client)
    record = found or uow.clients.add(code=client, name=client, at=PLACED,
                                      jurisdiction=jurisdiction, currency=currency)  # fmt: skip
    (debtor,) = uow.debtors.insert_many([{
        "client_id": record.id, "debtor_ref": f"d-{client}-{accounts[0]['account_ref']}",
        "kind": "person", "name": "Test Person", "name_key": "test person", "language": "en-US",
        "time_zones": [], "risk_flags": [], "has_conflicts": False,
        "created_at": PLACED, "updated_at": PLACED,
    }])  # fmt: skip
    rows = []
    for spec in accounts:
        row = {
            "client_id": record.id, "debtor_id": debtor, "currency": currency,
            "principal_minor": 0, "interest_minor": 0, "fees_minor": 0, "costs_minor": 0,
            "credit_minor": 0, "status": "active", "holds": [], "arms": {},
            "jurisdiction": jurisdiction, "created_at": PLACED, "updated_at": PLACED,
            "due_on": date(2026, 1, 1), "product": None,
        }  # fmt: skip
        row.update(spec)
        rows.append(row)
    ids = uow.accounts.insert_many(rows)
    return {spec["account_ref"]: id_ for spec, id_ in zip(accounts, ids, strict=True)}


def run(factory: UowFactory, config: InterestConfig, through: date, ids: list[int] | None = None):
    with factory() as uow:
        summary = accrue(uow=uow, through=through, at=AT, terms=config, actor="test",
                         account_ids=ids)  # fmt: skip
        uow.commit()
    return summary


def balances(factory: UowFactory, account_id: int) -> tuple[int, int]:
    with factory() as uow:
        account = uow.accounts.get(account_id)
        return account.interest_minor, account.fees_minor


def ledger(factory: UowFactory, account_id: int) -> list[dict[str, Any]]:
    with factory() as uow:
        return uow.interest.ledger(account_id)


def test_cn_accrues_at_the_4x_lpr_cap_and_a_rerun_changes_nothing(
    uow_factory: UowFactory, config: InterestConfig
):
    with uow_factory() as uow:
        ids = add_accounts(uow, "cn-consumer", "CN", "CNY", [{
            "account_ref": "CN-1", "principal_minor": 10_000_000, "product": "personal_loan",
            "opened_on": date(2024, 1, 5), "due_on": date(2026, 1, 1),
        }])  # fmt: skip
        uow.commit()
    account = ids["CN-1"]
    # Placed on 10 January: interest from that day, 30 days through 8 February.
    first = run(uow_factory, config, date(2026, 2, 8))
    assert first.accounts == 1
    # CNY 100,000 x 13.8 % (4 x LPR 3.45 %) x 30/365 = 1,134.246... -> 113,425 fen.
    assert balances(uow_factory, account) == (113_425, 0)
    (line,) = ledger(uow_factory, account)
    assert (line["period_from"], line["period_to"], line["days"]) == (
        date(2026, 1, 10),
        date(2026, 2, 8),
        30,
    )
    assert line["rule"] == "CN-INT-CAP-01" and line["rate"] == "0.1380"
    assert line["contract_rate"] == "0.24" and line["convention"] == "ACT/365F"

    again = run(uow_factory, config, date(2026, 2, 8))
    assert again.accounts == 0 and again.rows == 0
    assert balances(uow_factory, account) == (113_425, 0)
    assert len(ledger(uow_factory, account)) == 1
    with uow_factory() as uow:
        assert uow.audit.count("interest.accrued") == 2
        assert uow.audit.verify() is None


def test_thirty_daily_runs_post_exactly_what_one_run_posts(
    uow_factory: UowFactory, config: InterestConfig
):
    with uow_factory() as uow:
        ids = add_accounts(uow, "cn-consumer", "CN", "CNY", [
            {"account_ref": "daily", "principal_minor": 1_234_567, "opened_on": date(2024, 1, 5)},
            {"account_ref": "once", "principal_minor": 1_234_567, "opened_on": date(2024, 1, 5)},
        ])  # fmt: skip
        uow.commit()
    for day in range(30):  # placed on 10 January: 10 January .. 8 February
        run(uow_factory, config, date(2026, 1, 10) + timedelta(days=day), [ids["daily"]])
    run(uow_factory, config, date(2026, 2, 8), [ids["once"]])
    daily, once = balances(uow_factory, ids["daily"]), balances(uow_factory, ids["once"])
    assert daily == once and daily[0] > 0
    assert len(ledger(uow_factory, ids["once"])) == 1
    assert len(ledger(uow_factory, ids["daily"])) == 30


def test_a_dispute_hold_stops_accrual_for_its_days(uow_factory: UowFactory, config: InterestConfig):
    hold = {"kind": "dispute", "since": "2026-01-20T10:00:00+00:00", "until": "2026-01-29"}
    with uow_factory() as uow:
        ids = add_accounts(uow, "cn-consumer", "CN", "CNY", [
            {"account_ref": "held", "principal_minor": 10_000_000, "opened_on": date(2024, 1, 5),
             "holds": [hold]},
            {"account_ref": "free", "principal_minor": 10_000_000, "opened_on": date(2024, 1, 5)},
        ])  # fmt: skip
        uow.commit()
    summary = run(uow_factory, config, date(2026, 2, 8))
    assert summary.stopped == {"dispute": 1}
    lines = ledger(uow_factory, ids["held"])
    assert [(x["period_from"].day, x["period_to"].day, x["stopped"]) for x in lines] == [
        (10, 19, None),
        (20, 29, "dispute"),
        (30, 8, None),
    ]
    stopped = lines[1]
    assert stopped["amount_minor"] == 0 and stopped["rule"] == "CN-INT-STOP-DISPUTE"
    held, _ = balances(uow_factory, ids["held"])
    free, _ = balances(uow_factory, ids["free"])
    # 20 of 30 days accrue: two thirds of the free account's interest, within rounding.
    assert held == round(free * 20 / 30) or abs(held - free * 20 / 30) <= 1


def test_no_accrual_after_charge_off_when_the_client_says_so(
    uow_factory: UowFactory, config: InterestConfig
):
    with uow_factory() as uow:
        ids = add_accounts(uow, "us-agency", "US-NY", "USD", [
            {"account_ref": "card", "product": "credit_card", "principal_minor": 500_000,
             "charged_off_on": date(2026, 1, 25), "due_on": date(2026, 1, 5)},
            {"account_ref": "auto", "product": "auto_deficiency", "principal_minor": 500_000,
             "charged_off_on": date(2026, 1, 25), "due_on": date(2026, 1, 5)},
        ])  # fmt: skip
        uow.commit()
    run(uow_factory, config, date(2026, 2, 8))
    card = [x for x in ledger(uow_factory, ids["card"]) if x["kind"] == "interest"]
    assert [x["stopped"] for x in card] == [None, "charged_off"]
    assert card[-1]["rule"] == "INT-STOP-CHARGEOFF"
    auto = [x for x in ledger(uow_factory, ids["auto"]) if x["kind"] == "interest"]
    assert [x["stopped"] for x in auto] == [None]  # the auto contract keeps accruing
    # Credit card 24.9 % capped at New York's 16 %; auto 8 % under the cap.
    assert card[0]["rate"] == "0.16" and card[0]["rule"] == "US-NY-INT-CAP"
    assert auto[0]["rate"] == "0.08" and auto[0]["rule"] == "CONTRACT"


def test_a_late_fee_only_where_the_contract_and_the_law_allow_it(
    uow_factory: UowFactory, config: InterestConfig
):
    due = date(2026, 1, 12)  # after placement: the fee day (due + 15) falls in the run
    card = {"product": "credit_card", "principal_minor": 100_000, "due_on": due}
    with uow_factory() as uow:
        ny = add_accounts(uow, "us-agency", "US-NY", "USD", [{"account_ref": "ny", **card}])
        wa = add_accounts(uow, "us-agency", "US-WA", "USD", [{"account_ref": "wa", **card}])
        medical = add_accounts(uow, "us-agency", "US-NY", "USD", [
            {"account_ref": "med", "product": "medical", "principal_minor": 100_000, "due_on": due}
        ])  # fmt: skip
        gb = add_accounts(uow, "uk-utility", "GB", "GBP", [
            {"account_ref": "gb", "product": "utility", "principal_minor": 20_000,
             "due_on": date(2026, 1, 1)},
        ])  # fmt: skip
        uow.commit()
    summary = run(uow_factory, config, date(2026, 2, 28))
    assert balances(uow_factory, ny["ny"])[1] == 3_000  # contract fee, New York allows it
    fee = next(x for x in ledger(uow_factory, wa["wa"]) if x["kind"] == "late_fee")
    assert fee["amount_minor"] == 0 and fee["rule"] == "US-WA-FEE"
    assert fee["stopped"] == "fee_not_allowed"
    assert balances(uow_factory, wa["wa"])[1] == 0
    # Medical has no terms at all: nothing accrues, and the rule says why.
    (line,) = ledger(uow_factory, medical["med"])
    assert line["stopped"] == "no_terms" and line["rule"] == "US-FDCPA-808-1"
    # GB: the contract's GBP 15 is capped at the GBP 12 reasonable-cost proxy.
    gb_fee = next(x for x in ledger(uow_factory, gb["gb"]) if x["kind"] == "late_fee")
    assert gb_fee["amount_minor"] == 1_200 and gb_fee["rule"] == "GB-FEE-01"
    assert summary.fees == {"GBP": 1_200, "USD": 3_000}
    run(uow_factory, config, date(2026, 2, 28))
    assert balances(uow_factory, ny["ny"])[1] == 3_000


def test_unknown_jurisdiction_accrues_nothing_and_says_why(
    uow_factory: UowFactory, config: InterestConfig
):
    with uow_factory() as uow:
        ids = add_accounts(uow, "cn-consumer", "DE", "EUR", [
            {"account_ref": "de", "principal_minor": 100_000}
        ])  # fmt: skip
        uow.commit()
    run(uow_factory, config, date(2026, 2, 8))
    (line,) = ledger(uow_factory, ids["de"])
    assert line["stopped"] == "no_law" and line["amount_minor"] == 0


def test_two_concurrent_runs_add_the_interest_once(uow_factory: UowFactory, config: InterestConfig):
    import threading

    with uow_factory() as uow:
        ids = add_accounts(uow, "cn-consumer", "CN", "CNY", [
            {"account_ref": "race", "principal_minor": 10_000_000, "opened_on": date(2024, 1, 5)}
        ])  # fmt: skip
        uow.commit()
    results: list[Any] = []
    first = uow_factory().__enter__()
    try:
        results.append(accrue(uow=first, through=date(2026, 2, 8), at=AT, terms=config,
                              actor="first"))  # fmt: skip
        second = threading.Thread(target=lambda: results.append(run(uow_factory, config,
                                                                    date(2026, 2, 8))))  # fmt: skip
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive(), "the second run waits for the first"
        first.commit()
    finally:
        first.__exit__(None, None, None)
    second.join(timeout=30)
    assert [r.accounts for r in results] == [1, 0]
    assert balances(uow_factory, ids["race"]) == (113_425, 0)


# ---------------------------------------------------------------- frames vs the core, no database


THROUGH = date(2026, 3, 31)
KINDS = ["dispute", "cease", "bankruptcy", "breathing_space", "attorney", "hardship"]
ACCOUNT = st.fixed_dictionaries({
    "client": st.sampled_from([("cn-consumer", None), ("us-agency", "credit_card"),
                               ("us-agency", "auto_deficiency"), ("uk-utility", "utility"),
                               ("b2b-receivables", "invoice"), ("us-agency", "medical")]),
    "jurisdiction": st.sampled_from(["CN", "US-NY", "US-WA", "US-OH", "GB", "DE"]),
    "principal": st.integers(0, 10**10),
    "due": st.dates(date(2025, 6, 1), date(2026, 4, 10)),
    "opened": st.none() | st.dates(date(2019, 1, 1), date(2025, 5, 31)),
    "charged_off": st.none() | st.dates(date(2025, 6, 1), date(2026, 3, 31)),
    "status": st.sampled_from(["active", "active", "disputed", "written_off", "on_hold"]),
    "holds": st.lists(st.tuples(st.sampled_from(KINDS), st.dates(date(2025, 12, 1),
                                date(2026, 3, 31)), st.none() | st.integers(0, 40)), max_size=3),
    "accrued": st.none() | st.dates(date(2026, 1, 1), date(2026, 3, 31)),
    "carry_frac": st.floats(-0.5, 0.49),
})  # fmt: skip


def reference_total(spec: dict[str, Any], holds: list[dict[str, Any]], config: InterestConfig,
                    carry0: int) -> int:  # fmt: skip
    """Day by day with the core's functions alone: what the frames must post in total."""
    client, product = spec["client"]
    terms = core.terms_for(client, product, config.terms)
    law = core.rules_for(spec["jurisdiction"], config.books)
    if terms is None or law is None:
        return 0
    one = timedelta(days=1)
    start = spec["accrued"] + one if spec["accrued"] else (
        spec["due"] + one if terms.accrue_from == "due_date"
        else max(spec["due"] + one, PLACED.date())
    )  # fmt: skip
    decision = core.decide_rate(terms, law, contract_on=spec["opened"], due_on=spec["due"],
                                references=config.references)  # fmt: skip
    intervals = core.stop_intervals(
        holds=holds, status=spec["status"], charged_off_on=spec["charged_off"],
        stop_after_charge_off=terms.stop_after_charge_off, stops=law.stops, from_day=start,
    )  # fmt: skip
    den, carry, total, day = core.denominator_of(terms.day_count), carry0, 0, start
    while day <= THROUGH:
        if core.stopped_on(day, intervals) is None:
            count = core.day_count(day, day, terms.day_count)
            amount, carry = core.post(
                carry, core.exact_numerator(spec["principal"], decision.rate, count), den
            )
            total += amount
        day += one
    return total


FRAME_CONFIG = load_interest_config(CONFIG)


@settings(max_examples=60, deadline=None)
@given(st.lists(ACCOUNT, min_size=1, max_size=6))
def test_the_frames_post_what_the_core_posts_day_by_day(specs: list[dict[str, Any]]):
    config = FRAME_CONFIG
    rows, holds = [], {}
    carries = {}
    for i, spec in enumerate(specs, start=1):
        client, product = spec["client"]
        terms = core.terms_for(client, product, config.terms)
        den = core.denominator_of(terms.day_count) if terms else 1
        carry = int(spec["carry_frac"] * den) if spec["accrued"] else 0
        carries[i] = carry
        rows.append((i, client, product, "GBP", spec["principal"], spec["opened"], spec["due"],
                     spec["charged_off"], PLACED, spec["status"], spec["jurisdiction"],
                     spec["accrued"], carry if spec["accrued"] else None,
                     den if spec["accrued"] else None))  # fmt: skip
        holds[i] = [
            {"kind": k, "since": s.isoformat(),
             **({"until": (s + timedelta(days=n)).isoformat()} if n is not None else {})}
            for k, s, n in spec["holds"]
        ]  # fmt: skip
    frame = pl.DataFrame(rows, schema=CANDIDATE_SCHEMA, orient="row")
    computed = compute(frame, {k: v for k, v in holds.items() if v}, config, THROUGH)
    posted = dict(
        computed.lines.group_by("account_id").agg(pl.col("amount_minor").sum()).iter_rows()
    )
    for i, spec in enumerate(specs, start=1):
        expected = reference_total(spec, holds[i], config, carries[i])
        assert posted.get(i, 0) == expected, (
            spec,
            computed.lines.filter(pl.col("account_id") == i),
        )
    # Stretches of one account never overlap and cover start..through without gaps.
    for _, part in computed.lines.sort("first").group_by("account_id"):
        firsts, lasts = part["first"].to_list(), part["last"].to_list()
        assert lasts[-1] == THROUGH
        assert all(b == a + timedelta(days=1) for a, b in zip(lasts, firsts[1:], strict=False))


# ---------------------------------------------------------------- configuration errors


def _config_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "interest"
    (folder / "jurisdictions").mkdir(parents=True)
    for path in (CONFIG / "jurisdictions").glob("*.yaml"):
        (folder / "jurisdictions" / path.name).write_bytes(path.read_bytes())
    (folder / "terms.yaml").write_bytes((CONFIG / "terms.yaml").read_bytes())
    return folder


def test_a_typo_in_a_jurisdiction_file_names_file_line_and_allowed_keys(tmp_path: Path):
    folder = _config_copy(tmp_path)
    path = folder / "jurisdictions" / "GB.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    caps: []", "    cap: []"),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ConfigError) as error:
        load_interest_config(folder)
    assert "GB.yaml line" in str(error.value)
    assert "jurisdictions.GB.cap: unknown key; expected one of: name, caps" in str(error.value)


def test_a_cap_on_an_unknown_reference_rate_is_refused(tmp_path: Path):
    folder = _config_copy(tmp_path)
    path = folder / "jurisdictions" / "CN.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reference: CN-LPR-1Y",
                                                              "reference: CN-LPR-5Y"),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ConfigError, match="unknown reference rate 'CN-LPR-5Y'"):
        load_interest_config(folder)


def test_repeated_terms_for_a_client_and_product_are_refused(tmp_path: Path):
    folder = _config_copy(tmp_path)
    terms = (folder / "terms.yaml").read_text(encoding="utf-8")
    block = terms[terms.index("  - client: uk-utility") : terms.index("  - client: b2b")]
    (folder / "terms.yaml").write_text(terms + block, encoding="utf-8")
    with pytest.raises(ConfigError, match="terms repeated for uk-utility/\\*"):
        load_interest_config(folder)
