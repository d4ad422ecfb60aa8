"""``Monitoring``: the figures of the Real-time Monitoring page, averages weighted by rooms.

Each field reads one part of the page through the request's loader, so the parts a query
selects cost one aggregation per collection (every room figure shares one).
"""

from __future__ import annotations

import strawberry

from omnigate.context import Context
from omnigate.metrics import monitoring
from omnigate.metrics.monitoring import MonitoringQuery, MonitoringRow, Part
from omnigate.metrics.monitoring.figures import (
    ABANDONED_PERCENTAGE,
    CHAT_DURATION,
    SERVICE_TIME,
    WAITING_TIME,
    room_mean,
)
from omnigate.metrics.monitoring.rooms import total
from omnigate.metrics.overview import OverviewData
from omnigate.metrics.rows import GroupKey
from omnigate.resolvers.agents import resolve_agent
from omnigate.resolvers.monitoring import (
    monitoring_part,
    resolve_chats_per_department,
)
from omnigate.schema.agents import Agent
from omnigate.schema.overview import BusiestHour
from omnigate.schema.types import Department

Info = strawberry.Info[Context, None]
Rows = dict[GroupKey, MonitoringRow]


@strawberry.type(description="Rooms opened in the range, by state (Rocket.Chat's chats chart).")
class ChatStates:
    open: int = strawberry.field(description="Taken by an agent, not on hold, not finished.")
    closed: int = strawberry.field(description="Finished: with a chat duration.")
    queued: int = strawberry.field(description="Open, without an agent yet.")
    on_hold: int

    @classmethod
    def from_data(cls, data: monitoring.ChatStates) -> ChatStates:
        return cls(open=data.open, closed=data.closed, queued=data.queued, on_hold=data.on_hold)


@strawberry.type(description="An agent's chats (rooms it serves, `servedBy`).")
class AgentChatStates:
    agent_id: strawberry.ID | None = strawberry.field(
        description="Rocket.Chat's `_id` of the agent, as its rooms record it."
    )
    username: str
    open: int = strawberry.field(description="Open rooms opened in the range, not on hold.")
    closed: int = strawberry.field(description="Rooms closed in the range.")
    on_hold: int = strawberry.field(description="Rooms opened in the range, on hold.")

    @strawberry.field(
        description="The agent, null when it is no longer an agent or outside the scope."
    )
    async def agent(self, info: Info) -> Agent | None:
        if self.agent_id is None:
            return None
        node = await resolve_agent(info, str(self.agent_id))
        return None if node is None else Agent.from_node(node)

    @classmethod
    def from_data(cls, data: monitoring.AgentStates) -> AgentChatStates:
        return cls(
            agent_id=None if data.agent_id is None else strawberry.ID(data.agent_id),
            username=data.username,
            open=data.open,
            closed=data.closed,
            on_hold=data.on_hold,
        )


@strawberry.type(description="A department's rooms opened in the range.")
class DepartmentChatStates:
    department: Department
    open: int = strawberry.field(description="Still open (queued and on hold included).")
    closed: int = strawberry.field(description="No longer open.")


@strawberry.type(description="Agents (users with role `livechat-agent`) by status.")
class AgentsStatus:
    offline: int = strawberry.field(
        description="Not available for livechat, or with status offline."
    )
    away: int
    busy: int
    available: int = strawberry.field(description="Available for livechat and online.")

    @classmethod
    def from_data(cls, data: monitoring.AgentsStatus) -> AgentsStatus:
        return cls(offline=data.offline, away=data.away, busy=data.busy, available=data.available)


@strawberry.type(description="A duration in seconds over the rooms opened in the range.")
class Timing:
    average: float = strawberry.field(description="Mean over the rooms with a non-zero value.")
    longest: float = strawberry.field(description="0 when no room has a value.")

    @classmethod
    def from_data(cls, data: monitoring.Timing) -> Timing:
        return cls(average=data.average, longest=data.longest)


@strawberry.type
class Timings:
    response: Timing = strawberry.field(
        description="Average of `metrics.response.avg`; longest `metrics.response.ft`."
    )
    reaction: Timing = strawberry.field(description="Of `metrics.reaction.ft`.")
    chat_duration: Timing = strawberry.field(description="Of `metrics.chatDuration`.")


