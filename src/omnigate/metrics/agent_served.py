"""The "served" family: every per-agent metric over the rooms an agent served (``servedBy``)."""

from __future__ import annotations

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.agent_filters import (
    SERVED_BY,
    agent_group_id,
    agent_groups_match,
    agent_rooms_match,
    rows_by_agent,
    truthy,
)
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.agent_rows import ServedRow
from omnigate.metrics.filters import as_float, as_int, count_if, present, sum_if
from omnigate.metrics.rows import GroupKey

_DURATION = "$metrics.chatDuration"
_RESPONSE = "$metrics.response.avg"
_REACTION = "$metrics.reaction.ft"
_SERVICE = "$metrics.serviceTimeDuration"


def served_pipeline(query: AgentQuery) -> Pipeline:
    """One ``$group`` per agent with conditional accumulators for every metric; then the
    agents' rows are gathered into one document to total the rooms served by all agents
    (``conversationShare``'s denominator) and unwound again: one row per agent of the query,
    each carrying the total."""
    return [
        *agent_rooms_match(query, SERVED_BY),
        {
            "$group": {
                "_id": agent_group_id(query, SERVED_BY),
                "username": {"$first": f"${SERVED_BY}.username"},
                "rooms": {"$sum": 1},
                "messages": {"$sum": "$msgs"},
                "duration_rooms": count_if(truthy(_DURATION)),
                "duration_seconds": sum_if(truthy(_DURATION), _DURATION),
                "response_rooms": count_if(truthy(_RESPONSE)),
                "response_seconds": sum_if(truthy(_RESPONSE), _RESPONSE),
                "reaction_rooms": count_if(truthy(_REACTION)),
                "reaction_seconds": sum_if(truthy(_REACTION), _REACTION),
                "service_rooms": count_if(present(_SERVICE)),
                "service_seconds": {"$sum": _SERVICE},
            }
        },
        {"$group": {"_id": None, "total": {"$sum": "$rooms"}, "agents": {"$push": "$$ROOT"}}},
        {"$unwind": "$agents"},
        {"$replaceRoot": {"newRoot": {"$mergeObjects": ["$agents", {"total": "$total"}]}}},
        *agent_groups_match(query, "_id"),
    ]


def served_row(document: Document) -> ServedRow:
    return ServedRow(
        username=document.get("username"),
        rooms=as_int(document["rooms"]),
        total=as_int(document["total"]),
        messages=as_int(document["messages"]),
        duration_rooms=as_int(document["duration_rooms"]),
        duration_seconds=as_float(document["duration_seconds"]),
        response_rooms=as_int(document["response_rooms"]),
        response_seconds=as_float(document["response_seconds"]),
        reaction_rooms=as_int(document["reaction_rooms"]),
        reaction_seconds=as_float(document["reaction_seconds"]),
        service_rooms=as_int(document["service_rooms"]),
        service_seconds=as_float(document["service_seconds"]),
    )


async def served_by_agent(store: Store, query: AgentQuery) -> dict[GroupKey, ServedRow]:
    """Rows of the query's agents that served rooms opened in the range."""
    return await rows_by_agent(store, ROOMS, query, lambda: served_pipeline(query), served_row)
