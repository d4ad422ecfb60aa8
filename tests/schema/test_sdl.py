"""The checked-in SDL (``schema.graphql``) is the schema the code builds."""

from __future__ import annotations

from pathlib import Path

from omnigate.schema import schema

SDL = Path(__file__).parents[2] / "schema.graphql"


def test_checked_in_sdl_matches_the_code() -> None:
    assert SDL.read_text() == schema.as_str() + "\n", (
        "schema.graphql is stale: run `make schema` and commit it"
    )


def test_sdl_has_the_spec_core() -> None:
    sdl = SDL.read_text()
    for line in (
        "departments(first: Int = null, after: String = null, last: Int = null, "
        "before: String = null, orderBy: DepartmentOrder = null): DepartmentConnection!",
        "department(departmentId: ID!): Department",
        "node(id: ID!): Node",
        "type Department implements Node",
        "totalServiceTime(range: DateRange!): ServiceTime!",
        "chats(range: DateRange!, answered: Boolean = null): Int!",
        "busiestDay: BusiestDay",
    ):
        assert line in sdl
