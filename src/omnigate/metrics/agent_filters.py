"""Pieces shared by the agent families: the rooms of an agent field, truthy values, the runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.filters import LIVECHAT, Expression, group_filter, in_range
from omnigate.metrics.rows import GroupKey

Row = TypeVar("Row")

SERVED_BY = "servedBy"
RESPONSE_BY = "responseBy"


def agent_rooms_match(query: AgentQuery, agent: str) -> list[Document]:
    """``$match`` stages of the livechat rooms created in the range, of the query's
    department if any, that have an agent at ``agent`` (``servedBy``/``responseBy``), in scope.

    One stage per filter, the first alone on ``{t, ts}``, for the index (see
    ``filters.opened_match``)."""
    stages: list[Document] = [{"$match": {"t": LIVECHAT, "ts": in_range(query.range)}}]
    if query.department is not None:
        stages.append({"$match": {"departmentId": query.department}})
    stages.append({"$match": {f"{agent}._id": {"$ne": None}}})
    scope = query.scope.room_match()
    return stages if scope is None else [*stages, {"$match": scope}]


def agent_groups_match(query: AgentQuery, field: str) -> list[Document]:
    """The ``$match`` stage keeping the query's agents (by ``field``), if it names some.

    The agent families place it after their ``$group``, on one row per agent: MongoDB
    scans the same documents either way (its index is on the range), and SecantusDB, which
    tests an ``$in`` of 100 agents document by document, spends far less on the rows."""
    if query.groups is None:
        return []
    return [{"$match": {field: group_filter(query.groups)}}]


def agent_group_id(query: AgentQuery, agent: str) -> str:
    """The ``$group`` key of the rooms: ``$servedBy._id`` or ``$servedBy.username``..."""
    return f"${agent}.{query.key.value}"


def truthy(field: str) -> Expression:
    """A number other than 0, as Rocket.Chat's agent overview tests ``if (value)``."""
    return {"$and": [{"$isNumber": field}, {"$ne": [field, 0]}]}  # $isNumber: MongoDB 4.4+


async def rows_by_agent(
    store: Store,
    collection: str,
    query: AgentQuery,
    pipeline: Callable[[], Pipeline],
    row: Callable[[Document], Row],
) -> dict[GroupKey, Row]:
    """Run an agent family's pipeline (which keeps the query's agents and applies its
    scope) and read each agent's row; a query that can match nothing answers ``{}``
    without querying."""
    if query.answers_nothing:
        return {}
    documents = await store.aggregate(collection, pipeline())
    return {document["_id"]: row(document) for document in documents}
