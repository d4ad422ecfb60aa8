"""The root ``Query`` type."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from omnigate.context import Context
from omnigate.resolvers.departments import resolve_department, resolve_departments, resolve_node
from omnigate.resolvers.overview import resolve_overview
from omnigate.schema.connection import DepartmentConnection
from omnigate.schema.inputs import DateRange, DepartmentOrder
from omnigate.schema.overview import Overview
from omnigate.schema.types import Department

Info = strawberry.Info[Context, None]


@strawberry.type
class Query:
    @strawberry.field(
        description="Every department (disabled and archived included), a keyset page at a "
        "time; name order unless `orderBy` says otherwise; at most 100 per page."
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
        return await resolve_departments(info, first, after, last, before, order_by)

    @strawberry.field(description="One department by Rocket.Chat's `_id`; null when unknown.")
    async def department(self, info: Info, department_id: strawberry.ID) -> Department | None:
        return await resolve_department(info, department_id)

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
        return await resolve_overview(info, range, department_id, timezone)

    @strawberry.field(description="Fetch any object by its Relay global id.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await resolve_node(info, id)
