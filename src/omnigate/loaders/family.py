"""The DataLoader of a metric family (see ``metrics.families``), one per family and request.

Keys are ``(TimeRange, Scope, group)``; a batch is split by (range, scope), the cache-key
segment, and each segment costs ONE aggregation with ``departmentId: {$in: [...]}`` for
every group asked in the batch. ``load_all`` answers every visible group at once (for
metric orderings) and primes the per-group cache so the page's fields cost nothing more.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.metrics.families import FamilySpec
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.settings import RocketChatSettings
from omnigate.scope import Scope

FamilyKey = tuple[TimeRange, Scope, GroupKey]
Segment = tuple[TimeRange, Scope]
# Rocket.Chat's settings (the inactivity timeout), read at most once per request
SettingsReader = Callable[[], Awaitable[RocketChatSettings]]


class FamilyLoader(DataLoader[FamilyKey, Any]):
    """A DataLoader over one metric family (its ``run`` is a single aggregation)."""

    def __init__(self, spec: FamilySpec[Any], store: Store, settings: SettingsReader) -> None:
        super().__init__(load_fn=self._load_batch)
        self._spec = spec
        self._store = store
        self._settings = settings
        self._all: dict[Segment, asyncio.Future[dict[GroupKey, Any]]] = {}

    async def _run(self, query: GroupQuery) -> dict[GroupKey, Any]:
        return await self._spec.run(self._store, query, await self._settings())

    async def _load_batch(self, keys: Sequence[FamilyKey]) -> list[Any]:
        by_segment: dict[Segment, set[GroupKey]] = defaultdict(set)
        for time_range, scope, group in keys:
            by_segment[(time_range, scope)].add(group)
        segments = list(by_segment)
        results = await asyncio.gather(
            *(self._run(GroupQuery.of(*segment, by_segment[segment])) for segment in segments)
        )
        rows = dict(zip(segments, results, strict=True))
        empty = self._spec.empty
        return [rows[(time_range, scope)].get(group, empty) for time_range, scope, group in keys]

    async def load_all(
        self, time_range: TimeRange, scope: Scope, groups: Iterable[GroupKey]
    ) -> dict[GroupKey, Any]:
        """Rows of every visible group; primes the cache for ``groups``."""
        segment = (time_range, scope)
        future = self._all.get(segment)
        if future is None:
            future = asyncio.ensure_future(self._run(GroupQuery.of(time_range, scope)))
            self._all[segment] = future
        rows = await future
        for group in groups:
            self.prime((time_range, scope, group), rows.get(group, self._spec.empty))
        return rows

    @property
    def empty(self) -> Any:
        """The row of a group without matching rooms."""
        return self._spec.empty
