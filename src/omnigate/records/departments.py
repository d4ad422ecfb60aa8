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
# Named: a non-empty string (``$gt`` compares strings with strings only). Nameless: the rest
# (missing, null, "" or not a string), whose name reads as "".
_NAMED = {"name": {"$gt": ""}}
_NAMELESS = {"name": {"$not": {"$gt": ""}}}


def visible(scope: Scope) -> Document:
    """The filter of the departments ``scope`` shows (never a unit)."""
    not_unit: Document = {"type": {"$ne": UNIT}}
    if scope.unrestricted:
        return not_unit
    return {**not_unit, "_id": {"$in": sorted(scope.departments)}}


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    """One department; ``enabled``/``archived`` absent read as true/false, a name that is
    not a string as ``""``."""

    id: str
    name: str
    enabled: bool
    archived: bool
    description: str | None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> DepartmentRecord:
        name = document.get("name")
        return cls(
            id=str(document["_id"]),
            name=name if isinstance(name, str) else "",
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
    ``from_end``, from its end (then returned in reading order, i.e. reversed).

    A department without a name reads as ``""`` and sorts as ``""``: before every named one
    (after them when descending), among the nameless by ``_id``. MongoDB sorts a missing or
    null name before ``""``, so the nameless and the named are read by one ``find`` each
    (the second only when the first leaves room in the page)."""
    nameless, named = _windows(descending, after, before)
    direction = -1 if descending != from_end else 1
    id_direction = -1 if from_end else 1
    reads = [
        (nameless, [("_id", id_direction)]),
        (named, [("name", direction), ("_id", id_direction)]),
    ]
    if descending != from_end:  # the named come first in reading order
        reads.reverse()
    documents: list[dict[str, Any]] = []
    for conditions, sort in reads:
        if conditions is None or len(documents) >= limit:
            continue
        documents += await store.find(
            DEPARTMENTS,
            {"$and": [visible(scope), *conditions]},
            projection=PROJECTION,
            sort=sort,
            limit=limit - len(documents),
        )
    return [DepartmentRecord.from_document(d) for d in documents]


def _windows(
    descending: bool, after: tuple[str, str] | None, before: tuple[str, str] | None
) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    """The conditions selecting the nameless and the named departments strictly between
    ``after`` and ``before`` (``None``: none of them lie there)."""
    nameless: list[dict[str, Any]] | None = [_NAMELESS]
    named: list[dict[str, Any]] | None = [_NAMED]
    for key, later in ((after, True), (before, False)):
        if key is None:
            continue
        name, department_id = key
        id_op = "$gt" if later else "$lt"
        if name == "":
            if nameless is not None:
                nameless.append({"_id": {id_op: department_id}})
            if later == descending:  # the named all lie on the other side of the key
                named = None
        else:
            if named is not None:
                name_op = "$gt" if later != descending else "$lt"
                named.append(_beyond(key, name_op, id_op))
            if later != descending:  # the nameless all lie on the other side of the key
                nameless = None
    return nameless, named


def _beyond(key: tuple[str, str], name_op: str, id_op: str) -> dict[str, Any]:
    name, department_id = key
    return {"$or": [{"name": {name_op: name}}, {"name": name, "_id": {id_op: department_id}}]}


async def count(store: Store, scope: Scope) -> int:
    """The departments the scope shows."""
    return await store.count(DEPARTMENTS, visible(scope))
