"""Pieces shared by the pipelines: index-friendly ``$match`` stages and accumulators."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import DepartmentKey

LIVECHAT = "l"
Row = TypeVar("Row")

Expression = Any


def in_range(time_range: TimeRange) -> Document:
    """Both ends inclusive, as Rocket.Chat queries them."""
    return {"$gte": time_range.start, "$lte": time_range.end}


def department_filter(departments: Collection[DepartmentKey]) -> Document:
    """``departmentId`` among ``departments``; ``None`` matches rooms without one."""
    return {"$in": list(dict.fromkeys(departments))}


def opened_match(
    time_range: TimeRange, departments: Collection[DepartmentKey] | None
) -> list[Document]:
    """``$match`` stages of the livechat rooms created in the range (of ``departments``).

    The department filter is a stage of its own. MongoDB coalesces adjacent ``$match``
    stages into one query (indexes {t: 1, ts: 1} or {departmentId: 1, ts: 1}: the same plan
    as one stage); SecantusDB plans each stage alone and walks {t: 1, ts: 1} for the first
    only when it holds no other range or ``$in`` (else it scans the whole collection).
    """
    stages: list[Document] = [{"$match": {"t": LIVECHAT, "ts": in_range(time_range)}}]
    if departments is not None:
        stages.append({"$match": {"departmentId": department_filter(departments)}})
    return stages


def present(field: str) -> Expression:
    """True when ``$field`` exists and is not null (BSON orders both below every value)."""
    return {"$gt": [field, None]}


# An agent has answered: ``waitingResponse != true`` (absent counts as answered).
ANSWERED: Expression = {"$ne": ["$waitingResponse", True]}


def at_least(field: str, threshold: float) -> Expression:
    return {"$gte": [field, threshold]}


def count_if(condition: Expression) -> Document:
    return {"$sum": {"$cond": [condition, 1, 0]}}


def sum_if(condition: Expression, value: Expression) -> Document:
    """Sum of ``value`` where ``condition`` holds; ``$sum`` skips missing and non-numbers."""
    return {"$sum": {"$cond": [condition, value, 0]}}


def as_int(value: Any) -> int:
    """A count from MongoDB (``int``/``Int64``, or a float after ``$sum`` of mixed types)."""
    return int(value or 0)


def as_float(value: Any) -> float:
    return float(value or 0)


async def rows_by_department(
    store: Store,
    collection: str,
    time_range: TimeRange,
    departments: Collection[DepartmentKey] | None,
    pipeline: Callable[[], Pipeline],
    row: Callable[[Document], Row],
) -> dict[DepartmentKey, Row]:
    """Run a family's pipeline (grouped by department) and read each group's row; an
    empty range or an empty department filter answers ``{}`` without querying."""
    if time_range.empty or (departments is not None and not departments):
        return {}
    documents = await store.aggregate(collection, pipeline())
    return {document["_id"]: row(document) for document in documents}
