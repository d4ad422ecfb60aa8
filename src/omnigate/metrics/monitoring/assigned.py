"""Keeping the documents of agents assigned to some departments (SPEC §7's visible agents)."""

from __future__ import annotations

from collections.abc import Collection

from omnigate.db.names import DEPARTMENT_AGENTS
from omnigate.db.store import Document


def assigned_stages(agent_id: str, departments: Collection[str] | None) -> list[Document]:
    """Stages keeping the documents whose ``agent_id`` field names an agent assigned
    (``rocketchat_livechat_department_agents``) to one of ``departments``; none when
    ``departments`` is ``None`` (every agent). Each document is kept once, however many of
    its agent's assignments match."""
    if departments is None:
        return []
    return [
        {
            "$lookup": {
                "from": DEPARTMENT_AGENTS,
                "localField": agent_id,
                "foreignField": "agentId",
                "as": "_assignments",
            }
        },
        {"$match": {"_assignments.departmentId": {"$in": sorted(departments)}}},
    ]
