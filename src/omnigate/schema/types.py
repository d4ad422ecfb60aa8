"""``Department`` (a Relay node): its metric fields derived from the catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from omnigate.context import Context
from omnigate.metrics.catalog import DEPARTMENT_METRICS
from omnigate.metrics.grouping import BY_DEPARTMENT
from omnigate.resolvers.agents import resolve_department_agents
from omnigate.resolvers.departments import DepartmentNode
from omnigate.resolvers.overview import resolve_overview
from omnigate.schema.inputs import DateRange
from omnigate.schema.metric_fields import with_metric_fields
from omnigate.schema.overview import Overview
from omnigate.schema.trends import with_trend_fields

if TYPE_CHECKING:
    from omnigate.schema.agents import Agent

Info = strawberry.Info[Context, None]


@strawberry.type(description="A livechat department and its metrics for any date range.")
@with_metric_fields(DEPARTMENT_METRICS, lambda department: department.key)
@with_trend_fields(BY_DEPARTMENT, lambda department: department.key)
class Department(relay.Node):
    key: relay.NodeID[str]
    department_id: strawberry.ID = strawberry.field(description="Rocket.Chat's `_id`.")
    name: str
    enabled: bool
    archived: bool
    # Metric values computed by the prefetch for this object's selection, by response key
    # (alias or field name); completed as plain data by ``omnigate.internals``.
    prefetched: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_node(cls, node: DepartmentNode) -> Department:
        record = node.record
        return cls(
            key=record.id,
            department_id=strawberry.ID(record.id),
            name=record.name,
            enabled=record.enabled,
            archived=record.archived,
            prefetched=node.prefetched,
        )

    @strawberry.field(description="The overview restricted to this department.")
    async def overview(self, info: Info, range: DateRange, timezone: str | None = None) -> Overview:
        data = await resolve_overview(info, range.to_time_range(), self.key, timezone)
        return Overview.from_data(data)

    @strawberry.field(
        description="The current agents assigned to the department, in username order."
    )
    async def agents(
        self, info: Info
    ) -> list[Annotated[Agent, strawberry.lazy("omnigate.schema.agents")]]:
        from omnigate.schema.agents import Agent  # the module imports this one

        return [Agent.from_node(node) for node in await resolve_department_agents(info, self.key)]
