"""The "opened in range" family: chats, averageServiceTime, averageWaitingTime, abandonment %."""

from __future__ import annotations

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.filters import (
    ANSWERED,
    as_float,
    as_int,
    at_least,
    count_if,
    opened_match,
    present,
    rows_by_department,
    sum_if,
)
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.rows import GroupKey, OpenedRow

_SERVED = {"$and": [present("$responseBy.lastMessageTs"), present("$servedBy._id")]}


def opened_accumulators(*, timeout: int) -> Document:
    """The family's ``$group`` accumulators, every one a ``$sum`` (read by ``opened_row``)."""
    return {
        "rooms": {"$sum": 1},
        "answered": count_if(ANSWERED),
        "service_rooms": count_if(_SERVED),
        "service_ms": sum_if(_SERVED, {"$subtract": ["$responseBy.lastMessageTs", "$servedBy.ts"]}),
        "waiting_seconds": sum_if(ANSWERED, "$metrics.response.ft"),
        "abandoned": count_if(at_least("$metrics.visitorInactivity", timeout)),
    }


def opened_pipeline(query: GroupQuery, *, timeout: int) -> Pipeline:
    """One ``$group`` per department with conditional accumulators for every metric."""
    return [
        *opened_match(query),
        {"$group": {"_id": "$departmentId", **opened_accumulators(timeout=timeout)}},
    ]


def opened_row(document: Document) -> OpenedRow:
    return OpenedRow(
        rooms=as_int(document["rooms"]),
        answered=as_int(document["answered"]),
        service_rooms=as_int(document["service_rooms"]),
        service_seconds=as_float(document["service_ms"]) / 1000,
        waiting_seconds=as_float(document["waiting_seconds"]),
        abandoned=as_int(document["abandoned"]),
    )


async def opened_by_department(
    store: Store, query: GroupQuery, *, timeout: int
) -> dict[GroupKey, OpenedRow]:
    """Rows of the query's departments that have rooms opened in the range."""
    return await rows_by_department(
        store,
        ROOMS,
        query,
        lambda: opened_pipeline(query, timeout=timeout),
        opened_row,
        family="opened",
    )
