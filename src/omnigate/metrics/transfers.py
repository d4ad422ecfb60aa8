"""The transfers family: transfer events in the range, by their room's *current* department."""

from __future__ import annotations

from collections.abc import Collection

from omnigate.db.names import MESSAGES, ROOMS
from omnigate.db.store import Pipeline, Store
from omnigate.metrics.filters import as_int, department_filter, in_range, rows_by_department
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import DepartmentKey

TRANSFER = "livechat_transfer_history"


def transfers_pipeline(
    time_range: TimeRange, departments: Collection[DepartmentKey] | None
) -> Pipeline:
    """Count per room first, so the ``$lookup`` runs once per transferred room, not per event.

    A message whose room is gone keeps no ``room`` and lands in the ``None`` group.
    """
    pipeline: Pipeline = [
        {"$match": {"t": TRANSFER, "ts": in_range(time_range)}},
        {"$group": {"_id": "$rid", "transfers": {"$sum": 1}}},
        {
            "$lookup": {
                "from": ROOMS,
                "localField": "_id",
                "foreignField": "_id",
                "pipeline": [{"$project": {"_id": 0, "departmentId": 1}}],
                "as": "room",
            }
        },
        {"$unwind": {"path": "$room", "preserveNullAndEmptyArrays": True}},
    ]
    if departments is not None:
        pipeline.append({"$match": {"room.departmentId": department_filter(departments)}})
    pipeline.append({"$group": {"_id": "$room.departmentId", "transfers": {"$sum": "$transfers"}}})
    return pipeline


async def transfers_by_department(
    store: Store, time_range: TimeRange, departments: Collection[DepartmentKey] | None
) -> dict[DepartmentKey, int]:
    """Transfer events per current department (all when ``None``), only groups that have some."""
    return await rows_by_department(
        store,
        MESSAGES,
        time_range,
        departments,
        lambda: transfers_pipeline(time_range, departments),
        lambda document: as_int(document["transfers"]),
    )
