"""The keyset ``DepartmentConnection`` (Relay cursor connection)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from omnigate.context import Context
from omnigate.resolvers.departments import DepartmentPage, count_departments
from omnigate.schema.types import Department


@strawberry.type
class DepartmentEdge:
    cursor: str
    node: Department


@strawberry.type(description="A page of departments; cursors are keyset positions, not offsets.")
class DepartmentConnection:
    edges: list[DepartmentEdge]
    page_info: relay.PageInfo

    @classmethod
    def from_page(cls, page: DepartmentPage) -> DepartmentConnection:
        edges = [DepartmentEdge(cursor=n.cursor, node=Department.from_node(n)) for n in page.nodes]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_previous_page=page.has_previous,
                has_next_page=page.has_next,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(description="Number of departments in all pages (counted only when asked).")
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await count_departments(info)
