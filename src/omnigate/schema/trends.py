"""Trends (SPEC §9): ``series``, ``percentiles`` and ``serviceLevel`` on the workspace
(``Query``, with an optional ``departmentId``) and on any group type (``Department``, and
``Agent`` with ``with_trend_fields(BY_AGENT, ...)``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from omnigate.context import Context
from omnigate.metrics import calendar, percentiles
from omnigate.metrics.grouping import Grouping
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.series import Series, SeriesPoint
from omnigate.resolvers.trends import (
    resolve_percentiles,
    resolve_series,
    resolve_service_level,
    workspace_group,
)
from omnigate.schema.inputs import DateRange

Info = strawberry.Info[Context, None]
T = TypeVar("T")

Granularity = strawberry.enum(
    calendar.Granularity,
    description="Bucket size: local hours, days, weeks (from Monday) or calendar months.",
)
DurationMetric = strawberry.enum(
    percentiles.DurationMetric,
    description="A duration of a room in seconds: WAITING_TIME `metrics.response.ft` of "
    "answered rooms (for an agent: rooms it answered first), CHAT_DURATION "
    "`metrics.chatDuration`, SERVICE_TIME `metrics.serviceTimeDuration`, RESPONSE_TIME "
    "`metrics.response.avg`, REACTION_TIME `metrics.reaction.ft`.",
)

SERIES = (
    "The metrics of the rooms opened in the range, per local hour, day, week (from Monday) "
    "or month of the reporting timezone (`timezone`, else the reporting setting): every "
    "bucket from the one holding `start` to the one holding `end`, empty ones included; at "
    "most OMNIGATE_MAX_BUCKETS (default 1000) buckets."
)
PERCENTILES = (
    "Exact nearest-rank percentiles (seconds) of a duration over the rooms opened in the "
    "range that have it: one per p of `ps` (each in (0, 1]: 0.5 the median, 1 the "
    "maximum), in order; null when no room has it."
)
SERVICE_LEVEL = (
    "Share (0-100) of the rooms opened in the range that were answered with a first "
    "response within `thresholdSeconds`; 0 without rooms."
)
TIMEZONE = strawberry.argument(description="IANA name or ±HH:MM; default: the reporting setting")
DEPARTMENT = strawberry.argument(description="Only this department's rooms.")
THRESHOLD = strawberry.argument(description="Seconds, 0 or more.")


@strawberry.type(description="One bucket of a series: its instants and its rooms' metrics.")
class SeriesBucket:
    start: datetime = strawberry.field(description="The bucket's first instant.")
    end: datetime = strawberry.field(description="The next bucket's first instant (exclusive).")
    label: str = strawberry.field(
        description="HOUR `2024-10-27T02:00+02:00` (local start and offset), DAY "
        "`2024-10-27`, WEEK `2024-W43` (ISO week), MONTH `2024-10`."
    )
    chats: int
    answered_chats: int
    messages: int
    abandoned_chats_percentage: float
    average_waiting_time: float | None = strawberry.field(
        description="Mean first response time (missing: 0) of answered rooms; null if none."
    )
    average_chat_duration: float | None = strawberry.field(
        description="Mean `metrics.chatDuration` of the rooms that have one; null if none."
    )
    average_response_time: float | None = strawberry.field(
        description="Productivity averages (rooms with response and reaction metrics)."
    )
    average_first_response_time: float | None
    average_reaction_time: float | None
    point: strawberry.Private[SeriesPoint]

    @strawberry.field(
        description="Share (0-100) of the bucket's rooms that were answered with a first "
        "response within `thresholdSeconds`; 0 without rooms."
    )
    def service_level(self, threshold_seconds: Annotated[int, THRESHOLD]) -> float:
        return self.point.service_level(threshold_seconds)

    @classmethod
    def from_point(cls, point: SeriesPoint) -> SeriesBucket:
        bucket = point.bucket
        return cls(
            start=bucket.start,
            end=bucket.end,
            label=bucket.label,
            chats=point.chats,
            answered_chats=point.answered_chats,
            messages=point.messages,
            abandoned_chats_percentage=point.abandoned_chats_percentage,
            average_waiting_time=point.average_waiting_time,
            average_chat_duration=point.average_chat_duration,
            average_response_time=point.average_response_time,
            average_first_response_time=point.average_first_response_time,
            average_reaction_time=point.average_reaction_time,
            point=point,
        )


def _buckets(series: Series) -> list[SeriesBucket]:
    return [SeriesBucket.from_point(point) for point in series]


@strawberry.type
class WorkspaceTrends:
    """The workspace's trend fields, inherited by ``Query``."""

    @strawberry.field(description=SERIES)
    async def series(
        self,
        info: Info,
        range: DateRange,
        granularity: Granularity,  # type: ignore[valid-type]
        timezone: Annotated[str | None, TIMEZONE] = None,
        department_id: Annotated[strawberry.ID | None, DEPARTMENT] = None,
    ) -> list[SeriesBucket]:
        grouping, group = workspace_group(department_id)
        series = await resolve_series(
            info, range.to_time_range(), granularity, timezone, grouping, group
        )
        return _buckets(series)

    @strawberry.field(description=PERCENTILES)
    async def percentiles(
        self,
        info: Info,
        range: DateRange,
        metric: DurationMetric,  # type: ignore[valid-type]
        ps: list[float],
        department_id: Annotated[strawberry.ID | None, DEPARTMENT] = None,
    ) -> list[float | None]:
        grouping, group = workspace_group(department_id)
        return await resolve_percentiles(info, range.to_time_range(), metric, ps, grouping, group)

    @strawberry.field(description=SERVICE_LEVEL)
    async def service_level(
        self,
        info: Info,
        range: DateRange,
        threshold_seconds: Annotated[int, THRESHOLD],
        department_id: Annotated[strawberry.ID | None, DEPARTMENT] = None,
    ) -> float:
        grouping, group = workspace_group(department_id)
        return await resolve_service_level(
            info, range.to_time_range(), threshold_seconds, grouping, group
        )


