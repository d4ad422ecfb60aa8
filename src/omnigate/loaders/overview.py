"""Loader of overviews, keyed by (range, department, reporting timezone)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.metrics.overview import OverviewData, department_overviews, overview
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone

OverviewKey = tuple[TimeRange, str | None, ReportingTimezone]
OverviewLoader = DataLoader[OverviewKey, OverviewData]


def overview_loader(store: Store) -> OverviewLoader:
    """Keys sharing a range and timezone cost one aggregation for all their departments
    (grouped by department, day and hour), plus one for the workspace if it is asked."""

    async def load(keys: Sequence[OverviewKey]) -> list[OverviewData]:
        segments: defaultdict[tuple[TimeRange, ReportingTimezone], set[str]] = defaultdict(set)
        workspace: set[tuple[TimeRange, ReportingTimezone]] = set()
        for time_range, department, timezone in keys:
            if department is None:
                workspace.add((time_range, timezone))
            else:
                segments[(time_range, timezone)].add(department)
        found: dict[OverviewKey, OverviewData] = {}

        async def fetch_departments(time_range: TimeRange, timezone: ReportingTimezone) -> None:
            rows = await department_overviews(
                store, time_range, segments[(time_range, timezone)], timezone
            )
            found.update({(time_range, d, timezone): data for d, data in rows.items()})

        async def fetch_workspace(time_range: TimeRange, timezone: ReportingTimezone) -> None:
            found[(time_range, None, timezone)] = await overview(store, time_range, None, timezone)

        await asyncio.gather(
            *(fetch_departments(*segment) for segment in segments),
            *(fetch_workspace(*segment) for segment in workspace),
        )
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)
