"""Resolving an overview (for the workspace or one department) in the caller's scope."""

from __future__ import annotations

import strawberry

from omnigate.context import Context
from omnigate.metrics.overview import OverviewData
from omnigate.metrics.ranges import TimeRange


async def resolve_overview(
    info: strawberry.Info[Context, None],
    time_range: TimeRange,
    department: str | None,
    timezone: str | None,
) -> OverviewData:
    context = info.context
    reporting = await context.reporting_timezone(timezone)
    return await context.loaders.overview.load((time_range, context.scope, department, reporting))
