"""``Department`` (a Relay node) and ``ServiceTime``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry import relay

from omnigate.context import Context
from omnigate.records.departments import DepartmentRecord
from omnigate.resolvers.metrics import read
from omnigate.resolvers.overview import resolve_overview
from omnigate.schema.inputs import DateRange
from omnigate.schema.overview import Overview

Info = strawberry.Info[Context, None]


@strawberry.type
class ServiceTime:
    """Rooms closed in the range that have a service time, and the sum of those times."""

    chats: int
    seconds: float


# How each metric field reads the row of its family for one department: (family,
# value of the row for the field's arguments). Shared by the field resolvers below and by
# ``resolvers.prefetch``, which computes the values of a whole page at once.
MetricValue = Callable[[Any, dict[str, Any]], Any]
METRIC_FIELDS: dict[str, tuple[str, MetricValue]] = {
    "chats": ("opened", lambda row, arguments: row.chats(arguments.get("answered"))),
    "averageServiceTime": ("opened", lambda row, _: row.average_service_time),
    "averageWaitingTime": ("opened", lambda row, _: row.average_waiting_time),
    "abandonedChatsPercentage": ("opened", lambda row, _: row.abandoned_percentage),
    "averageChatDuration": ("closed", lambda row, _: row.average_chat_duration),
    "abandonedChats": ("closed", lambda row, _: row.abandoned),
    "totalServiceTime": (
        "closed",
        lambda row, _: ServiceTime(chats=row.service_rooms, seconds=row.service_seconds),
    ),
    "transferredChats": ("transfers", lambda transfers, _: int(transfers)),
}


@strawberry.type(description="A livechat department and its metrics for any date range.")
class Department(relay.Node):
    key: relay.NodeID[str]
    department_id: strawberry.ID = strawberry.field(description="Rocket.Chat's `_id`.")
    name: str
    enabled: bool
    archived: bool
    # Metric values computed by ``prefetch`` for this object's selection, by response key
    # (alias or field name); read by the plain resolvers of ``omnigate.internals``.
    prefetched: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_record(
        cls, record: DepartmentRecord, prefetched: dict[str, Any] | None = None
    ) -> Department:
        return cls(
            key=record.id,
            department_id=strawberry.ID(record.id),
            name=record.name,
            enabled=record.enabled,
            archived=record.archived,
            prefetched=prefetched,
        )

    @strawberry.field(description="Rooms opened in the range; `answered` filters by answer.")
    def chats(self, info: Info, range: DateRange, answered: bool | None = None) -> int:
        return self._metric(info, "chats", range, {"answered": answered})

    @strawberry.field(description="Transfer events in the range, by the room's current department.")
    def transferred_chats(self, info: Info, range: DateRange) -> int:
        return self._metric(info, "transferredChats", range)

    @strawberry.field(description="Rooms closed in the range after visitor inactivity.")
    def abandoned_chats(self, info: Info, range: DateRange) -> int:
        return self._metric(info, "abandonedChats", range)

    @strawberry.field(description="Abandoned share (0-100) of the rooms opened in the range.")
    def abandoned_chats_percentage(self, info: Info, range: DateRange) -> float:
        return self._metric(info, "abandonedChatsPercentage", range)

    @strawberry.field(description="Seconds from the agent taking the room to its last message.")
    def average_service_time(self, info: Info, range: DateRange) -> float:
        return self._metric(info, "averageServiceTime", range)

    @strawberry.field(description="Seconds, over the rooms closed in the range.")
    def average_chat_duration(self, info: Info, range: DateRange) -> float:
        return self._metric(info, "averageChatDuration", range)

    @strawberry.field(description="Seconds to the first response, over answered rooms.")
    def average_waiting_time(self, info: Info, range: DateRange) -> float:
        return self._metric(info, "averageWaitingTime", range)

    @strawberry.field(description="Service time of the rooms closed in the range.")
    def total_service_time(self, info: Info, range: DateRange) -> ServiceTime:
        return self._metric(info, "totalServiceTime", range)

    @strawberry.field(description="The overview restricted to this department.")
    async def overview(self, info: Info, range: DateRange, timezone: str | None = None) -> Overview:
        return await resolve_overview(info, range, self.key, timezone)

    def _metric(
        self, info: Info, name: str, range: DateRange, arguments: dict[str, Any] | None = None
    ) -> Any:
        family, value = METRIC_FIELDS[name]
        loader = getattr(info.context.loaders, family)
        key = (range.to_time_range(), self.key)
        return read(loader, key, lambda row: value(row, arguments or {}))
