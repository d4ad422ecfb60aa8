"""The Conversations and Productivity overview: one aggregation answering one row per
department (or one for the workspace), its busiest day chosen inside the database."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.errors import LimitExceeded
from omnigate.metrics.filters import (
    as_float,
    as_int,
    count_if,
    opened_match,
    productivity_sums,
)
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope

# Default of OMNIGATE_MAX_OVERVIEW_DAYS: two years (and a day) of a page of departments.
MAX_OVERVIEW_DAYS = 732

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_OPEN = {"$and": [{"$eq": ["$open", True]}, {"$ne": ["$onHold", True]}]}
_ON_HOLD = {"$eq": ["$onHold", True]}


@dataclass(frozen=True, slots=True)
class BusiestDay:
    date: str  # YYYY-MM-DD in the reporting timezone
    weekday: str  # English name
    messages: int


@dataclass(frozen=True, slots=True)
class BusiestHour:
    hour: int  # 0-23 in the reporting timezone
    label: str  # "7AM- 8AM"
    messages: int


@dataclass(frozen=True, slots=True)
class OverviewData:
    """The overview of the rooms opened in a range (SPEC §2), durations in seconds."""

    start: datetime
    end: datetime
    timezone: str
    total: int
    open: int
    on_hold: int
    messages: int
    per_day: float
    busiest_day: BusiestDay | None
    busiest_hour: BusiestHour | None
    average_response_time: float
    average_first_response_time: float
    average_reaction_time: float


def hour_label(hour: int) -> str:
    """Rocket.Chat's 12-hour label of the hour starting at ``hour``: 7 → ``"7AM- 8AM"``."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be within 0-23, got {hour}")
    return f"{_twelve_hour(hour)}- {_twelve_hour(hour + 1)}"


def _twelve_hour(hour: int) -> str:
    return f"{hour % 12 or 12}{'AM' if hour % 24 < 12 else 'PM'}"


def calendar_days(time_range: TimeRange, timezone: ReportingTimezone) -> int:
    """Calendar days from the start's day to the end's day, both included, in the timezone."""
    first = time_range.start.astimezone(timezone.tzinfo).date()
    last = time_range.end.astimezone(timezone.tzinfo).date()
    return (last - first).days + 1


def overview_pipeline(query: GroupQuery, timezone: ReportingTimezone) -> Pipeline:
    """One row per department of the query's groups that has rooms in scope (one row for
    the workspace when ``groups`` is ``None``), whatever the length of the range.

    Each row carries the sums the overview needs, its busiest local day (``day``: heaviest
    by messages, ties to the earliest) and that day's ``hours`` (``[{hour, messages}]``, at
    most 24, in no particular order). The intermediate groups are (department, day, hour)
    then (department, day), so the database's work is bounded by departments x days (see
    ``max_days``). MongoDB 5.0 operators only: ``$group``, ``$push``, ``$sort``, ``$first``,
    ``$dateToString`` and ``$hour`` with a timezone.
    """
    local = {"date": "$ts", "timezone": timezone.name}
    department = "$departmentId" if query.groups is not None else None
    totals = {name: {"$sum": f"${name}"} for name in (*_COUNTS, *_DURATIONS)}
    return [
        *opened_match(query),
        {
            "$group": {
                "_id": {
                    "department": department,
                    "day": {"$dateToString": {"format": "%Y-%m-%d", **local}},
                    "hour": {"$hour": local},
                },
                "rooms": {"$sum": 1},
                "open": count_if(_OPEN),
                "on_hold": count_if(_ON_HOLD),
                "messages": {"$sum": "$msgs"},
                **productivity_sums(),
            }
        },
        {
            "$group": {
                "_id": {"department": "$_id.department", "day": "$_id.day"},
                "hours": {"$push": {"hour": "$_id.hour", "messages": "$messages"}},
                **totals,
            }
        },
        # The busiest day first in each department: most messages, then the earliest day.
        {"$sort": {"_id.department": 1, "messages": -1, "_id.day": 1}},
        {
            "$group": {
                "_id": "$_id.department",
                "day": {"$first": "$_id.day"},
                "hours": {"$first": "$hours"},
                **totals,
            }
        },
    ]


