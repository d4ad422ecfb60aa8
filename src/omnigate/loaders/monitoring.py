"""Loader of the monitoring page's parts, keyed by (``MonitoringQuery``, ``Part``)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.loaders.family import SettingsReader
from omnigate.metrics.monitoring import MonitoringQuery, Part, monitoring_parts

MonitoringKey = tuple[MonitoringQuery, Part]
MonitoringLoader = DataLoader[MonitoringKey, Any]


def monitoring_loader(store: Store, settings: SettingsReader, now: datetime) -> MonitoringLoader:
    """The parts asked for the same query in one tick cost one aggregation per collection:
    every room part (conversations, charts, timings, department means) shares one.
    ``now`` ends the agents' open activity sessions."""

    async def load(keys: Sequence[MonitoringKey]) -> list[Any]:
        by_query: defaultdict[MonitoringQuery, set[Part]] = defaultdict(set)
        for query, part in keys:
            by_query[query].add(part)
        timeout = (await settings()).visitor_inactivity_timeout
        queries = list(by_query)
        results = await asyncio.gather(
            *(
                monitoring_parts(store, query, by_query[query], timeout=timeout, now=now)
                for query in queries
            )
        )
        found = dict(zip(queries, results, strict=True))
        return [found[query][part] for query, part in keys]

    return DataLoader(load_fn=load)
