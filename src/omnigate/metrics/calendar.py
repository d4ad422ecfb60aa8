"""The buckets of a time series: local hours, days, Monday weeks and months (SPEC §9).

Buckets are computed here, in Python, from the reporting timezone's rules (``zoneinfo``):
every bucket from the one holding ``start`` to the one holding ``end``, empty ones
included, each with its own UTC instants (not clipped to the range). A bucket starts at a
local full hour, midnight, Monday midnight or the first of a month, so a day in Europe/Berlin
has 23 or 25 hourly buckets when the clocks change (the repeated hour twice, told apart by
its offset) and Asia/Kolkata's hours start at half past UTC hours. The database only says
which bucket each row belongs to (``$dateTrunc`` with the same unit and timezone).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from functools import lru_cache

from omnigate.errors import BadUserInput
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone

_QUARTER_HOUR = timedelta(minutes=15)  # every offset of today's tzdata is a multiple of it


class Granularity(Enum):
    """A bucket size; the value is ``$dateTrunc``'s unit."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bucket: ``start`` inclusive, ``end`` exclusive (the next bucket's start), UTC."""

    start: datetime
    end: datetime
    label: str  # 2024-10-27T02:00+02:00 | 2024-10-27 | 2024-W43 | 2024-10


def _local_midnight(day: date, timezone: ReportingTimezone) -> datetime:
    """The first instant of ``day`` in the timezone (``fold=0``: the earlier of two, or the
    instant the clocks jump when midnight does not exist)."""
    local = datetime(day.year, day.month, day.day, tzinfo=timezone.tzinfo)
    return local.astimezone(UTC)


def _first_day(day: date, granularity: Granularity) -> date:
    """The first day of the day, Monday week or month holding ``day``."""
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    return day


def _next_first_day(first: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return first + timedelta(days=7)
    if granularity is Granularity.MONTH:
        return date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first + timedelta(days=1)


def _hour_start(instant: datetime, timezone: ReportingTimezone) -> datetime:
    """The start of the local hour holding ``instant`` (its wall clock truncated to the
    hour, with the same ``fold``, so both runs of a repeated hour keep their own offset)."""
    local = instant.astimezone(timezone.tzinfo)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def bucket_start(
    instant: datetime, granularity: Granularity, timezone: ReportingTimezone
) -> datetime:
    """The start of the bucket holding ``instant``."""
    if granularity is Granularity.HOUR:
        return _hour_start(instant, timezone)
    day = instant.astimezone(timezone.tzinfo).date()
    return _local_midnight(_first_day(day, granularity), timezone)


def _next_start(start: datetime, granularity: Granularity, timezone: ReportingTimezone) -> datetime:
    """The start of the bucket after the one starting at ``start``."""
    if granularity is Granularity.HOUR:
        # the first quarter hour (UTC) that lies in a later local hour, then its hour's start
        later = start + _QUARTER_HOUR
        while (following := _hour_start(later, timezone)) <= start:
            later += _QUARTER_HOUR
        return following
    first = start.astimezone(timezone.tzinfo).date()
    return _local_midnight(_next_first_day(first, granularity), timezone)


def label(start: datetime, granularity: Granularity, timezone: ReportingTimezone) -> str:
    """``2024-10-27T02:00+02:00`` (HOUR), ``2024-10-27``, ``2024-W43``, ``2024-10``."""
    local = start.astimezone(timezone.tzinfo)
    if granularity is Granularity.HOUR:
        return local.isoformat(timespec="minutes")
    day = local.date()
    if granularity is Granularity.DAY:
        return day.isoformat()
    if granularity is Granularity.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


@lru_cache(maxsize=64)
def buckets(
    time_range: TimeRange, granularity: Granularity, timezone: ReportingTimezone, limit: int
) -> tuple[Bucket, ...]:
    """Every bucket from the one holding ``start`` to the one holding ``end``.

    More than ``limit`` buckets, or a bucket beyond the dates Python can represent, is bad
    input. An empty range has no bucket.
    """
    if time_range.empty:
        return ()
    found: list[Bucket] = []
    try:
        start = bucket_start(time_range.start, granularity, timezone)
        while start <= time_range.end:
            if len(found) == limit:
                raise BadUserInput(
                    f"This series has more than {limit} {granularity.name} buckets, the "
                    "limit (OMNIGATE_MAX_BUCKETS): ask for a shorter range or a coarser "
                    "granularity."
                )
            end = _next_start(start, granularity, timezone)
            found.append(Bucket(start, end, label(start, granularity, timezone)))
            start = end
    except (OverflowError, ValueError) as exc:  # datetime arithmetic, date(10000, 1, 1)
        raise BadUserInput(
            "The range is too close to the limits of the calendar (years 1 to 9999) for "
            f"{granularity.name} buckets in {timezone.name}."
        ) from exc
    return tuple(found)


def bucket_index(starts: Sequence[datetime], instant: datetime) -> int:
    """The position of the bucket holding ``instant`` among buckets starting at ``starts``
    (ascending); ``instant`` lies at or after the first start."""
    return bisect_right(starts, instant) - 1
