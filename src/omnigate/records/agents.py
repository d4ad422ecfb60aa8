"""Rocket.Chat's livechat agents (users whose ``roles`` hold ``livechat-agent``) as plain records.

Only current agents: a user whose role was removed is no longer one (the rooms it served
still count in the REST tables, which group rooms). ``rocketchat_livechat_department_agents``
assigns agents to departments; a monitor sees the agents assigned to a department of its
scope (SPEC §7). Every query here goes through ``agent_filter``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from omnigate.db import Store
from omnigate.db.names import DEPARTMENT_AGENTS, USERS
from omnigate.db.store import Document
from omnigate.records import departments as department_records
from omnigate.records.departments import DepartmentRecord
from omnigate.scope import Scope

AGENT_ROLE = "livechat-agent"
PROJECTION = {"_id": 1, "username": 1, "name": 1, "active": 1, "status": 1, "statusLivechat": 1}
ASCENDING = [("username", 1), ("_id", 1)]


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """One agent; ``active`` absent reads as true."""

    id: str
    username: str
    name: str | None
    active: bool
    status: str | None
    status_livechat: str | None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> AgentRecord:
        return cls(
            id=str(document["_id"]),
            username=str(document.get("username") or ""),
            name=_text(document.get("name")),
            active=document.get("active", True) is not False,
            status=_text(document.get("status")),
            status_livechat=_text(document.get("statusLivechat")),
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def assignments(
    store: Store, *, departments: Iterable[str] | None = None, agents: Iterable[str] | None = None
) -> list[Document]:
    """``{agentId, departmentId}`` of the assignments of ``departments`` and/or ``agents``."""
    query: Document = {}
    if departments is not None:
        query["departmentId"] = {"$in": sorted(departments)}
    if agents is not None:
        query["agentId"] = {"$in": sorted(agents)}
    return await store.find(
        DEPARTMENT_AGENTS, query, projection={"_id": 0, "agentId": 1, "departmentId": 1}
    )


async def agent_filter(
    store: Store,
    scope: Scope,
    *,
    department: str | None = None,
    ids: Iterable[str] | None = None,
) -> Document | None:
    """The ``users`` filter of the agents ``scope`` shows, assigned to ``department`` when
    given, among ``ids`` when given; ``None`` when none can match (no query needed)."""
    if scope.sees_nothing or (department is not None and not scope.sees_department(department)):
        return None
    wanted = None if ids is None else sorted(set(ids))
    query: Document = {"roles": AGENT_ROLE}
    if department is None and scope.unrestricted:
        if wanted is not None:
            query["_id"] = {"$in": wanted}
        return query
    departments = [department] if department is not None else scope.departments
    found = await assignments(store, departments=departments, agents=wanted)
    query["_id"] = {"$in": sorted({str(assignment["agentId"]) for assignment in found})}
    return query


async def by_ids(store: Store, scope: Scope, ids: Iterable[str]) -> dict[str, AgentRecord]:
    """The agents of ``ids`` that the scope shows."""
    query = await agent_filter(store, scope, ids=ids)
    if query is None:
        return {}
    documents = await store.find(USERS, query, projection=PROJECTION)
    return {str(d["_id"]): AgentRecord.from_document(d) for d in documents}


async def every(store: Store, query: Document) -> list[AgentRecord]:
    """Every agent matching ``query`` (an ``agent_filter``), in username order."""
    documents = await store.find(USERS, query, projection=PROJECTION, sort=ASCENDING)
    return [AgentRecord.from_document(d) for d in documents]


async def username_page(
    store: Store,
    query: Document,
    *,
    descending: bool,
    after: tuple[str, str] | None,
    before: tuple[str, str] | None,
    from_end: bool,
    limit: int,
) -> list[AgentRecord]:
    """Up to ``limit`` agents matching ``query`` in username order (``_id`` ascending breaks
    ties), strictly between the keys ``after`` and ``before``, read from the start of that
    window or, with ``from_end``, from its end (then in reading order, i.e. reversed)."""
    username_op = ("$lt", "$gt") if descending else ("$gt", "$lt")
    bounds = [query]
    if after is not None:
        bounds.append(_beyond(after, username_op[0], "$gt"))
    if before is not None:
        bounds.append(_beyond(before, username_op[1], "$lt"))
    direction = -1 if descending else 1
    if from_end:
        direction = -direction
    sort = [("username", direction), ("_id", -1 if from_end else 1)]
    documents = await store.find(
        USERS, {"$and": bounds}, projection=PROJECTION, sort=sort, limit=limit
    )
    return [AgentRecord.from_document(d) for d in documents]


def _beyond(key: tuple[str, str], username_op: str, id_op: str) -> Document:
    username, agent_id = key
    return {
        "$or": [
            {"username": {username_op: username}},
            {"username": username, "_id": {id_op: agent_id}},
        ]
    }


async def count(store: Store, query: Document) -> int:
    """The agents matching ``query`` (an ``agent_filter``)."""
    return await store.count(USERS, query)


async def of_departments(
    store: Store, scope: Scope, departments: Iterable[str]
) -> dict[str, list[AgentRecord]]:
    """The current agents assigned to each of ``departments`` the scope shows, in username
    order (two ``find``s for all the departments)."""
    visible = [d for d in set(departments) if scope.sees_department(d)]
    found = await assignments(store, departments=visible) if visible else []
    members: defaultdict[str, set[str]] = defaultdict(set)
    for assignment in found:
        members[str(assignment["departmentId"])].add(str(assignment["agentId"]))
    ids = set().union(*members.values())
    agents = await every(store, {"roles": AGENT_ROLE, "_id": {"$in": sorted(ids)}}) if ids else []
    return {d: [a for a in agents if a.id in members[d]] for d in visible}


async def departments_of(
    store: Store, scope: Scope, agents: Iterable[str]
) -> dict[str, list[DepartmentRecord]]:
    """The departments each of ``agents`` is assigned to that the scope shows, in name order."""
    wanted = list(agents)
    assigned: defaultdict[str, set[str]] = defaultdict(set)
    for assignment in await assignments(store, agents=wanted):
        assigned[str(assignment["agentId"])].add(str(assignment["departmentId"]))
    every_department = set().union(*assigned.values())
    records = (
        await department_records.by_ids(store, scope, every_department) if every_department else {}
    )
    ordered = sorted(records.values(), key=lambda record: (record.name, record.id))
    return {
        agent: [record for record in ordered if record.id in assigned[agent]] for agent in wanted
    }
