"""Service level (SPEC §9): the share of rooms answered within a threshold.

``serviceLevel(range, thresholdSeconds)`` = 100 × (rooms opened in the range, answered
(``waitingResponse != true``), whose ``metrics.response.ft`` is a number ≤ the threshold) /
(rooms opened in the range); 0 without rooms. One aggregation per (range, scope, grouping)
answers every group and every threshold asked with it: one conditional count per threshold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Store
from omnigate.errors import BadUserInput
from omnigate.metrics.filters import ANSWERED, Expression, as_int, count_if
from omnigate.metrics.grouping import Grouping
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.scope import Scope

FIRST_RESPONSE = "$metrics.response.ft"


def checked_threshold(seconds: int) -> int:
    """A threshold in whole seconds; negative is bad input."""
    if seconds < 0:
        raise BadUserInput(f"thresholdSeconds must be 0 or more, got {seconds}.")
    return seconds


def answered_within(seconds: int) -> Expression:
    """Answered, with a first response time (a number) of at most ``seconds``."""
    return {
        "$and": [
            ANSWERED,
            {"$isNumber": FIRST_RESPONSE},
            {"$lte": [FIRST_RESPONSE, seconds]},
        ]
    }


def level_counts(thresholds: Iterable[int]) -> Document:
    """``$group`` accumulators ``within_<seconds>``: the rooms answered within each threshold."""
    return {f"within_{seconds}": count_if(answered_within(seconds)) for seconds in thresholds}


def levels(row: Document, thresholds: Iterable[int]) -> dict[int, int]:
    """The rooms answered within each threshold, read from a row with ``level_counts``."""
    return {seconds: as_int(row[f"within_{seconds}"]) for seconds in thresholds}


def percentage(within: int, rooms: int) -> float:
    return 100 * within / rooms if rooms else 0.0


@dataclass(frozen=True, slots=True)
class ServiceLevelQuery:
    """The rooms opened in ``range``, in ``scope``, grouped by ``grouping``."""

    range: TimeRange
    scope: Scope
    grouping: Grouping


async def service_levels(
    store: Store,
    query: ServiceLevelQuery,
    groups: Collection[GroupKey],
    thresholds: Collection[int],
) -> dict[GroupKey, dict[int, float]]:
    """The service level of each group for each threshold, from ONE aggregation."""
    rooms = query.grouping.query(query.range, query.scope, groups)
    rows = (
        []
        if rooms.answers_nothing
        else await store.aggregate(
            ROOMS,
            [
                *query.grouping.match(rooms),
                {
                    "$group": {
                        "_id": query.grouping.group_expression(),
                        "rooms": {"$sum": 1},
                        **level_counts(thresholds),
                    }
                },
            ],
        )
    )
    found = {row["_id"]: row for row in rows}
    result: dict[GroupKey, dict[int, float]] = {}
    for group in groups:
        row = found.get(group)
        total = as_int(row["rooms"]) if row else 0
        within = levels(row, thresholds) if row else dict.fromkeys(thresholds, 0)
        result[group] = {seconds: percentage(within[seconds], total) for seconds in thresholds}
    return result
