"""Plain-Python reference of SPEC §9, room by room, independent of ``omnigate.metrics``.

Buckets are found by walking the UTC timeline a quarter of an hour at a time and cutting
wherever the local calendar key changes (the local date and hour with its UTC offset, the
date, the ISO week or the month): no truncation arithmetic, no ``$dateTrunc``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from .documents import Document
from .reference import number, value

STEP = timedelta(minutes=15)


def calendar_key(granularity: str, zone: tzinfo) -> Callable[[datetime], Hashable]:
    def key(instant: datetime) -> Hashable:
        local = instant.astimezone(zone)
        if granularity == "HOUR":
            return (local.date(), local.hour, local.utcoffset())
        if granularity == "DAY":
            return local.date()
        if granularity == "WEEK":
            return local.isocalendar()[:2]
        return (local.year, local.month)

    return key


@dataclass(frozen=True)
class RefBucket:
    start: datetime
    end: datetime
    label: str


def _label(start: datetime, granularity: str, zone: tzinfo) -> str:
    local = start.astimezone(zone)
    if granularity == "HOUR":
        offset = local.utcoffset()
        assert offset is not None
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        hours, rest = divmod(abs(minutes), 60)
        return f"{local:%Y-%m-%dT%H}:00{sign}{hours:02d}:{rest:02d}"
    if granularity == "DAY":
        return f"{local:%Y-%m-%d}"
    if granularity == "WEEK":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local:%Y-%m}"


def buckets(start: datetime, end: datetime, granularity: str, zone: tzinfo) -> list[RefBucket]:
    """Every bucket from the one holding ``start`` to the one holding ``end``."""
    key = calendar_key(granularity, zone)
    first = start.replace(minute=start.minute // 15 * 15, second=0, microsecond=0)
    while key(first - STEP) == key(start):
        first -= STEP
    found = []
    cursor = first
    while cursor <= end:
        bucket_start, current = cursor, key(cursor)
        while key(cursor) == current:
            cursor += STEP
        found.append(RefBucket(bucket_start, cursor, _label(bucket_start, granularity, zone)))
    return found


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _is_number(found: Any) -> bool:
    return isinstance(found, int | float) and not isinstance(found, bool)


def _answered(room: Document) -> bool:
    return room.get("waitingResponse") is not True


def within(room: Document, seconds: int) -> bool:
    ft = value(room, "metrics.response.ft")
    return _answered(room) and _is_number(ft) and ft <= seconds


def bucket_values(
    rooms: list[Document], thresholds: Iterable[int] = (), timeout: int = 3600
) -> dict[str, Any]:
    """The metrics of one bucket's rooms, named as the GraphQL fields."""
    answered = [r for r in rooms if _answered(r)]
    durations = [
        value(r, "metrics.chatDuration")
        for r in rooms
        if _is_number(value(r, "metrics.chatDuration"))
    ]
    productive = [
        r
        for r in rooms
        if value(r, "metrics.response") is not None and value(r, "metrics.reaction") is not None
    ]
    abandoned = [
        r
        for r in rooms
        if _is_number(inactivity := value(r, "metrics.visitorInactivity")) and inactivity >= timeout
    ]
    result = {
        "chats": len(rooms),
        "answeredChats": len(answered),
        "messages": sum(int(number(r, "msgs")) for r in rooms),
        "abandonedChatsPercentage": 100 * len(abandoned) / len(rooms) if rooms else 0.0,
        "averageWaitingTime": _mean([number(r, "metrics.response.ft") for r in answered]),
        "averageChatDuration": _mean(durations),
        "averageResponseTime": _mean([number(r, "metrics.response.avg") for r in productive]),
        "averageFirstResponseTime": _mean([number(r, "metrics.response.ft") for r in productive]),
        "averageReactionTime": _mean([number(r, "metrics.reaction.ft") for r in productive]),
    }
    for seconds in thresholds:
        result[f"serviceLevel{seconds}"] = service_level(rooms, seconds)
    return result


def service_level(rooms: list[Document], seconds: int) -> float:
    return 100 * sum(within(r, seconds) for r in rooms) / len(rooms) if rooms else 0.0


def opened(rooms: Iterable[Document], start: datetime, end: datetime) -> list[Document]:
    return [r for r in rooms if r.get("t") == "l" and start <= r["ts"] <= end]


def series(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    granularity: str,
    zone: tzinfo,
    thresholds: Iterable[int] = (),
    timeout: int = 3600,
) -> list[dict[str, Any]]:
    """Each bucket as ``{start, end, label, <metrics>}`` over the rooms opened in it and
    in the range."""
    selected = opened(rooms, start, end)
    thresholds = list(thresholds)
    result = []
    for bucket in buckets(start, end, granularity, zone):
        inside = [r for r in selected if bucket.start <= r["ts"] < bucket.end]
        result.append(
            {
                "start": bucket.start,
                "end": bucket.end,
                "label": bucket.label,
                **bucket_values(inside, thresholds, timeout),
            }
        )
    return result


def nearest_rank(values: list[float], p: float) -> float | None:
    """The smallest value v with at least ⌈p·n⌉ values ≤ v (the definition, literally),
    ``p`` as written in decimal."""
    if not values:
        return None
    needed = math.ceil(Decimal(str(p)) * len(values))
    return min(v for v in values if sum(w <= v for w in values) >= needed)


DURATIONS = {
    "WAITING_TIME": "metrics.response.ft",
    "CHAT_DURATION": "metrics.chatDuration",
    "SERVICE_TIME": "metrics.serviceTimeDuration",
    "RESPONSE_TIME": "metrics.response.avg",
    "REACTION_TIME": "metrics.reaction.ft",
}


def durations(rooms: Iterable[Document], metric: str) -> list[float]:
    """The metric's values over ``rooms`` that have one (waiting time: answered rooms)."""
    path = DURATIONS[metric]
    return [
        value(r, path)
        for r in rooms
        if _is_number(value(r, path)) and (metric != "WAITING_TIME" or _answered(r))
    ]
