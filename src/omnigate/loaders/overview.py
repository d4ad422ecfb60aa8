"""Loader of overviews, keyed by (range, department, reporting timezone)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.errors import LimitExceeded
from omnigate.metrics.overview import OverviewData, department_overviews, overview
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope

OverviewKey = tuple[TimeRange, Scope, str | None, ReportingTimezone]
Segment = tuple[TimeRange, Scope, ReportingTimezone]
OverviewLoader = DataLoader[OverviewKey, OverviewData]


def overview_loader(store: Store, max_days: int) -> OverviewLoader:
    """Keys sharing a range, scope and timezone cost one aggregation for all their
    departments (one row per department), plus one for the workspace if it is asked. A
    range of more than ``max_days`` local days fails its own keys with ``LimitExceeded``."""

    async def load(keys: Sequence[OverviewKey]) -> list[OverviewData | LimitExceeded]:
        segments: defaultdict[Segment, set[str]] = defaultdict(set)
        workspace: set[Segment] = set()
        for time_range, scope, department, timezone in keys:
            if department is None:
                workspace.add((time_range, scope, timezone))
            else:
                segments[(time_range, scope, timezone)].add(department)
        found: dict[OverviewKey, OverviewData | LimitExceeded] = {}

        async def fetch_departments(
            time_range: TimeRange, scope: Scope, timezone: ReportingTimezone
        ) -> None:
            wanted = segments[(time_range, scope, timezone)]
            try:
                rows = await department_overviews(
                    store, time_range, scope, wanted, timezone, max_days=max_days
                )
            except LimitExceeded as exc:
                found.update({(time_range, scope, d, timezone): exc for d in wanted})
                return
            found.update({(time_range, scope, d, timezone): data for d, data in rows.items()})

        async def fetch_workspace(
            time_range: TimeRange, scope: Scope, timezone: ReportingTimezone
        ) -> None:
            key = (time_range, scope, None, timezone)
            try:
                found[key] = await overview(
                    store, time_range, scope, None, timezone, max_days=max_days
                )
            except LimitExceeded as exc:
                found[key] = exc

        await asyncio.gather(
            *(fetch_departments(*segment) for segment in segments),
            *(fetch_workspace(*segment) for segment in workspace),
        )
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)
