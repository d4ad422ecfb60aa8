"""Loaders of agents by id, of the agents of departments and of the departments of agents."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.records import agents as agent_records
from omnigate.records.agents import AgentRecord
from omnigate.records.departments import DepartmentRecord
from omnigate.scope import Scope

AgentLoader = DataLoader[str, AgentRecord | None]
DepartmentAgentsLoader = DataLoader[str, list[AgentRecord]]
AgentDepartmentsLoader = DataLoader[str, list[DepartmentRecord]]


def agent_loader(store: Store, scope: Scope) -> AgentLoader:
    """Agents by id; ``None`` for an unknown user, one that is not an agent, or an agent
    outside ``scope``."""

    async def load(ids: Sequence[str]) -> list[AgentRecord | None]:
        found = await agent_records.by_ids(store, scope, ids)
        return [found.get(agent_id) for agent_id in ids]

    return DataLoader(load_fn=load)


def department_agents_loader(store: Store, scope: Scope) -> DepartmentAgentsLoader:
    """The current agents assigned to each department (none outside ``scope``)."""

    async def load(ids: Sequence[str]) -> list[list[AgentRecord]]:
        found = await agent_records.of_departments(store, scope, ids)
        return [found.get(department_id, []) for department_id in ids]

    return DataLoader(load_fn=load)


def agent_departments_loader(store: Store, scope: Scope) -> AgentDepartmentsLoader:
    """The departments ``scope`` shows that each agent is assigned to."""

    async def load(ids: Sequence[str]) -> list[list[DepartmentRecord]]:
        found = await agent_records.departments_of(store, scope, ids)
        return [found[agent_id] for agent_id in ids]

    return DataLoader(load_fn=load)
