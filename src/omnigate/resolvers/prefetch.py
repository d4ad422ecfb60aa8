"""Prefetching every metric a query selects on a set of groups (departments), in one go.

The resolver of a page (or of one department) collects the fields selected on its objects
exactly as the executor will (fragments expanded, ``@skip``/``@include`` applied: a skipped
metric launches no aggregation), the (family, range) pairs and overview keys they ask for,
and issues every ``load`` at once, so each loader batches them into one aggregation per
family and range before any field resolves. It then computes the value of every metric
field of every object, which GraphQL reads as plain data (``omnigate.internals``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    get_named_type,
)
from graphql.execution.values import get_argument_values

from omnigate.context import Context
from omnigate.errors import OmnigateError
from omnigate.internals import raw_info, selected_fields, variable_values
from omnigate.metrics.catalog import Metric
from omnigate.metrics.families import Family
from omnigate.metrics.ranges import TimeRange, checked_range

OVERVIEW_FIELD = "overview"

Prefetched = dict[str, dict[str, Any]]  # group id -> response key -> value


def object_fields(
    raw: GraphQLResolveInfo, object_type: GraphQLObjectType, path: Sequence[str]
) -> dict[str, list[FieldNode]]:
    """The fields selected on the objects of ``object_type`` found at ``path`` (field
    names, through object types) below the current field, by response key. The current
    field may return an interface (``node``): fragments on other types are left out."""
    nodes = list(raw.field_nodes)
    current = get_named_type(raw.return_type)
    for name in path:
        assert isinstance(current, GraphQLObjectType)
        selected = selected_fields(raw, current, nodes)
        nodes = [node for group in selected.values() for node in group if node.name.value == name]
        current = get_named_type(current.fields[name].type)
    return selected_fields(raw, object_type, nodes) if nodes else {}


async def prefetch(
    info: strawberry.Info[Context, None],
    *,
    type_name: str,
    groups: Sequence[str],
    metrics: Mapping[str, Metric],
    path: Sequence[str] = (),
) -> Prefetched:
    """Load every metric the query selects for ``groups`` (objects of ``type_name`` at
    ``path``) and the department overviews it asks for.

    Returns, per group, the value of each metric field by response key (alias or name),
    which ``omnigate.internals.PlainExecutionContext`` hands to GraphQL as it is. A response
    key asked with different arguments in different places of the selection is left out:
    its field resolver reads the (loaded) loader instead.
    """
    if not groups:
        return {}
    raw = raw_info(info)
    object_type = raw.schema.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    context = info.context
    scope = context.scope
    variables = variable_values(raw)
    pending: list[Awaitable[Any]] = []
    batches: dict[tuple[Family, TimeRange], asyncio.Future[list[Any]]] = {}
    plain: dict[str, SelectedMetric | None] = {}
    for response_key, nodes in object_fields(raw, object_type, path).items():
        for node in nodes:
            name = node.name.value
            metric = metrics.get(name)
            if metric is None and name != OVERVIEW_FIELD:
                continue
            try:
                arguments = get_argument_values(object_type.fields[name], node, variables)
                time_range = checked_range(arguments["range"]["start"], arguments["range"]["end"])
                if metric is None:
                    timezone = await context.reporting_timezone(arguments.get("timezone"))
            except (GraphQLError, OmnigateError, KeyError):
                continue  # the field itself reports the bad argument
            if metric is None:
                keys = [(time_range, scope, group, timezone) for group in groups]
                pending.append(context.loaders.overview.load_many(keys))
                continue
            batch = (metric.family, time_range)
            if batch not in batches:
                loader = context.loaders.family(metric.family)
                batches[batch] = asyncio.ensure_future(
                    loader.load_many([(time_range, scope, group) for group in groups])
                )
            entry = SelectedMetric(metric, time_range, arguments)
            known = plain.get(response_key, entry)
            plain[response_key] = entry if known == entry else None
    if pending or batches:
        await asyncio.gather(*pending, *batches.values())
    values: Prefetched = {group: {} for group in groups}
    for response_key, entry in plain.items():
        if entry is None:
            continue  # one key, two meanings: let the resolver decide
        rows = batches[(entry.metric.family, entry.time_range)].result()
        for group, row in zip(groups, rows, strict=True):
            values[group][response_key] = entry.metric.value(row, entry.arguments)
    return values


@dataclass(frozen=True, slots=True)
class SelectedMetric:
    """A metric field of the selection: the metric, its range and its other arguments."""

    metric: Metric
    time_range: TimeRange
    arguments: dict[str, Any]
