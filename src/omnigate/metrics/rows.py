"""Per-department results of the metric families, as MongoDB returns them grouped.

One row per department group (``None`` is the group of rooms without department).
Derived values are properties, so GraphQL and REST compute them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

GroupKey = str | None  # a group's ``_id``: a department or agent id, ``None`` for none
DepartmentKey = GroupKey


def _ratio(total: float, count: int) -> float:
    return total / count if count else 0.0


@dataclass(frozen=True, slots=True)
class ServiceTimeTotal:
    """Rooms that have a service time, and the sum of those times in seconds."""

    chats: int
    seconds: float


@dataclass(frozen=True, slots=True)
class OpenedRow:
    """Rooms opened in the range (``t: "l"``, ``start <= ts <= end``) of one department."""

    rooms: int = 0
    answered: int = 0  # waitingResponse != true
    service_rooms: int = 0  # with responseBy.lastMessageTs and servedBy._id
    service_seconds: float = 0.0  # sum of (responseBy.lastMessageTs - servedBy.ts)
    waiting_seconds: float = 0.0  # sum of metrics.response.ft over answered rooms
    abandoned: int = 0  # metrics.visitorInactivity >= timeout

    @property
    def unanswered(self) -> int:
        return self.rooms - self.answered

    def chats(self, answered: bool | None) -> int:
        if answered is None:
            return self.rooms
        return self.answered if answered else self.unanswered

    @property
    def average_service_time(self) -> float:
        return _ratio(self.service_seconds, self.service_rooms)

    @property
    def average_waiting_time(self) -> float:
        return _ratio(self.waiting_seconds, self.answered)

    @property
    def abandoned_percentage(self) -> float:
        return _ratio(100 * self.abandoned, self.rooms)


@dataclass(frozen=True, slots=True)
class ClosedRow:
    """Rooms closed in the range (``t: "l"``, ``ts >= start``, ``closedAt <= end``)."""

    rooms: int = 0
    duration_seconds: float = 0.0  # sum of metrics.chatDuration
    service_rooms: int = 0  # with metrics.serviceTimeDuration
    service_seconds: float = 0.0  # sum of metrics.serviceTimeDuration
    abandoned: int = 0  # metrics.visitorInactivity >= timeout

    @property
    def average_chat_duration(self) -> float:
        return _ratio(self.duration_seconds, self.rooms)

    @property
    def service_time(self) -> ServiceTimeTotal:
        return ServiceTimeTotal(self.service_rooms, self.service_seconds)


EMPTY_OPENED = OpenedRow()
EMPTY_CLOSED = ClosedRow()
