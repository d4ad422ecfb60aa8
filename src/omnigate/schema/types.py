"""``Department`` (a Relay node) and ``ServiceTime``."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from omnigate.catalog import DepartmentRecord
from omnigate.context import Context
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


@strawberry.type(description="A livechat department and its metrics for any date range.")
class Department(relay.Node):
    key: relay.NodeID[str]
    department_id: strawberry.ID = strawberry.field(description="Rocket.Chat's `_id`.")
    name: str
    enabled: bool
    archived: bool

    @classmethod
    def from_record(cls, record: DepartmentRecord) -> Department:
        return cls(
            key=record.id,
            department_id=strawberry.ID(record.id),
            name=record.name,
            enabled=record.enabled,
            archived=record.archived,
        )

    @strawberry.field(description="Rooms opened in the range; `answered` filters by answer.")
    def chats(self, info: Info, range: DateRange, answered: bool | None = None) -> int:
        return self._opened(info, range, lambda row: row.chats(answered))

    @strawberry.field(description="Transfer events in the range, by the room's current department.")
    def transferred_chats(self, info: Info, range: DateRange) -> int:
        key = (range.to_time_range(), self.key)
        return read(info.context.loaders.transfers, key, int)

    @strawberry.field(description="Rooms closed in the range after visitor inactivity.")
    def abandoned_chats(self, info: Info, range: DateRange) -> int:
        return self._closed(info, range, lambda row: row.abandoned)

    @strawberry.field(description="Abandoned share (0-100) of the rooms opened in the range.")
    def abandoned_chats_percentage(self, info: Info, range: DateRange) -> float:
        return self._opened(info, range, lambda row: row.abandoned_percentage)

    @strawberry.field(description="Seconds from the agent taking the room to its last message.")
    def average_service_time(self, info: Info, range: DateRange) -> float:
        return self._opened(info, range, lambda row: row.average_service_time)

    @strawberry.field(description="Seconds, over the rooms closed in the range.")
    def average_chat_duration(self, info: Info, range: DateRange) -> float:
        return self._closed(info, range, lambda row: row.average_chat_duration)

    @strawberry.field(description="Seconds to the first response, over answered rooms.")
    def average_waiting_time(self, info: Info, range: DateRange) -> float:
        return self._opened(info, range, lambda row: row.average_waiting_time)

    @strawberry.field(description="Service time of the rooms closed in the range.")
    def total_service_time(self, info: Info, range: DateRange) -> ServiceTime:
        return self._closed(
            info,
            range,
            lambda row: ServiceTime(chats=row.service_rooms, seconds=row.service_seconds),
        )

    @strawberry.field(description="The overview restricted to this department.")
    async def overview(self, info: Info, range: DateRange, timezone: str | None = None) -> Overview:
        return await resolve_overview(info, range, self.key, timezone)

    def _opened(self, info: Info, range: DateRange, extract: Any) -> Any:
        return read(info.context.loaders.opened, (range.to_time_range(), self.key), extract)

    def _closed(self, info: Info, range: DateRange, extract: Any) -> Any:
        return read(info.context.loaders.closed, (range.to_time_range(), self.key), extract)
