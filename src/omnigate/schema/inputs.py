"""GraphQL inputs and enums: ``DateRange``, ``DepartmentOrder``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from omnigate.errors import BadUserInput
from omnigate.metrics.ranges import TimeRange


@strawberry.input(description="Two instants, both inclusive. A value without offset is UTC.")
class DateRange:
    start: datetime
    end: datetime

    def to_time_range(self) -> TimeRange:
        """The normalised range; ``start`` after ``end`` is bad input."""
        time_range = TimeRange.of(self.start, self.end)
        if time_range.empty:
            raise BadUserInput(
                f"range.start ({self.start.isoformat()}) is after range.end "
                f"({self.end.isoformat()}): give a start at or before the end."
            )
        return time_range


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class DepartmentOrderField(Enum):
    NAME = "NAME"
    CHATS = "CHATS"
    TRANSFERRED_CHATS = "TRANSFERRED_CHATS"
    ABANDONED_CHATS = "ABANDONED_CHATS"
    ABANDONED_CHATS_PERCENTAGE = "ABANDONED_CHATS_PERCENTAGE"
    AVERAGE_SERVICE_TIME = "AVERAGE_SERVICE_TIME"
    AVERAGE_CHAT_DURATION = "AVERAGE_CHAT_DURATION"
    TOTAL_SERVICE_TIME = "TOTAL_SERVICE_TIME"
    AVERAGE_WAITING_TIME = "AVERAGE_WAITING_TIME"


@strawberry.input(description="Sort order of departments; `range` is required for metric fields.")
class DepartmentOrder:
    field: DepartmentOrderField
    direction: OrderDirection = OrderDirection.ASC
    range: DateRange | None = None
