"""Reading a department metric from its loader without an async resolver per field.

The page-level resolvers prefetch every metric a query selects (see ``prefetch``); the
field resolvers are then plain functions that read the loader's finished future (~6 µs
instead of ~47 µs for an async resolver). A key that was not prefetched still works: the
resolver returns the loader's awaitable and GraphQL awaits it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
Row = TypeVar("Row")
Value = TypeVar("Value")


def read(loader: DataLoader[K, Row], key: K, extract: Callable[[Row], Value]) -> Any:
    """``extract(row)`` now if the row is loaded, else an awaitable of it."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and not future.exception():
        return extract(future.result())
    return _later(loader.load(key), extract)


async def _later(pending: Awaitable[Row], extract: Callable[[Row], Value]) -> Value:
    return extract(await pending)
