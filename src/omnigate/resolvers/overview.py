"""Resolving an overview (for the workspace or one department)."""

from __future__ import annotations

import strawberry

from omnigate.context import Context
from omnigate.schema.inputs import DateRange
from omnigate.schema.overview import Overview


async def resolve_overview(
    info: strawberry.Info[Context, None],
    range: DateRange,
    department: str | None,
    timezone: str | None,
) -> Overview:
    time_range = range.to_time_range()
    reporting = await info.context.reporting_timezone(timezone)
    data = await info.context.loaders.overview.load((time_range, department, reporting))
    return Overview.from_data(data)
