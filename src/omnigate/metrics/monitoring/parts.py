"""The parts of the monitoring page and ``monitoring_parts``, which computes any of them with
one aggregation per collection: rooms (one ``$facet`` for every room part), visitors, users,
agent activity."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection
from datetime import datetime
from enum import Enum
from typing import Any

from omnigate.db.store import Store
from omnigate.metrics.monitoring.activity import available_time
from omnigate.metrics.monitoring.query import MonitoringQuery
from omnigate.metrics.monitoring.rooms import Facet, room_facets
from omnigate.metrics.monitoring.statuses import agents_status
from omnigate.metrics.monitoring.visitors import visitor_count


class Part(Enum):
    """What a figure of the page is read from, and the type of its value."""

    DAYS = "days"  # OverviewData: the overview of the range's whole days
    DEPARTMENTS = "departments"  # dict[GroupKey, MonitoringRow]
    AGENTS = "agents"  # list[AgentStates], by username
    VISITORS = "visitors"  # int
    AGENTS_STATUS = "agents-status"  # AgentsStatus
    AVAILABLE_TIME = "available-time"  # AvailableTime

    @property
    def facet(self) -> Facet | None:
        """The facet of the rooms aggregation answering it, if it is one."""
        return _FACETS.get(self)


_FACETS = {Part.DAYS: Facet.DAYS, Part.DEPARTMENTS: Facet.DEPARTMENTS, Part.AGENTS: Facet.AGENTS}


async def monitoring_parts(
    store: Store,
    query: MonitoringQuery,
    parts: Collection[Part],
    *,
    timeout: int,
    now: datetime,
) -> dict[Part, Any]:
    """Each of ``parts`` for ``query``, the aggregations run concurrently; ``timeout`` is
    the visitor inactivity timeout (abandonment), ``now`` ends the open activity sessions."""
    facets = [facet for part in parts if (facet := part.facet) is not None]
    tasks: dict[Part, Awaitable[Any]] = {}
    if Part.VISITORS in parts:
        tasks[Part.VISITORS] = visitor_count(store, query)
    if Part.AGENTS_STATUS in parts:
        tasks[Part.AGENTS_STATUS] = agents_status(store, query.scope, query.department)
    if Part.AVAILABLE_TIME in parts:
        tasks[Part.AVAILABLE_TIME] = available_time(store, query, now)
    rooms, *others = await asyncio.gather(
        room_facets(store, query, facets, timeout=timeout), *tasks.values()
    )
    found: dict[Part, Any] = dict(zip(tasks, others, strict=True))
    for part in parts:
        if part.facet is Facet.DAYS:
            found[part] = rooms.days
        elif part.facet is Facet.DEPARTMENTS:
            found[part] = rooms.departments
        elif part.facet is Facet.AGENTS:
            found[part] = rooms.agents
    return found
