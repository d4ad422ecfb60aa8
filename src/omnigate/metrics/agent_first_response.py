"""The "first response" family: the rooms an agent answered first (``responseBy``)."""

from __future__ import annotations

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.agent_filters import (
    RESPONSE_BY,
    agent_group_id,
    agent_groups_match,
    agent_rooms_match,
    rows_by_agent,
    truthy,
)
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.agent_rows import FirstResponseRow
from omnigate.metrics.filters import as_float, as_int, count_if, sum_if
from omnigate.metrics.rows import GroupKey

_FIRST = "$metrics.response.ft"


def first_response_pipeline(query: AgentQuery) -> Pipeline:
    """One ``$group`` per agent: count, sum and minimum of the truthy first response times;
    then the query's agents (kept after the ``$group``: see ``agent_groups_match``)."""
    return [
        *agent_rooms_match(query, RESPONSE_BY),
        {
            "$group": {
                "_id": agent_group_id(query, RESPONSE_BY),
                "username": {"$first": f"${RESPONSE_BY}.username"},
                "rooms": count_if(truthy(_FIRST)),
                "seconds": sum_if(truthy(_FIRST), _FIRST),
                "best": {"$min": {"$cond": [truthy(_FIRST), _FIRST, None]}},  # skips nulls
            }
        },
        *agent_groups_match(query, "_id"),
    ]


def first_response_row(document: Document) -> FirstResponseRow:
    return FirstResponseRow(
        username=document.get("username"),
        rooms=as_int(document["rooms"]),
        seconds=as_float(document["seconds"]),
        best=as_float(document["best"]),
    )


async def first_responses_by_agent(
    store: Store, query: AgentQuery
) -> dict[GroupKey, FirstResponseRow]:
    """Rows of the query's agents that answered first rooms opened in the range."""
    return await rows_by_agent(
        store, ROOMS, query, lambda: first_response_pipeline(query), first_response_row
    )
