"""Loaders of the trend families (series, percentiles, service level), one each per request.

A key is ``(query, options, group)``: the family's query (range, scope, grouping and the
rest, e.g. granularity and timezone), the options of one field (service-level thresholds,
ps) and a group (department, agent, ``None`` for the workspace). Keys sharing a query cost
ONE aggregation for all their groups and the union of their options; each key then gets
its own options' answer. A query that fails fails only its own keys.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.loaders.family import SettingsReader
from omnigate.metrics.percentiles import PercentileQuery, percentiles_by_group
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.series import Series, SeriesQuery, series_by_group
from omnigate.metrics.service_level import ServiceLevelQuery, service_levels

TrendKey = tuple[Hashable, tuple[Any, ...], GroupKey]
Run = Callable[[Any, Collection[GroupKey], Collection[Any]], Awaitable[Mapping[GroupKey, Any]]]
Pick = Callable[[Any, tuple[Any, ...]], Any]


class TrendLoader(DataLoader[TrendKey, Any]):
    """Runs ``run(query, groups, options)`` once per query of a batch; a key's value is
    ``pick(its group's result, its options)``."""

    def __init__(self, run: Run, pick: Pick) -> None:
        super().__init__(load_fn=self._load_batch)
        self._run = run
        self._pick = pick

    async def _load_batch(self, keys: Sequence[TrendKey]) -> list[Any]:
        groups: defaultdict[Hashable, set[GroupKey]] = defaultdict(set)
        options: defaultdict[Hashable, set[Any]] = defaultdict(set)
        for query, wanted, group in keys:
            groups[query].add(group)
            options[query].update(wanted)
        queries = list(groups)
        results = await asyncio.gather(
            *(self._run(query, groups[query], options[query]) for query in queries),
            return_exceptions=True,
        )
        found = dict(zip(queries, results, strict=True))
        values: list[Any] = []
        for query, wanted, group in keys:
            result = found[query]
            if isinstance(result, BaseException):
                values.append(result)
            else:
                values.append(self._pick(result[group], wanted))
        return values


def series_loader(store: Store, settings: SettingsReader) -> TrendLoader:
    """Keys ``(SeriesQuery, thresholds, group)``: a group's whole ``Series``."""

    async def run(
        query: SeriesQuery, groups: Collection[GroupKey], thresholds: Collection[int]
    ) -> Mapping[GroupKey, Series]:
        timeout = (await settings()).visitor_inactivity_timeout
        return await series_by_group(store, query, groups, thresholds, timeout=timeout)

    return TrendLoader(run, lambda series, _: series)


def percentiles_loader(store: Store) -> TrendLoader:
    """Keys ``(PercentileQuery, ps, group)``: the group's percentile of each p, in order."""

    async def run(
        query: PercentileQuery, groups: Collection[GroupKey], ps: Collection[float]
    ) -> Mapping[GroupKey, dict[float, float | None]]:
        return await percentiles_by_group(store, query, groups, ps)

    return TrendLoader(run, lambda values, ps: [values[p] for p in ps])


def service_level_loader(store: Store) -> TrendLoader:
    """Keys ``(ServiceLevelQuery, (thresholdSeconds,), group)``: the group's level."""

    async def run(
        query: ServiceLevelQuery, groups: Collection[GroupKey], thresholds: Collection[int]
    ) -> Mapping[GroupKey, dict[int, float]]:
        return await service_levels(store, query, groups, thresholds)

    return TrendLoader(run, lambda levels, thresholds: levels[thresholds[0]])
