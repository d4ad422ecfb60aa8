"""The root ``Query`` type."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from omnigate.context import Context
from omnigate.errors import BadUserInput
from omnigate.resolvers.agents import USERNAME_ORDER, agent_ordering, resolve_agent, resolve_agents
from omnigate.resolvers.departments import resolve_department, resolve_departments
from omnigate.resolvers.keyset import Ordering
from omnigate.resolvers.monitoring import monitoring_query
from omnigate.resolvers.overview import resolve_overview
from omnigate.schema.agents import Agent, AgentConnection, AgentOrder
from omnigate.schema.connection import DepartmentConnection
from omnigate.schema.inputs import DateRange, DepartmentOrder, OrderDirection
from omnigate.schema.monitoring import Monitoring
from omnigate.schema.overview import Overview
from omnigate.schema.trends import WorkspaceTrends
from omnigate.schema.types import Department

Info = strawberry.Info[Context, None]


def _ordering(order: DepartmentOrder | None) -> Ordering:
    if order is None:
        return Ordering.of("NAME", False, None)
    return Ordering.of(
        order.field.value,
        order.direction is OrderDirection.DESC,
        order.range.to_time_range() if order.range else None,
    )


@strawberry.type
class Query(WorkspaceTrends):
    @strawberry.field(
        description="Every department the caller may see (disabled and archived included), "
        "a keyset page at a time; name order unless `orderBy` says otherwise; at most 100 "
        "per page."
    )
    async def departments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: DepartmentOrder | None = None,
    ) -> DepartmentConnection:
        page = await resolve_departments(
            info, first=first, after=after, last=last, before=before, ordering=_ordering(order_by)
        )
        return DepartmentConnection.from_page(page)

    @strawberry.field(
        description="One department by Rocket.Chat's `_id`; null when unknown or outside "
        "the caller's scope."
    )
    async def department(self, info: Info, department_id: strawberry.ID) -> Department | None:
        node = await resolve_department(info, department_id)
        return None if node is None else Department.from_node(node)

    @strawberry.field(
        description="The Conversations / Productivity overview of the rooms opened in the range."
    )
    async def overview(
        self,
        info: Info,
        range: DateRange,
        department_id: strawberry.ID | None = None,
        timezone: Annotated[
            str | None,
            strawberry.argument(description="IANA name or ±HH:MM; default: the reporting setting"),
        ] = None,
    ) -> Overview:
        data = await resolve_overview(info, range.to_time_range(), department_id, timezone)
        return Overview.from_data(data)

    @strawberry.field(
        description="The current livechat agents the caller may see, a keyset page at a time; "
        "username order unless `orderBy` says otherwise; at most 100 per page. With "
        "`departmentId`, only the agents assigned to that department (their metrics still "
        "count all their rooms)."
    )
    async def agents(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: AgentOrder | None = None,
        department_id: strawberry.ID | None = None,
    ) -> AgentConnection:
        ordering = (
            agent_ordering(USERNAME_ORDER, False, None)
            if order_by is None
            else order_by.to_ordering()
        )
        page = await resolve_agents(
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            ordering=ordering,
            department=department_id,
        )
        return AgentConnection.from_page(page, department_id)

    @strawberry.field(
        description="One agent by its user `_id`; null when unknown, no longer an agent, or "
        "outside the caller's scope."
    )
    async def agent(self, info: Info, agent_id: strawberry.ID) -> Agent | None:
        node = await resolve_agent(info, agent_id)
        return None if node is None else Agent.from_node(node)

    @strawberry.field(
        description="The Real-time Monitoring page: Rocket.Chat's dashboard figures for the "
        "range, averages weighted by rooms; day-based figures in the reporting timezone."
    )
    async def monitoring(
        self,
        info: Info,
        range: DateRange,
        department_id: strawberry.ID | None = None,
        timezone: Annotated[
            str | None,
            strawberry.argument(description="IANA name or ±HH:MM; default: the reporting setting"),
        ] = None,
    ) -> Monitoring:
        query = await monitoring_query(info, range.to_time_range(), department_id, timezone)
        return Monitoring(query=query)

    @strawberry.field(description="Fetch any object by its Relay global id.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        """A malformed id is bad input; an unknown type or id is null."""
        try:
            global_id = relay.GlobalID.from_id(id)
        except GlobalIDValueError as exc:
            raise BadUserInput(f"`id` {id!r} is not a valid global id.") from exc
        if global_id.type_name == "Department":
            node = await resolve_department(info, global_id.node_id)
            return None if node is None else Department.from_node(node)
        if global_id.type_name == "Agent":
            agent = await resolve_agent(info, global_id.node_id)
            return None if agent is None else Agent.from_node(agent)
        return None
