"""The aggregation families: each answers several metrics with ONE grouped aggregation.

``FAMILIES`` is the registry the loaders and the REST lists run them through; a family is
named by ``Family``, never by a string.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from omnigate.db.store import Store
from omnigate.metrics.agent_activity import activity_by_agent
from omnigate.metrics.agent_first_response import first_responses_by_agent
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.agent_rows import EMPTY_ACTIVITY, EMPTY_FIRST_RESPONSE, EMPTY_SERVED
from omnigate.metrics.agent_served import served_by_agent
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.rows import EMPTY_CLOSED, EMPTY_OPENED, GroupKey
from omnigate.metrics.settings import RocketChatSettings
from omnigate.metrics.transfers import transfers_by_department

Row = TypeVar("Row")


class Family(Enum):
    """Rooms opened in the range, rooms closed in it, transfer events in it (by department);
    rooms an agent served, rooms it answered first, its activity documents (by agent)."""

    OPENED = "opened"
    CLOSED = "closed"
    TRANSFERS = "transfers"
    AGENT_SERVED = "agent served"
    AGENT_FIRST_RESPONSE = "agent first response"
    AGENT_ACTIVITY = "agent activity"


# A department family takes a ``GroupQuery``, an agent family (``by_agent``) an ``AgentQuery``.
Run = Callable[[Store, Any, RocketChatSettings], Awaitable[dict[GroupKey, Row]]]


@dataclass(frozen=True, slots=True)
class FamilySpec(Generic[Row]):
    """How to run a family (one aggregation, one row per group), the row of a group
    without matching rooms, and whether its groups are agents (``AgentQuery``)."""

    run: Run[Row]
    empty: Row
    by_agent: bool = False


async def _opened(store: Store, query: GroupQuery, settings: RocketChatSettings) -> dict[Any, Any]:
    return await opened_by_department(store, query, timeout=settings.visitor_inactivity_timeout)


async def _closed(store: Store, query: GroupQuery, settings: RocketChatSettings) -> dict[Any, Any]:
    return await closed_by_department(store, query, timeout=settings.visitor_inactivity_timeout)


async def _transfers(
    store: Store, query: GroupQuery, settings: RocketChatSettings
) -> dict[Any, Any]:
    return await transfers_by_department(store, query)


async def _agent_served(
    store: Store, query: AgentQuery, settings: RocketChatSettings
) -> dict[Any, Any]:
    return await served_by_agent(store, query)


async def _agent_first_response(
    store: Store, query: AgentQuery, settings: RocketChatSettings
) -> dict[Any, Any]:
    return await first_responses_by_agent(store, query)


async def _agent_activity(
    store: Store, query: AgentQuery, settings: RocketChatSettings
) -> dict[Any, Any]:
    return await activity_by_agent(store, query)


FAMILIES: dict[Family, FamilySpec[Any]] = {
    Family.OPENED: FamilySpec(_opened, EMPTY_OPENED),
    Family.CLOSED: FamilySpec(_closed, EMPTY_CLOSED),
    Family.TRANSFERS: FamilySpec(_transfers, 0),
    Family.AGENT_SERVED: FamilySpec(_agent_served, EMPTY_SERVED, by_agent=True),
    Family.AGENT_FIRST_RESPONSE: FamilySpec(
        _agent_first_response, EMPTY_FIRST_RESPONSE, by_agent=True
    ),
    Family.AGENT_ACTIVITY: FamilySpec(_agent_activity, EMPTY_ACTIVITY, by_agent=True),
}
