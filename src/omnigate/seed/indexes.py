"""The indexes Rocket.Chat 7.x itself defines on the collections the analytics read."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from omnigate.db import names

_EXISTS = {"$exists": True}


def _index(*keys: str, **options: Any) -> IndexModel:
    return IndexModel([(key, ASCENDING) for key in keys], **options)


INDEXES: dict[str, list[IndexModel]] = {
    names.ROOMS: [
        _index("t", "ts"),
        _index("ts"),
        _index("departmentId", "ts", partialFilterExpression={"departmentId": _EXISTS, "t": "l"}),
        _index("t", "departmentId", "closedAt", partialFilterExpression={"closedAt": _EXISTS}),
        _index("closedAt", sparse=True),
        _index("open", sparse=True),
        _index("metrics.visitorInactivity", sparse=True),
    ],
    names.MESSAGES: [
        _index("t", sparse=True),
        _index("rid", "ts", "_updatedAt"),
        _index("ts"),
    ],
    names.USERS: [
        _index("services.resume.loginTokens.hashedToken", unique=True, sparse=True),
    ],
    names.DEPARTMENTS: [
        _index("name"),
    ],
    names.DEPARTMENT_AGENTS: [
        _index("departmentId"),
        _index("agentId"),
        _index("departmentId", "username", unique=True),
    ],
    names.AGENT_ACTIVITY: [
        _index("date"),
        _index("agentId", "date", unique=True),
    ],
}  # fmt: skip


def create_indexes(db: Database[dict[str, Any]]) -> None:
    for collection, models in INDEXES.items():
        db[collection].create_indexes(models)
