"""Rocket.Chat's departments (``rocketchat_livechat_department``) as plain records.

Units (``type: "u"``) share the collection but are never departments; every query here
keeps only the departments the caller's scope shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from omnigate.db import Store
from omnigate.db.names import DEPARTMENTS
from omnigate.db.store import Document
from omnigate.scope import Scope

PROJECTION = {"_id": 1, "name": 1, "enabled": 1, "archived": 1, "description": 1}
ASCENDING = [("name", 1), ("_id", 1)]
UNIT = "u"


def visible(scope: Scope) -> Document:
    """The filter of the departments ``scope`` shows (never a unit)."""
    not_unit: Document = {"type": {"$ne": UNIT}}
    if scope.unrestricted:
        return not_unit
    return {**not_unit, "_id": {"$in": sorted(scope.departments)}}


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    """One department; ``enabled``/``archived`` absent read as true/false."""

    id: str
    name: str
    enabled: bool
    archived: bool
    description: str | None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> DepartmentRecord:
        return cls(
            id=str(document["_id"]),
            name=str(document.get("name") or ""),
            enabled=document.get("enabled", True) is not False,
            archived=document.get("archived") is True,
            description=document.get("description"),
        )


async def by_ids(store: Store, scope: Scope, ids: Iterable[str]) -> dict[str, DepartmentRecord]:
    """The departments of ``ids`` that the scope shows."""
    query = {"$and": [visible(scope), {"_id": {"$in": sorted(ids)}}]}
    documents = await store.find(DEPARTMENTS, query, projection=PROJECTION)
    return {str(d["_id"]): DepartmentRecord.from_document(d) for d in documents}


async def every(store: Store, scope: Scope) -> list[DepartmentRecord]:
    """Every department the scope shows (a Rocket.Chat workspace has tens to hundreds)."""
    documents = await store.find(DEPARTMENTS, visible(scope), projection=PROJECTION, sort=ASCENDING)
    return [DepartmentRecord.from_document(d) for d in documents]


async def name_page(
    store: Store,
    scope: Scope,
    *,
    descending: bool,
    after: tuple[str, str] | None,
    before: tuple[str, str] | None,
    from_end: bool,
    limit: int,
) -> list[DepartmentRecord]:
    """Up to ``limit`` departments in name order (``_id`` ascending breaks ties), strictly
    between the keys ``after`` and ``before``, read from the start of that window or, with
    ``from_end``, from its end (then returned in reading order, i.e. reversed)."""
    name_op = ("$lt", "$gt") if descending else ("$gt", "$lt")
    bounds = [visible(scope)]
    if after is not None:
        bounds.append(_beyond(after, name_op[0], "$gt"))
    if before is not None:
        bounds.append(_beyond(before, name_op[1], "$lt"))
    direction = -1 if descending else 1
    if from_end:
        direction = -direction
    sort = [("name", direction), ("_id", -1 if from_end else 1)]
    documents = await store.find(
        DEPARTMENTS,
        {"$and": bounds},
        projection=PROJECTION,
        sort=sort,
        limit=limit,
    )
    return [DepartmentRecord.from_document(d) for d in documents]


def _beyond(key: tuple[str, str], name_op: str, id_op: str) -> dict[str, Any]:
    name, department_id = key
    return {"$or": [{"name": {name_op: name}}, {"name": name, "_id": {id_op: department_id}}]}


async def count(store: Store, scope: Scope) -> int:
    """The departments the scope shows."""
    return await store.count(DEPARTMENTS, visible(scope))
