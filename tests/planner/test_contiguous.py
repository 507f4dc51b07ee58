"""Inputs read in many chunks plan as inputs built in one: ``plan.contiguous``.

Frames read back from Arrow files come in chunks and without the knowledge that
the history is in account order; ``plan_inputs`` makes them contiguous (all but
the history, which it reads as it comes) and marks the order first. Neither may
change a result: the history facts of a history in account order, marked or
not, chunked or not, are those of the same rows in any order; and a first plan
(nothing done yet) gives every account empty step lists.
"""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal
from tests.planner.test_history_facts import AS_OF, random_history

from arrears.planner.features import history_facts, segment_progress
from arrears.planner.plan import PartitionInputs, contiguous
from arrears.store.queries.planning import STEPS_DONE_SCHEMA

DONE = pl.DataFrame(schema=STEPS_DONE_SCHEMA)


def chunked(frame: pl.DataFrame, pieces: int = 7) -> pl.DataFrame:
    size = -(-frame.height // pieces)
    return pl.concat([frame.slice(i, size) for i in range(0, frame.height, size)], rechunk=False)


def inputs(history: pl.DataFrame) -> PartitionInputs:
    accounts = pl.DataFrame({"account_id": [1, 2, 3]})
    return PartitionInputs(
        accounts=chunked(accounts, 3), points=pl.DataFrame({"debtor_id": [1]}),
        history=history, done=DONE, invoices=pl.DataFrame({"account_id": [1]}),
    )  # fmt: skip


def test_chunked_inputs_become_contiguous_and_the_account_order_is_marked() -> None:
    history = chunked(random_history(1).sort("account_id", maintain_order=True))
    assert max(history.n_chunks("all")) > 1
    ready = contiguous(inputs(history))
    assert max(ready.accounts.n_chunks("all")) == 1
    assert ready.history["account_id"].flags["SORTED_ASC"]
    assert_frame_equal(ready.history, history)
    assert_frame_equal(ready.accounts, inputs(history).accounts)


def test_a_history_out_of_account_order_is_not_marked() -> None:
    history = random_history(2)
    ready = contiguous(inputs(history))
    assert not ready.history["account_id"].flags["SORTED_ASC"]
    assert_frame_equal(ready.history, history)


def test_history_facts_do_not_depend_on_chunks_order_or_the_mark() -> None:
    history = random_history(3).with_row_index("_recorded")
    # In account order, the recorded order kept within each account (as the store gives it).
    by_account = history.sort("account_id", maintain_order=True).drop("_recorded")
    want = history_facts(history.drop("_recorded"), AS_OF).sort("account_id")
    for frame in (by_account, chunked(by_account), contiguous(inputs(chunked(by_account))).history):
        assert_frame_equal(history_facts(frame, AS_OF).sort("account_id"), want)


def test_a_first_plan_gives_every_account_empty_step_lists() -> None:
    frame = pl.DataFrame({"account_id": [1, 2], "segment": ["M1", None]})
    one = DONE.vstack(pl.DataFrame([(9, "M1", "s", None, AS_OF)], schema=DONE.schema, orient="row"))
    for done in (DONE, one):  # nothing done in these accounts' segments
        got = segment_progress(frame, done, AS_OF)
        assert got["steps_done"].to_list() == [[], []]
        assert got["steps_last_done"].to_list() == [[], []]
        assert got.schema["steps_last_done"] == pl.List(
            pl.Struct({"step": pl.String, "days_ago": pl.Int32})
        )
