"""Time series (SPEC §9): the metrics of the rooms opened in each local hour, day, week or month.

ONE aggregation per (range, scope, grouping, granularity, timezone) answers every group of
a page: ``$group`` by (group, ``$dateTrunc`` of ``ts`` in the reporting timezone) with a
conditional sum per metric and one count per service-level threshold, so MongoDB returns
one row per (group, bucket) that has rooms, never one per room. The buckets themselves,
empty ones included, come from ``calendar.buckets``. Needs MongoDB 5.0 (``$dateTrunc``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.calendar import Bucket, Granularity, bucket_index, buckets
from omnigate.metrics.filters import (
    ANSWERED,
    Expression,
    as_float,
    as_int,
    at_least,
    count_if,
    productivity_sums,
    sum_if,
)
from omnigate.metrics.grouping import Grouping
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.service_level import level_counts, levels, percentage
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope

_HAS_DURATION = {"$isNumber": "$metrics.chatDuration"}


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


@dataclass(frozen=True, slots=True)
class BucketCounts:
    """Sums over the rooms opened in one bucket (and in the range) of one group."""

    rooms: int = 0
    answered: int = 0  # waitingResponse != true
    messages: int = 0  # sum of msgs
    abandoned: int = 0  # metrics.visitorInactivity >= timeout
    waiting_seconds: float = 0.0  # sum of metrics.response.ft over answered rooms
    durations: int = 0  # rooms whose metrics.chatDuration is a number
    duration_seconds: float = 0.0
    productive: int = 0  # rooms with metrics.response and metrics.reaction
    response_avg: float = 0.0  # sums over the productive rooms (a missing value counts 0)
    response_ft: float = 0.0
    reaction_ft: float = 0.0
    within: dict[int, int] = field(default_factory=dict)  # threshold -> rooms answered within


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """A bucket and the metrics of its rooms; averages are ``None`` when no room qualifies."""

    bucket: Bucket
    counts: BucketCounts

    @property
    def chats(self) -> int:
        return self.counts.rooms

    @property
    def answered_chats(self) -> int:
        return self.counts.answered

    @property
    def messages(self) -> int:
        return self.counts.messages

    @property
    def abandoned_chats_percentage(self) -> float:
        return percentage(self.counts.abandoned, self.counts.rooms)

    @property
    def average_waiting_time(self) -> float | None:
        return _mean(self.counts.waiting_seconds, self.counts.answered)

    @property
    def average_chat_duration(self) -> float | None:
        return _mean(self.counts.duration_seconds, self.counts.durations)

    @property
    def average_response_time(self) -> float | None:
        return _mean(self.counts.response_avg, self.counts.productive)

    @property
    def average_first_response_time(self) -> float | None:
        return _mean(self.counts.response_ft, self.counts.productive)

    @property
    def average_reaction_time(self) -> float | None:
        return _mean(self.counts.reaction_ft, self.counts.productive)

    def service_level(self, threshold_seconds: int) -> float:
        """Share (0-100) of the bucket's rooms answered within the threshold, which must be
        among the thresholds the series was loaded with (0 without rooms)."""
        if not self.counts.rooms:
            return 0.0
        return percentage(self.counts.within[threshold_seconds], self.counts.rooms)


Series = tuple[SeriesPoint, ...]
_EMPTY = BucketCounts()


@dataclass(frozen=True, slots=True)
class SeriesQuery:
    """The rooms opened in ``range`` and in ``scope``, grouped by ``grouping`` and bucketed
    by ``granularity`` in ``timezone``; at most ``max_buckets`` buckets."""

    range: TimeRange
    scope: Scope
    grouping: Grouping
    granularity: Granularity
    timezone: ReportingTimezone
    max_buckets: int

    def buckets(self) -> tuple[Bucket, ...]:
        """The series' buckets; more than ``max_buckets`` is ``BadUserInput``."""
        return buckets(self.range, self.granularity, self.timezone, self.max_buckets)

    def truncated_ts(self) -> Expression:
        """The start of the bucket holding a room's ``ts`` (``$dateTrunc``, MongoDB 5.0)."""
        arguments: Document = {
            "date": "$ts",
            "unit": self.granularity.value,
            "timezone": self.timezone.name,
        }
        if self.granularity is Granularity.WEEK:
            arguments["startOfWeek"] = "monday"
        return {"$dateTrunc": arguments}


def series_pipeline(
    query: SeriesQuery, rooms: GroupQuery, thresholds: Collection[int], *, timeout: int
) -> Pipeline:
    """One ``$group`` per (group, bucket) with a conditional sum per metric."""
    answered_ft = sum_if(ANSWERED, "$metrics.response.ft")
    return [
        *query.grouping.match(rooms),
        {
            "$group": {
                "_id": {"group": query.grouping.group_expression(), "start": query.truncated_ts()},
                "rooms": {"$sum": 1},
                "answered": count_if(ANSWERED),
                "messages": {"$sum": "$msgs"},
                "abandoned": count_if(at_least("$metrics.visitorInactivity", timeout)),
                "waiting_seconds": answered_ft,
                "durations": count_if(_HAS_DURATION),
                "duration_seconds": sum_if(_HAS_DURATION, "$metrics.chatDuration"),
                **productivity_sums(),
                **level_counts(thresholds),
            }
        },
    ]


def _counts(row: Document, thresholds: Collection[int]) -> BucketCounts:
    return BucketCounts(
        rooms=as_int(row["rooms"]),
        answered=as_int(row["answered"]),
        messages=as_int(row["messages"]),
        abandoned=as_int(row["abandoned"]),
        waiting_seconds=as_float(row["waiting_seconds"]),
        durations=as_int(row["durations"]),
        duration_seconds=as_float(row["duration_seconds"]),
        productive=as_int(row["productive"]),
        response_avg=as_float(row["response_avg"]),
        response_ft=as_float(row["response_ft"]),
        reaction_ft=as_float(row["reaction_ft"]),
        within=levels(row, thresholds),
    )


async def series_by_group(
    store: Store,
    query: SeriesQuery,
    groups: Collection[GroupKey],
    thresholds: Collection[int],
    *,
    timeout: int,
) -> dict[GroupKey, Series]:
    """The series of each of ``groups`` (every bucket, empty ones included), with the
    service level of each of ``thresholds`` per bucket, from ONE aggregation."""
    calendar = query.buckets()
    rooms = query.grouping.query(query.range, query.scope, groups)
    rows = (
        []
        if rooms.answers_nothing
        else await store.aggregate(
            ROOMS, series_pipeline(query, rooms, thresholds, timeout=timeout)
        )
    )
    starts = [bucket.start for bucket in calendar]
    found: defaultdict[GroupKey, dict[int, BucketCounts]] = defaultdict(dict)
    for row in rows:
        key = row["_id"]
        found[key.get("group")][bucket_index(starts, key["start"])] = _counts(row, thresholds)
    return {
        group: tuple(
            SeriesPoint(bucket, found[group].get(index, _EMPTY))
            for index, bucket in enumerate(calendar)
        )
        for group in groups
    }
