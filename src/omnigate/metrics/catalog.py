"""The metric catalogue: one declaration per metric, the single source of every fact about it.

A ``Metric`` names its GraphQL field and description, the family whose row it reads, how
its value is read from that row, the rooms it is computed over, its unit (hence its GraphQL
type and sort key) and, where Rocket.Chat has one, its REST list with Rocket.Chat's
rounding. The GraphQL fields of ``Department``, the ``DepartmentOrderField`` enum, the
metric orderings and the REST department lists are all derived from ``DEPARTMENT_METRICS``;
those of ``Agent`` (``AgentOrderField``, the REST ``agents/*`` lists) from ``AGENT_METRICS``:
declaring a metric here is all it takes to add one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from omnigate.metrics.agent_rows import ActivityRow, FirstResponseRow, ServedRow
from omnigate.metrics.families import Family
from omnigate.metrics.rows import ClosedRow, OpenedRow, ServiceTimeTotal

Arguments = Mapping[str, Any]  # a metric field's arguments other than ``range``


class Unit(Enum):
    """What a value measures; it fixes the GraphQL type and how the value sorts."""

    COUNT = "count"  # Int
    SECONDS = "seconds"  # Float
    PERCENT = "percent"  # Float, 0-100
    SERVICE_TIME = "service time"  # ServiceTime {chats, seconds}, sorts by seconds


@dataclass(frozen=True, slots=True)
class Argument:
    """An optional argument of a metric field besides ``range`` (a nullable Boolean, which
    the field's description explains)."""

    name: str


@dataclass(frozen=True, slots=True)
class RestList:
    """Rocket.Chat's REST list of the metric: ``departments/<path>`` (``agents/<path>`` for
    an agent metric), each item built from the metric's value with Rocket.Chat's rounding."""

    path: str
    item: Callable[[Any], dict[str, int | float]]


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric of a group (a department or an agent), for a date range."""

    name: str  # the GraphQL field, camelCase
    description: str
    family: Family
    value: Callable[[Any, Arguments], Any]  # from the family's row and the field's arguments
    rooms: Callable[[Any, Arguments], int]  # what the value is over: REST lists groups with > 0
    unit: Unit
    rest: RestList | None = None
    arguments: tuple[Argument, ...] = ()

    @property
    def order(self) -> str:
        """Its value in the ordering enum: ``averageWaitingTime`` → ``AVERAGE_WAITING_TIME``."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.name).upper()

    def sort_key(self, value: Any) -> float:
        """The number a group sorts by (a service time by its seconds)."""
        if self.unit is Unit.SERVICE_TIME:
            return float(value.seconds)
        return float(value)


def _opened(read: Callable[[OpenedRow], Any]) -> Callable[[OpenedRow, Arguments], Any]:
    return lambda row, _: read(row)


def _closed(read: Callable[[ClosedRow], Any]) -> Callable[[ClosedRow, Arguments], Any]:
    return lambda row, _: read(row)


def _service_time_item(total: ServiceTimeTotal) -> dict[str, int]:
    return {"chats": total.chats, "serviceTimeDuration": math.ceil(total.seconds)}


ANSWERED = Argument("answered")

DEPARTMENT_METRICS: tuple[Metric, ...] = (
    Metric(
        name="chats",
        description="Rooms opened in the range; `answered` filters by answer.",
        family=Family.OPENED,
        value=lambda row, arguments: row.chats(arguments.get("answered")),
        rooms=lambda row, arguments: row.chats(arguments.get("answered")),
        unit=Unit.COUNT,
        rest=RestList("amount-of-chats", lambda chats: {"rooms": chats}),
        arguments=(ANSWERED,),
    ),
    Metric(
        name="transferredChats",
        description="Transfer events in the range, by the room's current department.",
        family=Family.TRANSFERS,
        value=lambda transfers, _: int(transfers),
        rooms=lambda transfers, _: int(transfers),
        unit=Unit.COUNT,
        rest=RestList(
            "total-transferred-chats", lambda transfers: {"numberOfTransferredRooms": transfers}
        ),
    ),
    Metric(
        name="abandonedChats",
        description="Rooms closed in the range after visitor inactivity.",
        family=Family.CLOSED,
        value=_closed(lambda row: row.abandoned),
        rooms=_closed(lambda row: row.abandoned),
        unit=Unit.COUNT,
        rest=RestList("total-abandoned-chats", lambda abandoned: {"abandonedRooms": abandoned}),
    ),
    Metric(
        name="abandonedChatsPercentage",
        description="Abandoned share (0-100) of the rooms opened in the range.",
        family=Family.OPENED,
        value=_opened(lambda row: row.abandoned_percentage),
        rooms=_opened(lambda row: row.rooms),
        unit=Unit.PERCENT,
        # the percentage divides the integer 100 * abandoned, so its floor is exact
        # (29 of 100 gives 29, where 29 / 100 * 100 would give 28.999999999999996)
        rest=RestList(
            "percentage-abandoned-chats",
            lambda percentage: {"percentageOfAbandonedChats": math.floor(percentage)},
        ),
    ),
    Metric(
        name="averageServiceTime",
        description="Seconds from the agent taking the room to its last message.",
        family=Family.OPENED,
        value=_opened(lambda row: row.average_service_time),
        rooms=_opened(lambda row: row.service_rooms),
        unit=Unit.SECONDS,
        rest=RestList(
            "average-service-time",
            lambda seconds: {"averageServiceTimeInSeconds": math.ceil(seconds)},
        ),
    ),
    Metric(
        name="averageChatDuration",
        description="Seconds, over the rooms closed in the range.",
        family=Family.CLOSED,
        value=_closed(lambda row: row.average_chat_duration),
        rooms=_closed(lambda row: row.rooms),
        unit=Unit.SECONDS,
        rest=RestList(
            "average-chat-duration-time",
            lambda seconds: {"averageChatDurationTimeInSeconds": math.ceil(seconds)},
        ),
    ),
    Metric(
        name="totalServiceTime",
        description="Service time of the rooms closed in the range.",
        family=Family.CLOSED,
        value=_closed(lambda row: row.service_time),
        rooms=_closed(lambda row: row.service_rooms),
        unit=Unit.SERVICE_TIME,
        rest=RestList("total-service-time", _service_time_item),
    ),
    Metric(
        name="averageWaitingTime",
        description="Seconds to the first response, over answered rooms.",
        family=Family.OPENED,
        value=_opened(lambda row: row.average_waiting_time),
        rooms=_opened(lambda row: row.answered),
        unit=Unit.SECONDS,
        rest=RestList(
            "average-waiting-time",
            lambda seconds: {"averageWaitingTimeInSeconds": math.ceil(seconds)},
        ),
    ),
)

DEPARTMENT_METRICS_BY_NAME: dict[str, Metric] = {m.name: m for m in DEPARTMENT_METRICS}
DEPARTMENT_METRICS_BY_ORDER: dict[str, Metric] = {m.order: m for m in DEPARTMENT_METRICS}


def _served(read: Callable[[ServedRow], Any]) -> Callable[[ServedRow, Arguments], Any]:
    return lambda row, _: read(row)


def _first_response(
    read: Callable[[FirstResponseRow], Any],
) -> Callable[[FirstResponseRow, Arguments], Any]:
    return lambda row, _: read(row)


def _activity(read: Callable[[ActivityRow], Any]) -> Callable[[ActivityRow, Arguments], Any]:
    return lambda row, _: read(row)


def whole_if_integral(value: float) -> int | float:
    """A sum as MongoDB returns it and JSON shows it: ``3600``, not ``3600.0``."""
    return int(value) if value.is_integer() else value


AGENT_METRICS: tuple[Metric, ...] = (
    Metric(
        name="chats",
        description="Rooms opened in the range that the agent served.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.rooms),
        rooms=_served(lambda row: row.rooms),
        unit=Unit.COUNT,
    ),
    Metric(
        name="conversationShare",
        description="Share (0-100) of the rooms served by any agent in the range.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.conversation_share),
        rooms=_served(lambda row: row.rooms),
        unit=Unit.PERCENT,
    ),
    Metric(
        name="messages",
        description="Messages (`msgs`) of the rooms served.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.messages),
        rooms=_served(lambda row: row.rooms),
        unit=Unit.COUNT,
    ),
    Metric(
        name="averageChatDuration",
        description="Seconds, over the rooms served that have a chat duration.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.average_chat_duration),
        rooms=_served(lambda row: row.duration_rooms),
        unit=Unit.SECONDS,
    ),
    Metric(
        name="averageFirstResponseTime",
        description="Seconds, over the rooms the agent answered first.",
        family=Family.AGENT_FIRST_RESPONSE,
        value=_first_response(lambda row: row.average),
        rooms=_first_response(lambda row: row.rooms),
        unit=Unit.SECONDS,
    ),
    Metric(
        name="bestFirstResponseTime",
        description="Seconds: the quickest first response of the rooms the agent answered first.",
        family=Family.AGENT_FIRST_RESPONSE,
        value=_first_response(lambda row: row.best),
        rooms=_first_response(lambda row: row.rooms),
        unit=Unit.SECONDS,
    ),
    Metric(
        name="averageResponseTime",
        description="Seconds: mean response time of the rooms served.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.average_response_time),
        rooms=_served(lambda row: row.response_rooms),
        unit=Unit.SECONDS,
    ),
    Metric(
        name="averageReactionTime",
        description="Seconds from taking a room to the first answer, over the rooms served.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.average_reaction_time),
        rooms=_served(lambda row: row.reaction_rooms),
        unit=Unit.SECONDS,
    ),
    Metric(
        name="averageServiceTime",
        description="Seconds, over the rooms served that have a service time.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.average_service_time),
        rooms=_served(lambda row: row.service_rooms),
        unit=Unit.SECONDS,
        rest=RestList(
            "average-service-time",
            lambda seconds: {"averageServiceTimeInSeconds": math.ceil(seconds)},
        ),
    ),
    Metric(
        name="totalServiceTime",
        description="Service time of the rooms served.",
        family=Family.AGENT_SERVED,
        value=_served(lambda row: row.service_time),
        rooms=_served(lambda row: row.service_rooms),
        unit=Unit.SERVICE_TIME,
        rest=RestList("total-service-time", _service_time_item),
    ),
    Metric(
        name="availableTime",
        description="Seconds available for service on the range's days (reporting timezone).",
        family=Family.AGENT_ACTIVITY,
        value=_activity(lambda row: row.available_seconds),
        rooms=_activity(lambda row: row.days),
        unit=Unit.SECONDS,
        rest=RestList(
            "available-for-service-history",
            lambda seconds: {"availableTimeInSeconds": whole_if_integral(seconds)},
        ),
    ),
)

AGENT_METRICS_BY_NAME: dict[str, Metric] = {m.name: m for m in AGENT_METRICS}
AGENT_METRICS_BY_ORDER: dict[str, Metric] = {m.order: m for m in AGENT_METRICS}