def with_trend_fields(
    grouping: Grouping, group: Callable[[Any], GroupKey]
) -> Callable[[type[T]], type[T]]:
    """A class decorator (under ``@strawberry.type``) adding ``series``, ``percentiles``
    and ``serviceLevel`` over the rooms of the object's group ``group(self)``."""

    async def series(
        self: Any,
        info: Info,
        range: DateRange,
        granularity: Granularity,  # type: ignore[valid-type]
        timezone: Annotated[str | None, TIMEZONE] = None,
    ) -> list[SeriesBucket]:
        found = await resolve_series(
            info, range.to_time_range(), granularity, timezone, grouping, group(self)
        )
        return _buckets(found)

    async def percentiles(
        self: Any,
        info: Info,
        range: DateRange,
        metric: DurationMetric,  # type: ignore[valid-type]
        ps: list[float],
    ) -> list[float | None]:
        return await resolve_percentiles(
            info, range.to_time_range(), metric, ps, grouping, group(self)
        )

    async def service_level(
        self: Any, info: Info, range: DateRange, threshold_seconds: Annotated[int, THRESHOLD]
    ) -> float:
        return await resolve_service_level(
            info, range.to_time_range(), threshold_seconds, grouping, group(self)
        )

    fields: dict[str, StrawberryField] = {
        "series": strawberry.field(resolver=series, description=SERIES),
        "percentiles": strawberry.field(resolver=percentiles, description=PERCENTILES),
        "service_level": strawberry.field(resolver=service_level, description=SERVICE_LEVEL),
    }

    def add(cls: type[T]) -> type[T]:
        for name, field in fields.items():
            setattr(cls, name, field)
        return cls

    return add
