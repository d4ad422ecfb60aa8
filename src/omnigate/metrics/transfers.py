"""The transfers family: transfer events in the range, by their room's *current* department."""

from __future__ import annotations

from omnigate.db.names import MESSAGES, ROOMS
from omnigate.db.store import Pipeline, Store
from omnigate.metrics.filters import (
    as_int,
    group_filter,
    in_range,
    rows_by_department,
    scope_stages,
)
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.rows import GroupKey

TRANSFER = "livechat_transfer_history"


def transfers_pipeline(query: GroupQuery) -> Pipeline:
    """Count per room first, so the ``$lookup`` runs once per transferred room, not per event.

    A message whose room is gone keeps no ``room`` and lands in the ``None`` group (never
    in a monitor's scope: transfers follow their room).
    """
    pipeline: Pipeline = [
        {"$match": {"t": TRANSFER, "ts": in_range(query.range)}},
        {"$group": {"_id": "$rid", "transfers": {"$sum": 1}}},
        {
            "$lookup": {
                "from": ROOMS,
                "localField": "_id",
                "foreignField": "_id",
                "pipeline": [{"$project": {"_id": 0, "departmentId": 1, "departmentAncestors": 1}}],
                "as": "room",
            }
        },
        {"$unwind": {"path": "$room", "preserveNullAndEmptyArrays": True}},
    ]
    if query.groups is not None:
        pipeline.append({"$match": {"room.departmentId": group_filter(query.groups)}})
    pipeline.extend(scope_stages(query, "room."))
    pipeline.append({"$group": {"_id": "$room.departmentId", "transfers": {"$sum": "$transfers"}}})
    return pipeline


async def transfers_by_department(store: Store, query: GroupQuery) -> dict[GroupKey, int]:
    """Transfer events per current department of the query, only groups that have some."""
    return await rows_by_department(
        store,
        MESSAGES,
        query,
        lambda: transfers_pipeline(query),
        lambda document: as_int(document["transfers"]),
        family="transfers",
    )
