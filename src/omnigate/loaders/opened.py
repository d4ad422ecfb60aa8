"""Loader of the "opened in range" family: chats, service, waiting, abandoned %."""

from __future__ import annotations

from collections.abc import Collection

from omnigate.db import Store
from omnigate.loaders.family import FamilyLoader, Timeout
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import EMPTY_OPENED, DepartmentKey, OpenedRow

OpenedLoader = FamilyLoader[OpenedRow]


def opened_loader(store: Store, timeout: Timeout) -> OpenedLoader:
    async def fetch(
        time_range: TimeRange, departments: Collection[DepartmentKey] | None
    ) -> dict[DepartmentKey, OpenedRow]:
        return await opened_by_department(store, time_range, departments, timeout=await timeout())

    return FamilyLoader(fetch, EMPTY_OPENED)
