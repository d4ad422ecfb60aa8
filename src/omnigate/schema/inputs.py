"""GraphQL inputs and enums: ``DateRange``, ``DepartmentOrder`` (its fields derived from the
metric catalogue)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from omnigate.metrics.catalog import DEPARTMENT_METRICS
from omnigate.metrics.ranges import TimeRange, checked_range


@strawberry.input(description="Two instants, both inclusive. A value without offset is UTC.")
class DateRange:
    start: datetime
    end: datetime

    def to_time_range(self) -> TimeRange:
        """The normalised range; ``start`` after ``end`` is bad input."""
        return checked_range(self.start, self.end)


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


DepartmentOrderField = strawberry.enum(
    Enum(  # type: ignore[misc]
        "DepartmentOrderField",
        [("NAME", "NAME"), *((metric.order, metric.order) for metric in DEPARTMENT_METRICS)],
    ),
    description="NAME, or a metric of the catalogue (then `range` is required).",
)


@strawberry.input(description="Sort order of departments; `range` is required for metric fields.")
class DepartmentOrder:
    field: DepartmentOrderField  # type: ignore[valid-type]
    direction: OrderDirection = OrderDirection.ASC
    range: DateRange | None = None
