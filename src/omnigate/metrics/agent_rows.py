"""Per-agent results of the agent families, as MongoDB returns them grouped.

One row per agent (its user ``_id``, or its username for Rocket.Chat's agent overview).
Derived values are properties, so GraphQL and REST compute them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnigate.metrics.rows import ServiceTimeTotal


def _mean(total: float, count: int) -> float:
    return total / count if count else 0.0


@dataclass(frozen=True, slots=True)
class ServedRow:
    """Rooms opened in the range that the agent served (``servedBy``)."""

    username: str | None = None
    rooms: int = 0
    total: int = 0  # rooms served by any agent in the range (and scope, and department)
    messages: int = 0  # sum of msgs
    duration_rooms: int = 0  # with a truthy metrics.chatDuration
    duration_seconds: float = 0.0
    response_rooms: int = 0  # with a truthy metrics.response.avg
    response_seconds: float = 0.0
    reaction_rooms: int = 0  # with a truthy metrics.reaction.ft
    reaction_seconds: float = 0.0
    service_rooms: int = 0  # with metrics.serviceTimeDuration
    service_seconds: float = 0.0

    @property
    def conversation_share(self) -> float:
        """Percentage (0-100) of the rooms served by any agent, computed as Rocket.Chat's
        agent overview does (``chats / total * 100``), so its 2-decimal text is the same."""
        return self.rooms / self.total * 100 if self.total else 0.0

    @property
    def average_chat_duration(self) -> float:
        return _mean(self.duration_seconds, self.duration_rooms)

    @property
    def average_response_time(self) -> float:
        return _mean(self.response_seconds, self.response_rooms)

    @property
    def average_reaction_time(self) -> float:
        return _mean(self.reaction_seconds, self.reaction_rooms)

    @property
    def average_service_time(self) -> float:
        return _mean(self.service_seconds, self.service_rooms)

    @property
    def service_time(self) -> ServiceTimeTotal:
        return ServiceTimeTotal(self.service_rooms, self.service_seconds)


@dataclass(frozen=True, slots=True)
class FirstResponseRow:
    """Rooms opened in the range that the agent answered first (``responseBy``), counting
    those with a truthy ``metrics.response.ft``."""

    username: str | None = None
    rooms: int = 0
    seconds: float = 0.0  # sum of metrics.response.ft
    best: float = 0.0  # the smallest metrics.response.ft

    @property
    def average(self) -> float:
        return _mean(self.seconds, self.rooms)


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """The agent's activity documents of the range's days (an existing user's only)."""

    username: str | None = None
    days: int = 0  # activity documents
    available_seconds: float = 0.0  # sum of availableTime
    # the serviceHistory entries ({startedAt, stoppedAt}) day after day, when asked for
    sessions: tuple[dict[str, Any], ...] = ()


EMPTY_SERVED = ServedRow()
EMPTY_FIRST_RESPONSE = FirstResponseRow()
EMPTY_ACTIVITY = ActivityRow()