@strawberry.type(
    description="The Real-time Monitoring page for a range: every figure of Rocket.Chat's nine "
    "dashboard endpoints, with averages over every room (Rocket.Chat averages department "
    "averages). Rooms are those opened in the range unless a field says otherwise."
)
class Monitoring:
    query: strawberry.Private[MonitoringQuery]

    @strawberry.field(description="The reporting timezone of the day-based figures.")
    def timezone(self) -> str:
        return self.query.timezone.name

    @strawberry.field(description="Rooms opened on the whole days of the range.")
    async def conversations(self, info: Info) -> int:
        return (await self._days(info)).total

    @strawberry.field(description="Of `conversations`: open and not on hold.")
    async def open_conversations(self, info: Info) -> int:
        return (await self._days(info)).open

    @strawberry.field(description="Of `conversations`: on hold.")
    async def on_hold_conversations(self, info: Info) -> int:
        return (await self._days(info)).on_hold

    @strawberry.field(description="Messages of `conversations`.")
    async def messages(self, info: Info) -> int:
        return (await self._days(info)).messages

    @strawberry.field(description="Visitors active in the range (`start <= _updatedAt < end`).")
    async def visitors(self, info: Info) -> int:
        count: int = await monitoring_part(info, self.query, Part.VISITORS)
        return count

    @strawberry.field(description="Seconds, over `conversations` with response metrics.")
    async def average_response_time(self, info: Info) -> float:
        return (await self._days(info)).average_response_time

    @strawberry.field(description="Seconds, over `conversations` with response metrics.")
    async def average_first_response_time(self, info: Info) -> float:
        return (await self._days(info)).average_first_response_time

    @strawberry.field(description="Seconds, over `conversations` with response metrics.")
    async def average_reaction_time(self, info: Info) -> float:
        return (await self._days(info)).average_reaction_time

    @strawberry.field(description="Seconds to the first response, over every answered room.")
    async def average_waiting_time(self, info: Info) -> float:
        return float(room_mean(WAITING_TIME, await self._rows(info)))

    @strawberry.field(description="Rooms closed in the range after visitor inactivity.")
    async def abandoned_chats(self, info: Info) -> int:
        return total((await self._rows(info)).values()).closed.abandoned

    @strawberry.field(description="Abandoned share (0-100) of every room.")
    async def abandoned_chats_percentage(self, info: Info) -> float:
        return float(room_mean(ABANDONED_PERCENTAGE, await self._rows(info)))

    @strawberry.field(description="Seconds, over every room closed in the range.")
    async def average_chat_duration(self, info: Info) -> float:
        return float(room_mean(CHAT_DURATION, await self._rows(info)))

    @strawberry.field(description="Seconds from the agent taking a room to its last message.")
    async def average_service_time(self, info: Info) -> float:
        return float(room_mean(SERVICE_TIME, await self._rows(info)))

    @strawberry.field(
        description="Seconds available per agent activity record of the range's first day "
        "(an agent still available counts until now)."
    )
    async def average_available_time(self, info: Info) -> float:
        available: monitoring.AvailableTime = await monitoring_part(
            info, self.query, Part.AVAILABLE_TIME
        )
        return available.average

    @strawberry.field(description="The busiest hour of the busiest of the whole days.")
    async def busiest_hour(self, info: Info) -> BusiestHour | None:
        hour = (await self._days(info)).busiest_hour
        return hour and BusiestHour(hour=hour.hour, label=hour.label, messages=hour.messages)

    @strawberry.field
    async def chats(self, info: Info) -> ChatStates:
        return ChatStates.from_data(total((await self._rows(info)).values()).chats)

    @strawberry.field(description="Agents with open, on hold or closed rooms, by username.")
    async def chats_per_agent(self, info: Info) -> list[AgentChatStates]:
        agents: list[monitoring.AgentStates] = await monitoring_part(info, self.query, Part.AGENTS)
        return [AgentChatStates.from_data(agent) for agent in agents]

    @strawberry.field(description="Departments with rooms opened in the range, by name.")
    async def chats_per_department(self, info: Info) -> list[DepartmentChatStates]:
        return [
            DepartmentChatStates(
                department=Department.from_node(chats.department),
                open=chats.open,
                closed=chats.closed,
            )
            for chats in await resolve_chats_per_department(info, self.query)
        ]

    @strawberry.field(description="Agents by status (not limited to the range).")
    async def agents_status(self, info: Info) -> AgentsStatus:
        status: monitoring.AgentsStatus = await monitoring_part(
            info, self.query, Part.AGENTS_STATUS
        )
        return AgentsStatus.from_data(status)

    @strawberry.field
    async def timings(self, info: Info) -> Timings:
        timings = total((await self._rows(info)).values()).timings
        return Timings(
            response=Timing.from_data(timings.response),
            reaction=Timing.from_data(timings.reaction),
            chat_duration=Timing.from_data(timings.chat_duration),
        )

    async def _days(self, info: Info) -> OverviewData:
        days: OverviewData = await monitoring_part(info, self.query, Part.DAYS)
        return days

    async def _rows(self, info: Info) -> Rows:
        rows: Rows = await monitoring_part(info, self.query, Part.DEPARTMENTS)
        return rows
