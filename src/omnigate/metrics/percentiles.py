"""Exact percentiles of a duration (SPEC §9), computed inside MongoDB.

Nearest rank: for p in (0, 1], the smallest value v with at least ⌈p·n⌉ of the n values
≤ v, i.e. the value of rank ⌈p·n⌉ in ascending order; ``None`` when n = 0. ``p`` is read as
written in decimal (0.07 is 7/100, not the binary double just above it).

ONE aggregation per (range, scope, grouping, metric) answers every group and every p asked
with it. ``$setWindowFields`` numbers each group's values in ascending and in descending
order (``$documentNumber``, ties broken by ``_id`` so both orders are exact reverses):
rank + back - 1 is the group's n without an unbounded window (O(n²) on SecantusDB). Only
the values ranked within 1.5 of p·n are kept (the exact rank ⌈p·n⌉ is among them whatever
the rounding of p·n in doubles), and a final ``$group`` returns ONE row per group with
them; Python picks the exact rank. Needs MongoDB 5.0 (``$setWindowFields``,
``$documentNumber``); no ``$percentile`` (7.0, and approximate).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from omnigate.db.names import ROOMS
from omnigate.db.store import Pipeline, Store
from omnigate.errors import BadUserInput
from omnigate.metrics.filters import as_float, as_int
from omnigate.metrics.grouping import Grouping
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.scope import Scope

MAX_PERCENTILES = 100  # per field: each p is a condition of the $match


class DurationMetric(Enum):
    """A duration of a room, in seconds; the value is its field."""

    WAITING_TIME = "metrics.response.ft"  # of answered rooms, by who answered first
    CHAT_DURATION = "metrics.chatDuration"
    SERVICE_TIME = "metrics.serviceTimeDuration"
    RESPONSE_TIME = "metrics.response.avg"
    REACTION_TIME = "metrics.reaction.ft"

    @property
    def first_response(self) -> bool:
        """Counted over answered rooms, grouped by the agent who answered first."""
        return self is DurationMetric.WAITING_TIME


def checked_ps(ps: Sequence[float]) -> tuple[float, ...]:
    """The ps of a request: each in (0, 1], at most ``MAX_PERCENTILES``."""
    if len(ps) > MAX_PERCENTILES:
        raise BadUserInput(f"Ask for at most {MAX_PERCENTILES} percentiles at once, got {len(ps)}.")
    for p in ps:
        if not 0 < p <= 1:
            raise BadUserInput(
                f"Each p of ps must lie in (0, 1] (0.5 is the median, 1 the maximum), got {p}."
            )
    return tuple(ps)


def nearest_rank(p: float, n: int) -> int:
    """⌈p·n⌉, exactly, with ``p`` as written in decimal."""
    return math.ceil(Fraction(repr(p)) * n)


@dataclass(frozen=True, slots=True)
class PercentileQuery:
    """``metric`` over the rooms opened in ``range``, in ``scope``, grouped by ``grouping``."""

    range: TimeRange
    scope: Scope
    grouping: Grouping
    metric: DurationMetric


def percentile_pipeline(
    query: PercentileQuery, rooms: GroupQuery, ps: Collection[float]
) -> Pipeline:
    """The values near each p's rank, one row per group: ``{_id, n, ranked: [{rank, value}]}``."""
    metric, grouping = query.metric, query.grouping
    stages = grouping.match(rooms, metric.first_response)
    if metric.first_response:
        stages.append({"$match": {"waitingResponse": {"$ne": True}}})
    near = [
        {
            "$and": [
                {"$gte": ["$rank", {"$subtract": [{"$multiply": [p, "$n"]}, 1.5]}]},
                {"$lte": ["$rank", {"$add": [{"$multiply": [p, "$n"]}, 1.5]}]},
            ]
        }
        for p in sorted(set(ps))
    ]
    partition = "$group"
    return [
        *stages,
        {"$match": {metric.value: {"$type": "number"}}},
        {
            "$project": {
                "group": grouping.group_expression(metric.first_response),
                "value": f"${metric.value}",
            }
        },
        {
            "$setWindowFields": {
                "partitionBy": partition,
                "sortBy": {"value": 1, "_id": 1},
                "output": {"rank": {"$documentNumber": {}}},
            }
        },
        {
            "$setWindowFields": {
                "partitionBy": partition,
                "sortBy": {"value": -1, "_id": -1},
                "output": {"back": {"$documentNumber": {}}},
            }
        },
        {"$set": {"n": {"$add": ["$rank", "$back", -1]}}},
        {"$match": {"$expr": {"$or": near}}},
        {
            "$group": {
                "_id": partition,
                "n": {"$first": "$n"},
                "ranked": {"$push": {"rank": "$rank", "value": "$value"}},
            }
        },
    ]


async def percentiles_by_group(
    store: Store, query: PercentileQuery, groups: Collection[GroupKey], ps: Collection[float]
) -> dict[GroupKey, dict[float, float | None]]:
    """Each p's percentile for each of ``groups`` (``None`` without values), from ONE
    aggregation; nothing is queried without a p."""
    rooms = query.grouping.query(query.range, query.scope, groups)
    rows = (
        []
        if rooms.answers_nothing or not ps
        else await store.aggregate(ROOMS, percentile_pipeline(query, rooms, ps))
    )
    found = {row["_id"]: row for row in rows}
    result: dict[GroupKey, dict[float, float | None]] = {}
    for group in groups:
        row = found.get(group)
        if row is None:
            result[group] = dict.fromkeys(ps)
            continue
        n = as_int(row["n"])
        values = {as_int(item["rank"]): as_float(item["value"]) for item in row["ranked"]}
        result[group] = {p: values[nearest_rank(p, n)] for p in ps}
    return result
