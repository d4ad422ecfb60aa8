"""Reading a metric of one group from its family's loader, without an async resolver.

The page-level resolvers prefetch every metric a query selects (see ``prefetch``); a field
resolver then reads the loader's finished future synchronously (an async resolver costs
several times more per field, see docs/benchmarks.md). A key that was not prefetched still
works: the loader's awaitable is returned and GraphQL awaits it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from omnigate.context import Context
from omnigate.metrics.catalog import Arguments, Metric
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey


def metric_value(
    context: Context, metric: Metric, time_range: TimeRange, group: GroupKey, arguments: Arguments
) -> Any:
    """The metric's value for ``group``: now if its row is loaded, else an awaitable of it."""
    loader = context.loaders.family(metric.family)
    key = (time_range, context.scope, group)
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and not future.exception():
        return metric.value(future.result(), arguments)
    return _later(loader.load(key), metric, arguments)


async def _later(pending: Awaitable[Any], metric: Metric, arguments: Arguments) -> Any:
    return metric.value(await pending, arguments)
