"""Loader of the "closed in range" family: chat duration, total service time, abandoned."""

from __future__ import annotations

from collections.abc import Collection

from omnigate.db import Store
from omnigate.loaders.family import FamilyLoader, Timeout
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import EMPTY_CLOSED, ClosedRow, DepartmentKey

ClosedLoader = FamilyLoader[ClosedRow]


def closed_loader(store: Store, timeout: Timeout) -> ClosedLoader:
    async def fetch(
        time_range: TimeRange, departments: Collection[DepartmentKey] | None
    ) -> dict[DepartmentKey, ClosedRow]:
        return await closed_by_department(store, time_range, departments, timeout=await timeout())

    return FamilyLoader(fetch, EMPTY_CLOSED)
