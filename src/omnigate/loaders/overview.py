"""Loader of overviews, keyed by (range, department, reporting timezone)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.metrics.overview import OverviewData, overview
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone

OverviewKey = tuple[TimeRange, str | None, ReportingTimezone]
OverviewLoader = DataLoader[OverviewKey, OverviewData]


def overview_loader(store: Store) -> OverviewLoader:
    async def load(keys: Sequence[OverviewKey]) -> list[OverviewData]:
        return list(await asyncio.gather(*(overview(store, *key) for key in keys)))

    return DataLoader(load_fn=load)
