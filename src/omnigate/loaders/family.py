"""The DataLoader of a metric family (see ``metrics.families``), one per family and request.

Keys are ``(TimeRange, Scope, group)``; a batch is split by (range, scope), the cache-key
segment, and each segment costs ONE aggregation with ``departmentId: {$in: [...]}`` for
every group asked in the batch. ``load_all`` answers every visible group at once (for
metric orderings) and primes the per-group cache so the page's fields cost nothing more.
``AgentFamilyLoader`` does the same for an agent family, whose query also carries the
request's reporting timezone (the same for every key of a request).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.families import FamilySpec
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.settings import RocketChatSettings
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import Scope

FamilyKey = tuple[TimeRange, Scope, GroupKey]
Segment = tuple[TimeRange, Scope]
# Rocket.Chat's settings (the inactivity timeout), read at most once per request
SettingsReader = Callable[[], Awaitable[RocketChatSettings]]
# The request's reporting timezone (the days of the activity documents)
TimezoneReader = Callable[[], Awaitable[ReportingTimezone]]


class FamilyLoader(DataLoader[FamilyKey, Any]):
    """A DataLoader over one metric family (its ``run`` is a single aggregation)."""

    def __init__(self, spec: FamilySpec[Any], store: Store, settings: SettingsReader) -> None:
        super().__init__(load_fn=self._load_batch)
        self._spec = spec
        self._store = store
        self._settings = settings
        self._all: dict[Segment, asyncio.Future[dict[GroupKey, Any]]] = {}

    async def _query(
        self, time_range: TimeRange, scope: Scope, groups: Iterable[GroupKey] | None
    ) -> Any:
        """The family's query for the groups (all visible ones when ``None``)."""
        return GroupQuery.of(time_range, scope, groups)

    async def _run(
        self, time_range: TimeRange, scope: Scope, groups: Iterable[GroupKey] | None = None
    ) -> dict[GroupKey, Any]:
        query = await self._query(time_range, scope, groups)
        return await self._spec.run(self._store, query, await self._settings())

    async def _load_batch(self, keys: Sequence[FamilyKey]) -> list[Any]:
        by_segment: dict[Segment, set[GroupKey]] = defaultdict(set)
        for time_range, scope, group in keys:
            by_segment[(time_range, scope)].add(group)
        segments = list(by_segment)
        results = await asyncio.gather(
            *(self._run(*segment, by_segment[segment]) for segment in segments)
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
            future = asyncio.ensure_future(self._run(time_range, scope))
            self._all[segment] = future
        rows = await future
        for group in groups:
            self.prime((time_range, scope, group), rows.get(group, self._spec.empty))
        return rows

    @property
    def empty(self) -> Any:
        """The row of a group without matching rooms."""
        return self._spec.empty


class AgentFamilyLoader(FamilyLoader):
    """A ``FamilyLoader`` over an agent family: groups are agent ids, and the query
    (``AgentQuery``) carries the request's reporting timezone."""

    def __init__(
        self,
        spec: FamilySpec[Any],
        store: Store,
        settings: SettingsReader,
        timezone: TimezoneReader,
    ) -> None:
        super().__init__(spec, store, settings)
        self._timezone = timezone

    async def _query(
        self, time_range: TimeRange, scope: Scope, groups: Iterable[GroupKey] | None
    ) -> AgentQuery:
        agents = None if groups is None else [group for group in groups if group is not None]
        return AgentQuery.of(time_range, scope, await self._timezone(), agents)
