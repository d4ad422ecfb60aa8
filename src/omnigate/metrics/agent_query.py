"""``AgentQuery``: the input of every per-agent aggregation family, scope included."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope


class AgentKey(Enum):
    """What rooms are grouped by: the agent's user ``_id`` (GraphQL, REST ``agents/*``) or
    its username (REST ``agent-overview``, as Rocket.Chat groups it)."""

    ID = "_id"
    USERNAME = "username"


@dataclass(frozen=True, slots=True)
class AgentQuery:
    """Rooms opened in ``range`` and in ``scope`` (of ``department`` only, when given), or
    the activity documents of the range's days in ``timezone``, grouped by agent, for the
    agents of ``groups`` only (every agent when ``None``). Hashable: it is the whole input
    of a family's aggregation, so it can key a cache."""

    range: TimeRange
    scope: Scope
    timezone: ReportingTimezone
    groups: frozenset[str] | None = None
    department: str | None = None
    key: AgentKey = AgentKey.ID

    @classmethod
    def of(
        cls,
        time_range: TimeRange,
        scope: Scope,
        timezone: ReportingTimezone,
        groups: Iterable[str] | None = None,
        *,
        department: str | None = None,
        key: AgentKey = AgentKey.ID,
    ) -> AgentQuery:
        return cls(
            time_range,
            scope,
            timezone,
            None if groups is None else frozenset(groups),
            department,
            key,
        )

    @property
    def answers_nothing(self) -> bool:
        """An empty range or agent list, a scope that sees nothing, or a department outside
        the scope: no query."""
        return (
            self.range.empty
            or (self.groups is not None and not self.groups)
            or self.scope.sees_nothing
            or (self.department is not None and not self.scope.sees_department(self.department))
        )

    @property
    def days(self) -> tuple[int, int]:
        """``YYYYMMDD`` of the start's and of the end's day in the timezone, as Rocket.Chat
        writes an activity document's ``date``."""
        first, last = (
            moment.astimezone(self.timezone.tzinfo) for moment in (self.range.start, self.range.end)
        )
        return day_number(first), day_number(last)


def day_number(moment: datetime) -> int:
    """``20240501`` for any instant of 2024-05-01 (in ``moment``'s own timezone)."""
    return moment.year * 10_000 + moment.month * 100 + moment.day
