"""Hand-made Rocket.Chat documents for the REST tests, and what SPEC §2/§4 make of them,
computed here room by room in plain Python (independent of ``omnigate.metrics``).

The rooms cover the edges of each endpoint: both ends of the range, a room opened before it,
a room closed after it, a non-livechat room, rooms without department (the ``null`` group),
groups whose average is 0 (still listed), and a transfer of a room that no longer exists.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from tests.metrics.documents import Document, at, closed, room, served, setting, transfer

START = at("2024-05-01T00:00")
END = at("2024-05-31T23:59:59.999")
TIMEOUT = 3599  # Livechat_visitor_inactivity_timeout: 3599 counts as abandoned, 100 does not

ROOMS: list[Document] = [
    closed(
        served(
            room("r1", at("2024-05-02T10:00"), "dA", msgs=5),
            at("2024-05-02T10:00"),
            at("2024-05-02T10:00:01.500"),
        ),
        at("2024-05-02T11:00"),
        chatDuration=100.2,
        serviceTimeDuration=50.5,
        visitorInactivity=4000,
        response={"avg": 7322.4, "ft": 10.25},
        reaction={"ft": 118.5},
    ),
    closed(
        served(
            room("r2", at("2024-05-03T09:00"), "dA", msgs=3),
            at("2024-05-03T09:00:10"),
            at("2024-05-03T09:00:12.250"),
        ),
        at("2024-05-03T09:30"),
        chatDuration=200,
        serviceTimeDuration=30,
        visitorInactivity=100,
        response={"ft": 5},
    ),
    room("r3", at("2024-05-04T12:00"), "dA", msgs=1, waitingResponse=True),
    closed(
        served(
            room("r4", at("2024-05-05T08:00"), "dB", msgs=2),
            at("2024-05-05T08:01"),
            at("2024-05-05T08:01"),
        ),
        at("2024-05-05T09:00"),
        chatDuration=0,
        visitorInactivity=3600,
    ),
    closed(
        room("r5", at("2024-05-06T23:30"), None, msgs=4, waitingResponse=True),
        at("2024-05-07T00:10"),
        chatDuration=42.1,
        visitorInactivity=3599,
    ),
    room(
        "r6", at("2024-05-07T07:00"), "dC", msgs=6, onHold=True, metrics={"response": {"ft": 7.5}}
    ),
    room("r7", at("2024-05-08T08:00"), "dA", msgs=9, t="c"),  # not livechat
    closed(
        room("r8", at("2024-04-30T23:59:59.999"), "dA", msgs=7),  # opened before the range
        at("2024-05-01T01:00"),
        chatDuration=999,
        serviceTimeDuration=999,
        visitorInactivity=9999,
    ),
    room("r9", END, "dD", msgs=1, waitingResponse=True),
    closed(
        served(
            room("r10", at("2024-05-20T10:00"), "dB"),
            at("2024-05-20T10:00"),
            at("2024-05-20T10:00:04.001"),
        ),
        at("2024-06-01T00:00"),  # closed after the range
        serviceTimeDuration=77,
        visitorInactivity=9999,
        response={"ft": 3},
    ),
    closed(
        served(
            room("r11", at("2024-05-10T15:00"), None, msgs=10),
            at("2024-05-10T15:00"),
            at("2024-05-10T15:00:10"),
        ),
        at("2024-05-10T15:20"),
        chatDuration=12.3,
        serviceTimeDuration=12.3,
        visitorInactivity=7200,
        response={"avg": 4, "ft": 2},
        reaction={"ft": 0.5},
    ),
    closed(
        room("r12", at("2024-05-25T00:00"), "dC"),
        at("2024-05-25T01:00"),
        chatDuration=3,
        serviceTimeDuration=0.4,
    ),
]

MESSAGES: list[Document] = [
    transfer("m1", "r1", at("2024-05-02T10:30")),
    transfer("m2", "r1", at("2024-05-02T10:40")),
    transfer("m3", "r4", at("2024-05-05T08:30")),
    transfer("m4", "gone", at("2024-05-06T12:00")),  # its room was deleted: null group
    transfer("m5", "r11", at("2024-06-01T00:00")),  # after the range
    transfer("m6", "r8", at("2024-05-01T00:30")),  # in range, of a room opened before it
    {"_id": "m7", "t": "uj", "rid": "r6", "ts": at("2024-05-07T07:01"), "msg": ""},
]

SETTINGS: list[Document] = [setting("Livechat_visitor_inactivity_timeout", TIMEOUT)]


def _get(document: Document, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(part)  # type: ignore[assignment]
    return document


def _number(document: Document, path: str) -> float:
    found = _get(document, path)
    return found if isinstance(found, int | float) else 0


def _opened(start: datetime, end: datetime) -> list[Document]:
    return [r for r in ROOMS if r["t"] == "l" and start <= r["ts"] <= end]


def _closed(start: datetime, end: datetime) -> list[Document]:
    return [
        r
        for r in ROOMS
        if r["t"] == "l" and "closedAt" in r and r["ts"] >= start and r["closedAt"] <= end
    ]


def _answered(r: Document) -> bool:
    return r.get("waitingResponse") is not True


def _abandoned(r: Document) -> bool:
    return _number(r, "metrics.visitorInactivity") >= TIMEOUT


def _served(r: Document) -> bool:
    return _get(r, "responseBy.lastMessageTs") is not None and _get(r, "servedBy._id") is not None


def _service_seconds(r: Document) -> float:
    return (r["responseBy"]["lastMessageTs"] - r["servedBy"]["ts"]) / timedelta(seconds=1)


def _groups(rooms: Iterable[Document]) -> dict[str | None, list[Document]]:
    groups: defaultdict[str | None, list[Document]] = defaultdict(list)
    for r in rooms:
        groups[r.get("departmentId")].append(r)
    return groups


Items = list[dict[str, Any]]


def _items(
    groups: dict[str | None, list[Document]], item: Callable[[list[Document]], dict[str, int]]
) -> Items:
    keys = sorted(
        (k for k, rooms in groups.items() if rooms), key=lambda k: (k is not None, k or "")
    )
    return [{**item(groups[k]), "_id": k} for k in keys]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def department_items(
    path: str, start: datetime = START, end: datetime = END, answered: bool | None = None
) -> Items:
    """The full ``departments`` list SPEC §4 asks of ``path`` over ``ROOMS``/``MESSAGES``."""
    opened, closed_ = _groups(_opened(start, end)), _groups(_closed(start, end))

    def select(
        groups: dict[str | None, list[Document]], keep: Callable[[Document], bool]
    ) -> dict[str | None, list[Document]]:
        return {k: [r for r in rooms if keep(r)] for k, rooms in groups.items()}

    if path == "amount-of-chats":
        wanted = select(opened, lambda r: answered is None or _answered(r) == answered)
        return _items(wanted, lambda rooms: {"rooms": len(rooms)})
    if path == "average-service-time":
        return _items(
            select(opened, _served),
            lambda rooms: {
                "averageServiceTimeInSeconds": math.ceil(
                    _mean([_service_seconds(r) for r in rooms])
                )
            },
        )
    if path == "average-chat-duration-time":
        return _items(
            closed_,
            lambda rooms: {
                "averageChatDurationTimeInSeconds": math.ceil(
                    _mean([_number(r, "metrics.chatDuration") for r in rooms])
                )
            },
        )
    if path == "total-service-time":
        with_service = select(closed_, lambda r: _get(r, "metrics.serviceTimeDuration") is not None)
        return _items(
            with_service,
            lambda rooms: {
                "chats": len(rooms),
                "serviceTimeDuration": math.ceil(
                    sum(r["metrics"]["serviceTimeDuration"] for r in rooms)
                ),
            },
        )
    if path == "average-waiting-time":
        return _items(
            select(opened, _answered),
            lambda rooms: {
                "averageWaitingTimeInSeconds": math.ceil(
                    _mean([_number(r, "metrics.response.ft") for r in rooms])
                )
            },
        )
    if path == "total-abandoned-chats":
        return _items(select(closed_, _abandoned), lambda rooms: {"abandonedRooms": len(rooms)})
    if path == "percentage-abandoned-chats":
        return _items(
            opened,
            lambda rooms: {
                "percentageOfAbandonedChats": 100 * sum(map(_abandoned, rooms)) // len(rooms)
            },
        )
    if path == "total-transferred-chats":
        current = {r["_id"]: r.get("departmentId") for r in ROOMS}
        events = [
            m for m in MESSAGES if m["t"] == "livechat_transfer_history" and start <= m["ts"] <= end
        ]
        groups = _groups({"departmentId": current.get(m["rid"])} for m in events)
        return _items(groups, lambda found: {"numberOfTransferredRooms": len(found)})
    raise ValueError(path)


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def overview_rooms(
    rooms: list[Document], first: date, last: date, zone: tzinfo, department: str | None = None
) -> list[Document]:
    """Livechat rooms whose creation falls on the days ``first``..``last`` in ``zone``."""
    return [
        r
        for r in rooms
        if r["t"] == "l"
        and first <= r["ts"].astimezone(zone).date() <= last
        and (department is None or r.get("departmentId") == department)
    ]


def _twelve(hour: int) -> str:
    """``7`` → ``"7AM"``, ``12`` → ``"12PM"``, ``0`` and ``24`` → ``"12AM"``."""
    return f"{hour % 12 or 12}{'PM' if 12 <= hour < 24 else 'AM'}"


def conversations(rooms: list[Document], days: int, zone: tzinfo) -> Items:
    """The Conversations items of ``rooms`` (already selected) over ``days`` calendar days."""
    weights: defaultdict[date, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in rooms:
        local = r["ts"].astimezone(zone)
        weights[local.date()][local.hour] += r.get("msgs", 0)
    day = hour = "-"
    if rooms:
        busiest = min(weights, key=lambda d: (-sum(weights[d].values()), d))
        h = min(weights[busiest], key=lambda h: (-weights[busiest][h], h))
        day = WEEKDAYS[busiest.weekday()]
        hour = f"{_twelve(h)}- {_twelve(h + 1)}"
    per_day = len(rooms) / days if rooms else 0.0
    return [
        {"title": "Total_conversations", "value": len(rooms)},
        {
            "title": "Open_conversations",
            "value": sum(r.get("open") is True and r.get("onHold") is not True for r in rooms),
        },
        {"title": "On_Hold_conversations", "value": sum(r.get("onHold") is True for r in rooms)},
        {"title": "Total_messages", "value": sum(r.get("msgs", 0) for r in rooms)},
        {"title": "Busiest_day", "value": day},
        # toFixed(2) on the exact binary value, halves up (only exact halves like 0.125 tie)
        {"title": "Conversations_per_day", "value": f"{math.floor(per_day * 100 + 0.5) / 100:.2f}"},
        {"title": "Busiest_time", "value": hour},
    ]


def hhmmss(seconds: float) -> str:
    """SPEC §2: hours and minutes floored, then the remaining seconds rounded half up."""
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{math.floor(rest + 0.5):02d}"


def productivity(rooms: list[Document]) -> Items:
    """The Productivity items of ``rooms`` (already selected)."""
    productive = [
        r
        for r in rooms
        if _get(r, "metrics.response") is not None and _get(r, "metrics.reaction") is not None
    ]

    def mean(path: str) -> str:
        return hhmmss(_mean([_number(r, path) for r in productive]) if productive else 0)

    return [
        {"title": "Avg_response_time", "value": mean("metrics.response.avg")},
        {"title": "Avg_first_response_time", "value": mean("metrics.response.ft")},
        {"title": "Avg_reaction_time", "value": mean("metrics.reaction.ft")},
    ]
