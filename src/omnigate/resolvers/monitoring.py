"""Resolving ``Query.monitoring``: its query, its parts (through the request's loader) and
the departments of its per-department chart, in the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from omnigate.context import Context
from omnigate.metrics.catalog import DEPARTMENT_METRICS_BY_NAME
from omnigate.metrics.monitoring import MonitoringQuery, MonitoringRow, Part
from omnigate.metrics.ranges import TimeRange
from omnigate.resolvers.departments import DepartmentNode
from omnigate.resolvers.prefetch import prefetch

Info = strawberry.Info[Context, None]


async def monitoring_query(
    info: Info, time_range: TimeRange, department: str | None, timezone: str | None
) -> MonitoringQuery:
    context = info.context
    reporting = await context.reporting_timezone(timezone)
    return MonitoringQuery(time_range, context.scope, department, reporting)


async def monitoring_part(info: Info, query: MonitoringQuery, part: Part) -> Any:
    """One part of the page; parts asked in the same tick share their aggregations."""
    return await info.context.loaders.monitoring.load((query, part))


@dataclass(frozen=True, slots=True)
class DepartmentChats:
    """A department of the per-department chart: its rooms opened in the range, open or not."""

    department: DepartmentNode
    open: int
    closed: int


async def resolve_chats_per_department(info: Info, query: MonitoringQuery) -> list[DepartmentChats]:
    """The visible departments with rooms opened in the range, by name (then ``_id``), with
    the metrics their selection asks for prefetched; rooms without department, or whose
    department no longer exists, are left out."""
    context = info.context
    rows: dict[str | None, MonitoringRow] = await monitoring_part(info, query, Part.DEPARTMENTS)
    ids = [key for key, row in rows.items() if key is not None and row.opened.rooms]
    found = await context.loaders.departments.load_many(ids)
    records = sorted((r for r in found if r is not None), key=lambda r: (r.name, r.id))
    prefetched = await prefetch(
        info,
        type_name="Department",
        groups=[record.id for record in records],
        metrics=DEPARTMENT_METRICS_BY_NAME,
        path=("department",),
    )
    return [
        DepartmentChats(
            DepartmentNode(record, prefetched.get(record.id)),
            rows[record.id].open_rooms,
            rows[record.id].finished_rooms,
        )
        for record in records
    ]
