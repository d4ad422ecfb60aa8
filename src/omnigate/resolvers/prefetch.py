"""Prefetching every metric a query selects on a set of departments, in one go.

The resolver of a page (or of one department) walks the selection under its departments
(fragments included), collects the (family, range) pairs and overview keys the fields
ask for, and issues every ``load`` at once, so each loader batches them into one
aggregation per family and range before any field resolves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types.nodes import get_variable_values

from omnigate.context import Context
from omnigate.errors import OmnigateError
from omnigate.schema.inputs import DateRange

OPENED = frozenset(
    {"chats", "averageServiceTime", "averageWaitingTime", "abandonedChatsPercentage"}
)
CLOSED = frozenset({"averageChatDuration", "totalServiceTime", "abandonedChats"})
TRANSFERS = frozenset({"transferredChats"})


def _fields(raw: GraphQLResolveInfo, selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
    """The fields of a selection set, fragments expanded."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(raw, selection.selection_set)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = raw.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(raw, fragment.selection_set)


def department_fields(raw: GraphQLResolveInfo, path: Sequence[str]) -> list[FieldNode]:
    """The fields selected on the departments found at ``path`` below the current field."""
    nodes = list(raw.field_nodes)
    for name in path:
        nodes = [
            child
            for node in nodes
            for child in _fields(raw, node.selection_set)
            if child.name.value == name
        ]
    return [field for node in nodes for field in _fields(raw, node.selection_set)]


async def prefetch(
    info: strawberry.Info[Context, None], departments: Iterable[str], path: Sequence[str] = ()
) -> None:
    """Load every metric the query selects for ``departments`` (at ``path``)."""
    raw = info._raw_info
    ids = list(departments)
    if not ids:
        return
    department_type = raw.schema.get_type("Department")
    assert isinstance(department_type, GraphQLObjectType)
    variables = VariableValues(sources={}, coerced=get_variable_values(raw))
    loaders = info.context.loaders
    pending: list[Awaitable[Any]] = []
    for node in department_fields(raw, path):
        name = node.name.value
        if name not in OPENED | CLOSED | TRANSFERS and name != "overview":
            continue
        try:
            arguments = get_argument_values(department_type.fields[name], node, variables)
            time_range = _range(arguments["range"]).to_time_range()
            if name == "overview":
                timezone = await info.context.reporting_timezone(arguments.get("timezone"))
        except (GraphQLError, OmnigateError, KeyError):
            continue  # the field itself reports the bad argument
        if name == "overview":
            keys = [(time_range, department, timezone) for department in ids]
            pending.append(loaders.overview.load_many(keys))
            continue
        loader = (
            loaders.opened
            if name in OPENED
            else loaders.closed
            if name in CLOSED
            else loaders.transfers
        )
        pending.append(loader.load_many([(time_range, department) for department in ids]))
    if pending:
        await asyncio.gather(*pending)


def _range(value: dict[str, Any]) -> DateRange:
    """The coerced ``DateRange`` argument (a dict of datetimes) as the schema's input."""
    return DateRange(start=value["start"], end=value["end"])
