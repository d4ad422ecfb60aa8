"""Loader of transferred chats (one aggregation over ``rocketchat_message``)."""

from __future__ import annotations

from collections.abc import Collection

from omnigate.db import Store
from omnigate.loaders.family import FamilyLoader
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import DepartmentKey
from omnigate.metrics.transfers import transfers_by_department

TransfersLoader = FamilyLoader[int]


def transfers_loader(store: Store) -> TransfersLoader:
    async def fetch(
        time_range: TimeRange, departments: Collection[DepartmentKey] | None
    ) -> dict[DepartmentKey, int]:
        return await transfers_by_department(store, time_range, departments)

    return FamilyLoader(fetch, 0)
