"""Metric orders: a window of keyset pages over objects sorted in memory by (value, ``_id``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from omnigate.resolvers.cursors import SortValue

if TYPE_CHECKING:
    from omnigate.resolvers.departments import PageRequest

T = TypeVar("T")
SortKey = tuple[float, str]


def metric_window(
    items: Sequence[T],
    id_of: Callable[[T], str],
    values: Mapping[str, SortValue],
    descending: bool,
    request: PageRequest,
) -> tuple[list[T], bool, bool]:
    """The page of ``items`` sorted by their value (``values`` by id) then ``_id``, both
    directions breaking ties by ``_id`` ascending, strictly between the request's cursors;
    and whether there are items before / after it."""
    sign = -1 if descending else 1

    def key(value: SortValue, item_id: str) -> SortKey:
        return (sign * float(value), item_id)

    ordered = sorted(items, key=lambda item: key(values[id_of(item)], id_of(item)))
    if request.after is not None:
        low = key(request.after.value, request.after.id)
        ordered = [item for item in ordered if key(values[id_of(item)], id_of(item)) > low]
    if request.before is not None:
        high = key(request.before.value, request.before.id)
        ordered = [item for item in ordered if key(values[id_of(item)], id_of(item)) < high]
    if request.from_end:
        ordered = ordered[::-1]
    return request.finish(ordered[: request.limit + 1])
