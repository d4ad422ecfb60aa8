"""``Agent`` (a Relay node, its metric fields derived from the catalogue), its keyset
connection and its ordering."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from omnigate.context import Context
from omnigate.metrics.catalog import AGENT_METRICS
from omnigate.metrics.grouping import BY_AGENT
from omnigate.resolvers.agents import (
    USERNAME_ORDER,
    AgentNode,
    AgentPage,
    agent_ordering,
    count_agents,
    resolve_agent_departments,
)
from omnigate.resolvers.keyset import Ordering
from omnigate.schema.inputs import DateRange, OrderDirection
from omnigate.schema.metric_fields import with_metric_fields
from omnigate.schema.trends import with_trend_fields
from omnigate.schema.types import Department

Info = strawberry.Info[Context, None]

AgentOrderField = strawberry.enum(
    Enum(  # type: ignore[misc]
        "AgentOrderField",
        [
            (USERNAME_ORDER, USERNAME_ORDER),
            *((metric.order, metric.order) for metric in AGENT_METRICS),
        ],
    ),
    description="USERNAME, or an agent metric of the catalogue (then `range` is required).",
)


@strawberry.input(description="Sort order of agents; `range` is required for metric fields.")
class AgentOrder:
    field: AgentOrderField  # type: ignore[valid-type]
    direction: OrderDirection = OrderDirection.ASC
    range: DateRange | None = None

    def to_ordering(self) -> Ordering:
        return agent_ordering(
            self.field.value,
            self.direction is OrderDirection.DESC,
            self.range.to_time_range() if self.range else None,
        )


@strawberry.type(
    description="A livechat agent (a user with role `livechat-agent`) and its metrics for any "
    "date range, over the rooms it served (first-response metrics: the rooms it answered first)."
)
@with_metric_fields(AGENT_METRICS, lambda agent: agent.key)
@with_trend_fields(BY_AGENT, lambda agent: agent.key)
class Agent(relay.Node):
    key: relay.NodeID[str]
    agent_id: strawberry.ID = strawberry.field(description="Rocket.Chat's user `_id`.")
    username: str
    name: str | None
    active: bool
    status: str | None = strawberry.field(
        description='Rocket.Chat\'s presence, e.g. "online", "away", "busy", "offline".'
    )
    status_livechat: str | None = strawberry.field(
        description='Whether it takes chats: "available" or "not-available".'
    )
    # Metric values computed by the prefetch for this object's selection, by response key.
    prefetched: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_node(cls, node: AgentNode) -> Agent:
        record = node.record
        return cls(
            key=record.id,
            agent_id=strawberry.ID(record.id),
            username=record.username,
            name=record.name,
            active=record.active,
            status=record.status,
            status_livechat=record.status_livechat,
            prefetched=node.prefetched,
        )

    @strawberry.field(
        description="The departments the caller may see that the agent is assigned to, "
        "in name order."
    )
    async def departments(self, info: Info) -> list[Department]:
        return [
            Department.from_node(node) for node in await resolve_agent_departments(info, self.key)
        ]


@strawberry.type
class AgentEdge:
    cursor: str
    node: Agent


@strawberry.type(description="A page of agents; cursors are keyset positions, not offsets.")
class AgentConnection:
    edges: list[AgentEdge]
    page_info: relay.PageInfo
    department_id: strawberry.Private[str | None] = None

    @classmethod
    def from_page(cls, page: AgentPage, department_id: str | None) -> AgentConnection:
        edges = [AgentEdge(cursor=n.cursor, node=Agent.from_node(n)) for n in page.nodes]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_previous_page=page.has_previous,
                has_next_page=page.has_next,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            department_id=department_id,
        )

    @strawberry.field(description="Number of agents in all pages (counted only when asked).")
    async def total_count(self, info: Info) -> int:
        return await count_agents(info, self.department_id)
