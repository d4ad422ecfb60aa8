"""The "closed in range" family: averageChatDuration, totalServiceTime, abandonedChats."""

from __future__ import annotations

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.filters import (
    LIVECHAT,
    as_float,
    as_int,
    at_least,
    count_if,
    group_filter,
    present,
    rows_by_department,
    scope_stages,
)
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.rows import ClosedRow, GroupKey

_SERVICE = "$metrics.serviceTimeDuration"


def closed_match(query: GroupQuery) -> list[Document]:
    """``$match`` stages of the livechat rooms with ``ts >= start`` and ``closedAt <= end`` (a
    missing closedAt never matches), in scope, of the query's departments.

    MongoDB coalesces the two stages into one query (index ``{t: 1, departmentId: 1,
    closedAt: 1}``); SecantusDB, which plans each stage alone and takes one range per
    query, walks ``{t: 1, ts: 1}`` for the first stage instead of scanning the collection.
    """
    rest: Document = {"closedAt": {"$lte": query.range.end}}
    if query.groups is not None:
        rest["departmentId"] = group_filter(query.groups)
    return [
        {"$match": {"t": LIVECHAT, "ts": {"$gte": query.range.start}}},
        {"$match": rest},
        *scope_stages(query),
    ]


def closed_accumulators(*, timeout: int) -> Document:
    """The family's ``$group`` accumulators, every one a ``$sum`` (read by ``closed_row``)."""
    return {
        "rooms": {"$sum": 1},
        "duration_seconds": {"$sum": "$metrics.chatDuration"},
        "service_rooms": count_if(present(_SERVICE)),
        "service_seconds": {"$sum": _SERVICE},
        "abandoned": count_if(at_least("$metrics.visitorInactivity", timeout)),
    }


def closed_pipeline(query: GroupQuery, *, timeout: int) -> Pipeline:
    """One ``$group`` per department with conditional accumulators for every metric."""
    return [
        *closed_match(query),
        {"$group": {"_id": "$departmentId", **closed_accumulators(timeout=timeout)}},
    ]


def closed_row(document: Document) -> ClosedRow:
    return ClosedRow(
        rooms=as_int(document["rooms"]),
        duration_seconds=as_float(document["duration_seconds"]),
        service_rooms=as_int(document["service_rooms"]),
        service_seconds=as_float(document["service_seconds"]),
        abandoned=as_int(document["abandoned"]),
    )


async def closed_by_department(
    store: Store, query: GroupQuery, *, timeout: int
) -> dict[GroupKey, ClosedRow]:
    """Rows of the query's departments that have rooms closed in the range."""
    return await rows_by_department(
        store,
        ROOMS,
        query,
        lambda: closed_pipeline(query, timeout=timeout),
        closed_row,
        family="closed",
    )
