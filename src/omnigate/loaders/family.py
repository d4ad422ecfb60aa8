"""The shared shape of the metric-family loaders.

Keys are ``(TimeRange, department)``; a batch is split by range (the cache-key segment)
and each range costs ONE aggregation with ``departmentId: {$in: [...]}`` for every
department asked in the batch. ``load_all`` answers every department at once (for metric
orderings) and primes the per-department cache so the page's fields cost nothing more.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader

from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import DepartmentKey

Row = TypeVar("Row")
Key = tuple[TimeRange, DepartmentKey]
Timeout = Callable[[], Awaitable[int]]  # the visitor-inactivity timeout, read once per request
Fetch = Callable[[TimeRange, Collection[DepartmentKey] | None], Awaitable[dict[DepartmentKey, Row]]]


class FamilyLoader(DataLoader[Key, Row], Generic[Row]):
    """A DataLoader over one metric family (``fetch`` runs its single aggregation)."""

    def __init__(self, fetch: Fetch[Row], empty: Row) -> None:
        super().__init__(load_fn=self._load_batch)
        self._fetch = fetch
        self._empty = empty
        self._all: dict[TimeRange, asyncio.Future[dict[DepartmentKey, Row]]] = {}

    async def _load_batch(self, keys: Sequence[Key]) -> list[Row]:
        by_range: dict[TimeRange, list[DepartmentKey]] = defaultdict(list)
        for time_range, department in keys:
            by_range[time_range].append(department)
        ranges = list(by_range)
        results = await asyncio.gather(*(self._fetch(r, set(by_range[r])) for r in ranges))
        rows = dict(zip(ranges, results, strict=True))
        return [rows[time_range].get(department, self._empty) for time_range, department in keys]

    async def load_all(
        self, time_range: TimeRange, departments: Iterable[DepartmentKey]
    ) -> dict[DepartmentKey, Row]:
        """Rows of every group in ``time_range``; primes the cache for ``departments``."""
        future = self._all.get(time_range)
        if future is None:
            future = asyncio.ensure_future(self._fetch(time_range, None))
            self._all[time_range] = future
        rows = await future
        for department in departments:
            self.prime((time_range, department), rows.get(department, self._empty))
        return rows

    @property
    def empty(self) -> Row:
        """The row of a department without matching rooms."""
        return self._empty