def check_days(time_range: TimeRange, timezone: ReportingTimezone, max_days: int) -> None:
    """``LimitExceeded`` when the range spans more than ``max_days`` local calendar days."""
    if time_range.empty:
        return
    days = calendar_days(time_range, timezone)
    if days > max_days:
        raise LimitExceeded(
            f"The overview range spans {days} days, more than the limit of {max_days} "
            "(OMNIGATE_MAX_OVERVIEW_DAYS): ask for a shorter range."
        )


async def overview(
    store: Store,
    time_range: TimeRange,
    scope: Scope,
    department: str | None,
    timezone: ReportingTimezone,
    *,
    max_days: int = MAX_OVERVIEW_DAYS,
) -> OverviewData:
    """The overview of the rooms opened in the range and in scope, of one department or
    all (``None``; a department outside the scope has no rooms); a range of more than
    ``max_days`` local days is ``LimitExceeded``."""
    if department is not None:
        overviews = await department_overviews(
            store, time_range, scope, [department], timezone, max_days=max_days
        )
        return overviews[department]
    check_days(time_range, timezone, max_days)
    query = GroupQuery.of(time_range, scope)
    rows = (
        []
        if query.answers_nothing
        else await store.aggregate(ROOMS, overview_pipeline(query, timezone), family="overview")
    )
    return overview_of(rows[0] if rows else None, time_range, timezone)


async def department_overviews(
    store: Store,
    time_range: TimeRange,
    scope: Scope,
    departments: Collection[str],
    timezone: ReportingTimezone,
    *,
    max_days: int = MAX_OVERVIEW_DAYS,
) -> dict[str, OverviewData]:
    """The overview of each of ``departments``, from ONE aggregation answering one row per
    department; a range of more than ``max_days`` local days is ``LimitExceeded``."""
    wanted = set(departments)
    check_days(time_range, timezone, max_days)
    query = GroupQuery.of(time_range, scope, filter(scope.sees_department, wanted))
    rows = (
        []
        if query.answers_nothing
        else await store.aggregate(ROOMS, overview_pipeline(query, timezone), family="overview")
    )
    by_department = {row["_id"]: row for row in rows}
    return {d: overview_of(by_department.get(d), time_range, timezone) for d in wanted}


def overview_of(
    row: Document | None, time_range: TimeRange, timezone: ReportingTimezone
) -> OverviewData:
    """The overview from one row of ``overview_pipeline`` (``None``: no rooms); the
    busiest hour is chosen among the busiest day's hours (ties to the earliest)."""
    found = row or {}
    counts = {name: as_int(found.get(name)) for name in _COUNTS}
    durations = {name: as_float(found.get(name)) for name in _DURATIONS}
    total, productive = counts["rooms"], counts["productive"]
    busiest_day = busiest_hour = None
    if row is not None and total:
        hours = {as_int(item.get("hour")): as_int(item.get("messages")) for item in row["hours"]}
        hour, messages = min(hours.items(), key=lambda item: (-item[1], item[0]))
        day = row["day"]
        weekday = WEEKDAYS[date.fromisoformat(day).weekday()]
        busiest_day = BusiestDay(day, weekday, sum(hours.values()))
        busiest_hour = BusiestHour(hour, hour_label(hour), messages)

    def mean(name: str) -> float:
        return durations[name] / productive if productive else 0.0

    return OverviewData(
        start=time_range.start,
        end=time_range.end,
        timezone=timezone.name,
        total=total,
        open=counts["open"],
        on_hold=counts["on_hold"],
        messages=counts["messages"],
        # no rooms also covers an empty range, whose day count would be meaningless
        per_day=total / calendar_days(time_range, timezone) if total else 0.0,
        busiest_day=busiest_day,
        busiest_hour=busiest_hour,
        average_response_time=mean("response_avg"),
        average_first_response_time=mean("response_ft"),
        average_reaction_time=mean("reaction_ft"),
    )


_COUNTS = ("rooms", "productive", "open", "on_hold", "messages")
_DURATIONS = ("response_avg", "response_ft", "reaction_ft")
