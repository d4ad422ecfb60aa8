"""Pieces shared by the pipelines: index-friendly ``$match`` stages and accumulators."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey

LIVECHAT = "l"
Row = TypeVar("Row")

Expression = Any


def in_range(time_range: TimeRange) -> Document:
    """Both ends inclusive, as Rocket.Chat queries them."""
    return {"$gte": time_range.start, "$lte": time_range.end}


def group_filter(groups: Collection[GroupKey]) -> Document:
    """A group field among ``groups``; ``None`` matches documents without one."""
    return {"$in": sorted(groups, key=lambda key: (key is not None, key or ""))}


def scope_stages(query: GroupQuery, prefix: str = "") -> list[Document]:
    """The ``$match`` stage keeping the rooms (fields under ``prefix``) in the query's scope."""
    match = query.scope.room_match(prefix)
    return [] if match is None else [{"$match": match}]


def opened_match(query: GroupQuery) -> list[Document]:
    """``$match`` stages of the livechat rooms created in the range, in scope, of the
    query's departments.

    Each filter is a stage of its own. MongoDB coalesces adjacent ``$match`` stages into
    one query (indexes {t: 1, ts: 1} or {departmentId: 1, ts: 1}: the same plan as one
    stage); SecantusDB plans each stage alone and walks {t: 1, ts: 1} for the first only
    when it holds no other range or ``$in`` (else it scans the whole collection).
    """
    stages: list[Document] = [{"$match": {"t": LIVECHAT, "ts": in_range(query.range)}}]
    if query.groups is not None:
        stages.append({"$match": {"departmentId": group_filter(query.groups)}})
    return [*stages, *scope_stages(query)]


def present(field: str) -> Expression:
    """True when ``$field`` exists and is not null (BSON orders both below every value)."""
    return {"$gt": [field, None]}


# An agent has answered: ``waitingResponse != true`` (absent counts as answered).
ANSWERED: Expression = {"$ne": ["$waitingResponse", True]}


def productivity_sums() -> Document:
    """The Productivity accumulators of SPEC §2: the rooms that have both
    ``metrics.response`` and ``metrics.reaction``, and their sums of the three averaged
    times (a missing inner value counts 0)."""
    productive = {"$and": [present("$metrics.response"), present("$metrics.reaction")]}
    return {
        "productive": count_if(productive),
        "response_avg": sum_if(productive, "$metrics.response.avg"),
        "response_ft": sum_if(productive, "$metrics.response.ft"),
        "reaction_ft": sum_if(productive, "$metrics.reaction.ft"),
    }


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
    query: GroupQuery,
    pipeline: Callable[[], Pipeline],
    row: Callable[[Document], Row],
    *,
    family: str | None = None,
) -> dict[GroupKey, Row]:
    """Run a family's pipeline (grouped by department) and read the row of each group the
    scope shows; a query that can match nothing answers ``{}`` without querying.
    ``family`` names the aggregation in the metrics (see ``Store.aggregate``)."""
    if query.answers_nothing:
        return {}
    documents = await store.aggregate(collection, pipeline(), family=family)
    scope = query.scope
    return {
        document["_id"]: row(document)
        for document in documents
        if scope.sees_department(document["_id"])
    }
