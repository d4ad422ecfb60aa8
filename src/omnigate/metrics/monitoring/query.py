"""``MonitoringQuery``: what the real-time monitoring figures are computed for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo

from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope

_DAY_START = time(0, 0)
# fold=1: where the clock is set back around midnight, the later 23:59:59.999 ends the day.
_DAY_END = time(23, 59, 59, 999_000, fold=1)


def agent_departments(scope: Scope, department: str | None) -> frozenset[str] | None:
    """The departments whose agents (and visitors) count: the filter if the scope shows it,
    else a monitor's departments; ``None`` means every agent. Empty: none at all."""
    if department is not None:
        return frozenset([department]) if scope.sees_department(department) else frozenset()
    return None if scope.units is None else scope.departments


@dataclass(frozen=True, slots=True)
class MonitoringQuery:
    """Rooms opened in ``range`` (and closed in it), in ``scope``, of ``department`` (all
    when ``None``); day-based figures use ``timezone``. Hashable: a loader key."""

    range: TimeRange
    scope: Scope
    department: str | None
    timezone: ReportingTimezone

    @property
    def rooms(self) -> GroupQuery:
        """The rooms of the range as a family's query (the department filter as its group)."""
        return self.rooms_in(self.range)

    def rooms_in(self, time_range: TimeRange) -> GroupQuery:
        groups = None if self.department is None else agent_departments(self.scope, self.department)
        return GroupQuery(time_range, self.scope, groups)

    @property
    def days(self) -> TimeRange:
        """The whole days of the range in the timezone, as Rocket.Chat's overview takes them
        (an empty range stays empty)."""
        if self.range.empty:
            return self.range
        zone = self.timezone.tzinfo
        return TimeRange.of(
            _day_bound(self.range.start, zone, _DAY_START),
            _day_bound(self.range.end, zone, _DAY_END),
        )

    @property
    def activity_day(self) -> int:
        """``YYYYMMDD`` of the range's start in the timezone: the agent activity's ``date``."""
        try:
            day = self.range.start.astimezone(self.timezone.tzinfo).date()
        except OverflowError:
            day = self.range.start.date()
        return day.year * 10_000 + day.month * 100 + day.day

    @property
    def agent_departments(self) -> frozenset[str] | None:
        return agent_departments(self.scope, self.department)

    @property
    def answers_nothing(self) -> bool:
        """No room, visitor or activity can match: answer without querying."""
        return self.rooms.answers_nothing


def _day_bound(instant: datetime, zone: tzinfo, at: time) -> datetime:
    """``at`` on the instant's day in ``zone``; ``instant`` itself where that falls outside
    the years datetime can hold (year 1 or 9999 pushed over by the offset)."""
    try:
        return datetime.combine(instant.astimezone(zone).date(), at, zone).astimezone(UTC)
    except OverflowError:
        return instant
