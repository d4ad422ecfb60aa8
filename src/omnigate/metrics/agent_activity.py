"""The "activity" family: the available time of agents, from Rocket.Chat's activity documents.

``rocketchat_livechat_agent_activity`` holds one document per agent and day
(``{agentId, date: YYYYMMDD, availableTime, lastStartedAt, lastStoppedAt?, serviceHistory}``);
the documents of the range's days (in the reporting timezone) count whole. They hold no
department, so a monitor's scope keeps the agents assigned to a department of D.
"""

from __future__ import annotations

from omnigate.db.names import AGENT_ACTIVITY, DEPARTMENT_AGENTS, USERS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.agent_filters import agent_groups_match, rows_by_agent
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.agent_rows import ActivityRow
from omnigate.metrics.filters import as_float, as_int
from omnigate.metrics.rows import GroupKey
from omnigate.scope import Scope


def assigned_in_scope(scope: Scope) -> list[Document]:
    """Stages keeping the rows (``_id``: an agent id) of the agents ``scope`` shows: all when
    unrestricted, else those assigned to one of its departments."""
    if scope.unrestricted:
        return []
    return [
        {
            "$lookup": {
                "from": DEPARTMENT_AGENTS,
                "localField": "_id",
                "foreignField": "agentId",
                "pipeline": [
                    {"$match": {"departmentId": {"$in": sorted(scope.departments)}}},
                    {"$limit": 1},
                    {"$project": {"_id": 1}},
                ],
                "as": "assigned",
            }
        },
        {"$match": {"assigned": {"$ne": []}}},
    ]


def activity_pipeline(query: AgentQuery, *, history: bool = False) -> Pipeline:
    """One row per agent (always by id) that is an existing user, with its documents'
    available time and, with ``history``, their ``serviceHistory`` entries in day order."""
    first, last = query.days
    group: Document = {
        "_id": "$agentId",
        "days": {"$sum": 1},
        "available": {"$sum": "$availableTime"},
    }
    if history:
        group["sessions"] = {"$push": {"$ifNull": ["$serviceHistory", []]}}
    pipeline: Pipeline = [
        {"$match": {"date": {"$gte": first, "$lte": last}}},
        *([{"$sort": {"date": 1}}] if history else []),
        {"$group": group},
        *agent_groups_match(query, "_id"),
        {
            "$lookup": {
                "from": USERS,
                "localField": "_id",
                "foreignField": "_id",
                "pipeline": [{"$project": {"_id": 0, "username": 1}}],
                "as": "user",
            }
        },
        {"$unwind": "$user"},  # drops the documents of users that no longer exist
        *assigned_in_scope(query.scope),
    ]
    if history:
        day = {"$cond": [{"$isArray": "$$this"}, "$$this", []]}
        flat = {"input": "$sessions", "initialValue": [], "in": {"$concatArrays": ["$$value", day]}}
        pipeline.append({"$set": {"sessions": {"$reduce": flat}}})
    return pipeline


def activity_row(document: Document) -> ActivityRow:
    return ActivityRow(
        username=document["user"].get("username"),
        days=as_int(document["days"]),
        available_seconds=as_float(document["available"]),
        sessions=tuple(document.get("sessions", ())),
    )


async def activity_by_agent(
    store: Store, query: AgentQuery, *, history: bool = False
) -> dict[GroupKey, ActivityRow]:
    """Rows of the query's agents that have activity documents on the range's days."""
    return await rows_by_agent(
        store,
        AGENT_ACTIVITY,
        query,
        lambda: activity_pipeline(query, history=history),
        activity_row,
    )
