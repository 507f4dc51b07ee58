"""Ageing: how long a debt has been past due, and which bucket that puts it in.

*Days past due* (DPD) counts calendar days from the due date to the day of
interest: 0 on the due date, 1 the day after, negative before it (pre-due
reminders are planned on those negative days). Which calendar day it is depends
on where the debtor is, so callers pass dates already converted to the
debtor's local date; there is no clock here.

Collections work is organised by *buckets* of DPD, each with its own strategy
and, often, its own team. A :class:`BucketScheme` is an ordered list of
contiguous, inclusive ranges running from a first lower bound to infinity, so
every DPD has exactly one bucket. Two schemes ship: the Western ``dpd`` scheme
(current, 1-30, ... 181+) and the ``m`` scheme used by Chinese lenders, where
M1 is the first month overdue and M7+ (over 180 days) is usually charged off.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from arrears.errors import InvalidInput

# The lower bound of a "current" bucket: far enough below zero that no real
# pre-due offset reaches it, yet a plain int (vectorised callers need one).
FAR_PAST = -(10**9)


def days_past_due(due_on: date, as_of: date) -> int:
    """Calendar days from ``due_on`` to ``as_of``; negative before the due date."""
    # A datetime would silently count 24-hour periods in whatever zone it
    # carries; the debtor's local date must be chosen by the caller.
    if isinstance(due_on, datetime) or isinstance(as_of, datetime):
        raise TypeError("days_past_due takes dates; convert to the debtor's local date first")
    return (as_of - due_on).days


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Bucket:
    """The DPD range ``low`` to ``high`` inclusive; ``high`` None means no upper end."""

    label: str
    low: int
    high: int | None

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise InvalidInput("a bucket needs a label")
        if not _is_int(self.low) or not (self.high is None or _is_int(self.high)):
            raise InvalidInput(f"bucket '{self.label}' needs whole-day bounds")
        if self.high is not None and self.high < self.low:
            raise InvalidInput(f"bucket '{self.label}' ends ({self.high}) before it starts")

    def contains(self, dpd: int) -> bool:
        """True when ``dpd`` lies in this bucket."""
        return self.low <= dpd and (self.high is None or dpd <= self.high)


@dataclass(frozen=True, slots=True)
class BucketScheme:
    """Named, contiguous buckets in ascending order, the last one open-ended."""

    name: str
    buckets: tuple[Bucket, ...]

    def __post_init__(self) -> None:
        buckets = tuple(self.buckets)
        if not buckets:
            raise InvalidInput(f"bucket scheme '{self.name}' has no buckets")
        for before, after in pairwise(buckets):
            if before.high is None or after.low != before.high + 1:
                raise InvalidInput(
                    f"bucket scheme '{self.name}': '{after.label}' must start "
                    f"the day after '{before.label}' ends"
                )
        if buckets[-1].high is not None:
            raise InvalidInput(f"bucket scheme '{self.name}': the last bucket must be open-ended")
        labels = [b.label for b in buckets]
        if len(set(labels)) != len(labels):
            raise InvalidInput(f"bucket scheme '{self.name}' repeats a label")
        object.__setattr__(self, "buckets", buckets)

    @property
    def labels(self) -> tuple[str, ...]:
        """Bucket labels, youngest debt first."""
        return tuple(b.label for b in self.buckets)

    @property
    def upper_edges(self) -> tuple[int, ...]:
        """The ``high`` of every bucket but the last, ascending.

        Bucket ``i`` holds ``upper_edges[i-1] < dpd <= upper_edges[i]`` (the
        last bucket everything above the last edge). These are the breakpoints
        for a vectorised cut with right-closed intervals, e.g. Polars
        ``cut(upper_edges, labels=labels)``; such a cut also puts DPD below
        the first bucket's ``low`` in the first bucket.
        """
        return tuple(b.high for b in self.buckets if b.high is not None)

    def bucket_for(self, dpd: int) -> str:
        """The label of the bucket holding ``dpd``."""
        if dpd < self.buckets[0].low:
            raise InvalidInput(
                f"{dpd} days past due is below the first bucket of scheme '{self.name}'"
            )
        return self.buckets[bisect_left(self.upper_edges, dpd)].label


def _generated_label(low: int, high: int | None) -> str:
    """'current' for the bucket ending on the due date, else '1-30', '91+', '<=-7'."""
    if high is None:
        return f"{low}+"
    if low == FAR_PAST:
        return "current" if high == 0 else f"<={high}"
    if low == high:
        return str(low)
    # "-6-0" would be unreadable; ranges that start before the due date use "..".
    return f"{low}..{high}" if low < 0 else f"{low}-{high}"


def _check_edges(name: str, edges: Sequence[int]) -> None:
    if not edges:
        raise InvalidInput(f"bucket scheme '{name}' needs at least one edge")
    if not all(_is_int(edge) for edge in edges):
        raise InvalidInput(f"bucket scheme '{name}': edges must be whole days")
    if edges[0] <= FAR_PAST:
        raise InvalidInput(f"bucket scheme '{name}': edges must be above {FAR_PAST}")
    for i, (before, after) in enumerate(pairwise(edges), start=1):
        if after <= before:
            raise InvalidInput(
                f"bucket scheme '{name}': edge {i} ({after}) must be above edge {i - 1} ({before})"
            )


def scheme_from_edges(
    name: str, edges: Sequence[int], labels: Sequence[str] | None = None
) -> BucketScheme:
    """A scheme from ascending upper edges: ``[0, 30, 60, 90]`` gives
    current (<= 0), 1-30, 31-60, 61-90 and 91+.

    ``labels`` needs one more entry than ``edges``; without it labels are
    generated as above.
    """
    _check_edges(name, edges)
    lows = [FAR_PAST, *(edge + 1 for edge in edges)]
    highs: list[int | None] = [*edges, None]
    if labels is None:
        labels = [_generated_label(low, high) for low, high in zip(lows, highs, strict=True)]
    if len(labels) != len(lows):
        raise InvalidInput(
            f"bucket scheme '{name}': {len(edges)} edges need {len(lows)} labels, got {len(labels)}"
        )
    buckets = zip(labels, lows, highs, strict=True)
    return BucketScheme(name, tuple(Bucket(label, low, high) for label, low, high in buckets))


DPD_SCHEME = scheme_from_edges("dpd", [0, 30, 60, 90, 120, 180])

# M-buckets count months overdue: M1 is the first 30 days past due. M7+ is
# past 180 days, when Chinese lenders usually write the loan off.
M_SCHEME = scheme_from_edges(
    "m",
    [0, 30, 60, 90, 120, 150, 180],
    ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"],
)

SCHEMES: dict[str, BucketScheme] = {s.name: s for s in (DPD_SCHEME, M_SCHEME)}


def get_scheme(name: str) -> BucketScheme:
    """A shipped scheme by name (case-insensitive)."""
    try:
        return SCHEMES[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(SCHEMES))
        raise InvalidInput(f"unknown bucket scheme '{name}' (known: {known})") from None
