"""The keyset ``DepartmentConnection`` (Relay cursor connection)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from omnigate.context import Context
from omnigate.records import departments as department_records
from omnigate.schema.types import Department


@strawberry.type
class DepartmentEdge:
    cursor: str
    node: Department


@strawberry.type(description="A page of departments; cursors are keyset positions, not offsets.")
class DepartmentConnection:
    edges: list[DepartmentEdge]
    page_info: relay.PageInfo

    @strawberry.field(description="Number of departments in all pages (counted only when asked).")
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await department_records.count(info.context.store)
