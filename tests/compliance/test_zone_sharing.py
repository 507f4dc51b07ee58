"""The earliest common window is shared by contacts with the same ``now`` and zones.

``zones.common_window_start`` computes the answer once per distinct (``now``, zones)
and hands it to every contact that has them; each contact must get exactly what it
gets when judged alone.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from arrears.compliance.zones import Window, common_window_start, time_ns

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Asia/Shanghai",
    "Europe/London",
]
SCHEMA = {"contact_id": pl.Int64(), "zone": pl.String(), "now": pl.Datetime("us", "UTC")}


def _zoned(seed: int, contacts: int) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for contact in range(contacts):
        zones = rng.sample(ZONES, rng.choice([1, 1, 2, 3, 7]))
        if rng.random() < 0.1:
            zones.append(zones[0])  # a zone listed twice
        now = datetime(2026, 10, 31, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 72, 6))
        rows += [(contact, zone, None if rng.random() < 0.02 else now) for zone in zones]
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    # A contact has one ``now``: the first row's, on every row.
    now = pl.col("now").first().over("contact_id")
    return frame.with_columns(now, pl.col("zone").cast(pl.Categorical()))


@pytest.mark.parametrize(
    "window",
    [
        Window(time_ns("08:00"), time_ns("21:00")),
        Window(time_ns("22:00"), time_ns("23:00"), close_inclusive=False),
    ],
)
def test_shared_answer_is_each_contacts_own(window: Window) -> None:
    zoned = _zoned(7, 400)
    together = common_window_start(zoned, window).sort("contact_id")
    alone = pl.concat(
        [common_window_start(part, window) for part in zoned.partition_by("contact_id")]
    ).sort("contact_id")
    assert_frame_equal(together, alone)
    assert together.height == zoned["contact_id"].n_unique()
    assert together["start"].null_count() > 0  # some contacts share no window


def test_no_contacts() -> None:
    empty = _zoned(1, 3).clear()
    out = common_window_start(empty, Window(time_ns("08:00"), time_ns("21:00")))
    assert out.is_empty()
    assert out.columns == ["contact_id", "start"]


def test_text_zones_and_many_zones_share_alike() -> None:
    """Zone sets are keyed by a bit per zone up to 62 distinct zones, by their names past
    that; zones given as text rather than categories key alike."""
    window = Window(time_ns("08:00"), time_ns("21:00"))
    many = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))[:70]
    rng = random.Random(3)
    now = datetime(2026, 11, 2, 6, tzinfo=UTC)
    # Half the contacts draw from 8 zones (their sets repeat), half from all 70.
    rows = [
        (contact, zone, now)
        for contact in range(300)
        for zone in rng.sample(many[:8] if contact % 2 else many, 2)
    ]
    wide = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    narrow = wide.filter(pl.col("contact_id") % 2 == 1)
    assert wide["zone"].n_unique() > 62 >= narrow["zone"].n_unique()
    for zoned in (wide, narrow):
        together = common_window_start(zoned, window).sort("contact_id")
        alone = pl.concat(
            [common_window_start(part, window) for part in zoned.partition_by("contact_id")]
        ).sort("contact_id")
        assert_frame_equal(together, alone)
