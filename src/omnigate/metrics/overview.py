"""The Conversations and Productivity overview: one aggregation grouped by local day and hour."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.filters import count_if, opened_match, present, sum_if
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_OPEN = {"$and": [{"$eq": ["$open", True]}, {"$ne": ["$onHold", True]}]}
_ON_HOLD = {"$eq": ["$onHold", True]}
_PRODUCTIVE = {"$and": [present("$metrics.response"), present("$metrics.reaction")]}


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
    """One row per (local day, local hour) that has rooms, with every sum the overview
    needs; with ``departments``, one row per (department, day, hour) of those departments."""
    group_id: Document = {
        "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$ts", "timezone": timezone.name}},
        "hour": {"$hour": {"date": "$ts", "timezone": timezone.name}},
    }
    if query.groups is not None:
        group_id["department"] = "$departmentId"
    return [
        *opened_match(query),
        {
            "$group": {
                "_id": group_id,
                "rooms": {"$sum": 1},
                "open": count_if(_OPEN),
                "on_hold": count_if(_ON_HOLD),
                "messages": {"$sum": "$msgs"},
                "productive": count_if(_PRODUCTIVE),
                "response_avg": sum_if(_PRODUCTIVE, "$metrics.response.avg"),
                "response_ft": sum_if(_PRODUCTIVE, "$metrics.response.ft"),
                "reaction_ft": sum_if(_PRODUCTIVE, "$metrics.reaction.ft"),
            }
        },
    ]


async def overview(
    store: Store,
    time_range: TimeRange,
    scope: Scope,
    department: str | None,
    timezone: ReportingTimezone,
) -> OverviewData:
    """The overview of the rooms opened in the range and in scope, of one department or
    all (``None``); a department outside the scope has no rooms."""
    if department is not None:
        overviews = await department_overviews(store, time_range, scope, [department], timezone)
        return overviews[department]
    query = GroupQuery.of(time_range, scope)
    rows = (
        []
        if query.answers_nothing
        else await store.aggregate(ROOMS, overview_pipeline(query, timezone), family="overview")
    )
    return fold_overview(rows, time_range, timezone)


async def department_overviews(
    store: Store,
    time_range: TimeRange,
    scope: Scope,
    departments: Collection[str],
    timezone: ReportingTimezone,
) -> dict[str, OverviewData]:
    """The overview of each of ``departments``, from ONE aggregation for all of them."""
    wanted = set(departments)
    query = GroupQuery.of(time_range, scope, filter(scope.sees_department, wanted))
    rows = (
        []
        if query.answers_nothing
        else await store.aggregate(ROOMS, overview_pipeline(query, timezone), family="overview")
    )
    by_department: defaultdict[str, list[Document]] = defaultdict(list)
    for row in rows:
        by_department[row["_id"]["department"]].append(row)
    return {d: fold_overview(by_department[d], time_range, timezone) for d in wanted}


def fold_overview(
    rows: list[Document], time_range: TimeRange, timezone: ReportingTimezone
) -> OverviewData:
    """Totals, busiest day and hour, and averages from the (day, hour) rows.

    The rows (up to 24 per day of the range) are read once into columns, each summed in
    row order; a missing or null value counts 0 (``filter(None, ...)`` drops the zeros)."""
    columns = list(zip(*map(_COLUMNS, rows), strict=True)) or [()] * len(_NAMES)
    sums: dict[str, Any] = {
        name: sum(map(int if name in _INTEGERS else float, filter(None, column)))
        for name, column in zip(_NAMES, columns, strict=True)
    }
    total, productive = sums["rooms"], sums["productive"]
    by_day: defaultdict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        by_day[row["_id"]["day"]][int(row["_id"]["hour"] or 0)] = int(row["messages"] or 0)
    busiest_day = busiest_hour = None
    if total:
        day, hours = min(by_day.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        hour, messages = min(hours.items(), key=lambda item: (-item[1], item[0]))
        weekday = WEEKDAYS[date.fromisoformat(day).weekday()]
        busiest_day = BusiestDay(day, weekday, sum(hours.values()))
        busiest_hour = BusiestHour(hour, hour_label(hour), messages)

    def mean(name: str) -> float:
        return sums[name] / productive if productive else 0.0

    return OverviewData(
        start=time_range.start,
        end=time_range.end,
        timezone=timezone.name,
        total=total,
        open=sums["open"],
        on_hold=sums["on_hold"],
        messages=sums["messages"],
        # no rooms also covers an empty range, whose day count would be meaningless
        per_day=total / calendar_days(time_range, timezone) if total else 0.0,
        busiest_day=busiest_day,
        busiest_hour=busiest_hour,
        average_response_time=mean("response_avg"),
        average_first_response_time=mean("response_ft"),
        average_reaction_time=mean("reaction_ft"),
    )


_INTEGERS = ("rooms", "productive", "open", "on_hold", "messages")
_NAMES = (*_INTEGERS, "response_avg", "response_ft", "reaction_ft")
_COLUMNS = itemgetter(*_NAMES)
