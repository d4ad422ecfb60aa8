"""Resolving series, percentiles and service levels of a group (workspace, department, agent)
in the caller's scope, as plain data from the trend loaders.

A series' per-bucket ``serviceLevel(thresholdSeconds)`` is answered by the series'
own aggregation: the series resolver reads the thresholds its selection asks for (as the
executor will see them: fragments, aliases, variables, ``@skip``/``@include``) and makes
them part of its loader key, so each threshold is one more conditional count.
"""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from graphql import GraphQLObjectType, get_named_type
from graphql.execution.values import get_argument_values

from omnigate.context import Context
from omnigate.internals import raw_info, variable_values
from omnigate.metrics.calendar import Granularity
from omnigate.metrics.grouping import BY_DEPARTMENT, WORKSPACE, Grouping
from omnigate.metrics.percentiles import DurationMetric, PercentileQuery, checked_ps
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.series import Series, SeriesQuery
from omnigate.metrics.service_level import ServiceLevelQuery, checked_threshold
from omnigate.resolvers.prefetch import object_fields

Info = strawberry.Info[Context, None]
SERVICE_LEVEL_FIELD = "serviceLevel"


def workspace_group(department_id: str | None) -> tuple[Grouping, GroupKey]:
    """The workspace's fields: every room in scope, or one department's."""
    if department_id is None:
        return WORKSPACE, None
    return BY_DEPARTMENT, department_id


def selected_thresholds(info: Info) -> tuple[int, ...]:
    """The ``thresholdSeconds`` of every ``serviceLevel`` selected on the buckets; a
    negative one is bad input."""
    raw = raw_info(info)
    bucket_type = get_named_type(raw.return_type)
    assert isinstance(bucket_type, GraphQLObjectType)
    field = bucket_type.fields[SERVICE_LEVEL_FIELD]
    variables = variable_values(raw)
    thresholds = {
        checked_threshold(get_argument_values(field, node, variables)["thresholdSeconds"])
        for nodes in object_fields(raw, bucket_type, ()).values()
        for node in nodes
        if node.name.value == SERVICE_LEVEL_FIELD
    }
    return tuple(sorted(thresholds))


async def resolve_series(
    info: Info,
    time_range: TimeRange,
    granularity: Granularity,
    timezone: str | None,
    grouping: Grouping,
    group: GroupKey,
) -> Series:
    """Every bucket of the group's series; too many buckets is bad input (before any query)."""
    context = info.context
    query = SeriesQuery(
        range=time_range,
        scope=context.scope,
        grouping=grouping,
        granularity=granularity,
        timezone=await context.reporting_timezone(timezone),
        max_buckets=context.settings.limits.max_buckets,
    )
    query.buckets()  # too many buckets: BadUserInput, before any query
    return await context.loaders.series.load((query, selected_thresholds(info), group))


async def resolve_percentiles(
    info: Info,
    time_range: TimeRange,
    metric: DurationMetric,
    ps: Sequence[float],
    grouping: Grouping,
    group: GroupKey,
) -> list[float | None]:
    """The group's percentile for each p, in the order given."""
    context = info.context
    query = PercentileQuery(time_range, context.scope, grouping, metric)
    return await context.loaders.percentiles.load((query, checked_ps(ps), group))


async def resolve_service_level(
    info: Info, time_range: TimeRange, threshold_seconds: int, grouping: Grouping, group: GroupKey
) -> float:
    context = info.context
    query = ServiceLevelQuery(time_range, context.scope, grouping)
    threshold = checked_threshold(threshold_seconds)
    return await context.loaders.service_levels.load((query, (threshold,), group))
