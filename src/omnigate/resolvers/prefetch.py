"""Prefetching every metric a query selects on a set of departments, in one go.

The resolver of a page (or of one department) walks the selection under its departments
(fragments included), collects the (family, range) pairs and overview keys the fields
ask for, and issues every ``load`` at once, so each loader batches them into one
aggregation per family and range before any field resolves. It then computes the value
of every metric field of every department of the page, so that GraphQL reads them as
plain data (see ``omnigate.internals``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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
from omnigate.metrics.ranges import TimeRange
from omnigate.schema.inputs import DateRange
from omnigate.schema.types import METRIC_FIELDS, MetricValue


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


Prefetched = dict[str, dict[str, Any]]  # department id -> response key -> value


async def prefetch(
    info: strawberry.Info[Context, None], departments: Iterable[str], path: Sequence[str] = ()
) -> Prefetched:
    """Load every metric the query selects for ``departments`` (at ``path``).

    Returns, per department, the value of each metric field by response key (alias or
    name), which the plain resolvers of ``omnigate.internals`` hand to GraphQL as they are. A
    response key asked with different arguments in different places of the selection is
    left out: its field resolver reads the (loaded) loader instead.
    """
    raw = info._raw_info
    ids = list(departments)
    if not ids:
        return {}
    department_type = raw.schema.get_type("Department")
    assert isinstance(department_type, GraphQLObjectType)
    variables = VariableValues(sources={}, coerced=get_variable_values(raw))
    loaders = info.context.loaders
    pending: list[Awaitable[Any]] = []
    batches: dict[tuple[str, TimeRange], asyncio.Future[list[Any]]] = {}
    plain: dict[str, _Plain | None] = {}
    for node in department_fields(raw, path):
        name = node.name.value
        if name not in METRIC_FIELDS and name != "overview":
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
        family, value = METRIC_FIELDS[name]
        if (family, time_range) not in batches:
            loader = getattr(loaders, family)
            batches[(family, time_range)] = asyncio.ensure_future(
                loader.load_many([(time_range, department) for department in ids])
            )
        response_key = node.alias.value if node.alias else name
        entry = _Plain(name, family, time_range, arguments, value)
        if response_key in plain:
            known = plain[response_key]
            if known is not None and not known.same_field(entry):
                plain[response_key] = None  # one key, two meanings: let the resolver decide
            continue
        plain[response_key] = entry
    if pending or batches:
        await asyncio.gather(*pending, *batches.values())
    values: Prefetched = {department: {} for department in ids}
    for response_key, entry in plain.items():
        if entry is None:
            continue
        rows = batches[(entry.family, entry.time_range)].result()
        for department, row in zip(ids, rows, strict=True):
            values[department][response_key] = entry.value(row, entry.arguments)
    return values


@dataclass(frozen=True, slots=True)
class _Plain:
    """A metric field of the selection: how to compute its value from its family's row."""

    name: str
    family: str
    time_range: TimeRange
    arguments: dict[str, Any]
    value: MetricValue

    def same_field(self, other: _Plain) -> bool:
        return (
            self.name == other.name
            and self.time_range == other.time_range
            and self.arguments == other.arguments
        )


def _range(value: dict[str, Any]) -> DateRange:
    """The coerced ``DateRange`` argument (a dict of datetimes) as the schema's input."""
    return DateRange(start=value["start"], end=value["end"])
