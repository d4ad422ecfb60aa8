"""How many agents are available, busy, away or offline (Rocket.Chat's agents-status chart)."""

from __future__ import annotations

from dataclasses import dataclass

from omnigate.db.names import USERS
from omnigate.db.store import Pipeline, Store
from omnigate.metrics.filters import Expression, as_int, count_if
from omnigate.metrics.monitoring.assigned import assigned_stages
from omnigate.metrics.monitoring.query import agent_departments
from omnigate.scope import Scope

AGENT_ROLE = "livechat-agent"
# Offline: not taking chats, or disconnected; the others by their presence status.
_OFFLINE: Expression = {
    "$or": [{"$ne": ["$statusLivechat", "available"]}, {"$eq": ["$status", "offline"]}]
}
_STATUSES = {"away": "away", "busy": "busy", "available": "online"}


@dataclass(frozen=True, slots=True)
class AgentsStatus:
    offline: int = 0
    away: int = 0
    busy: int = 0
    available: int = 0


def statuses_pipeline(departments: frozenset[str] | None) -> Pipeline:
    """Users with role ``livechat-agent`` (assigned to one of ``departments`` unless
    ``None``), counted by status in one row."""
    online = {"$not": [_OFFLINE]}
    return [
        {"$match": {"roles": AGENT_ROLE}},
        *assigned_stages("_id", departments),
        {
            "$group": {
                "_id": None,
                "offline": count_if(_OFFLINE),
                **{
                    name: count_if({"$and": [online, {"$eq": ["$status", status]}]})
                    for name, status in _STATUSES.items()
                },
            }
        },
    ]


async def agents_status(store: Store, scope: Scope, department: str | None) -> AgentsStatus:
    """The agents of ``department`` (all when ``None``) that ``scope`` shows, by status."""
    departments = agent_departments(scope, department)
    if departments is not None and not departments:
        return AgentsStatus()
    rows = await store.aggregate(USERS, statuses_pipeline(departments))
    if not rows:
        return AgentsStatus()
    row = rows[0]
    return AgentsStatus(
        offline=as_int(row["offline"]), **{name: as_int(row[name]) for name in _STATUSES}
    )
