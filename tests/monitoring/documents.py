"""Hand-made documents of the monitoring tests: one Monday (2024-05-06) watched from 08:00
to 18:00 UTC, with every case the nine dashboard endpoints meet.

Department ``dA`` has many rooms with long waits, ``dB`` few with short ones: Rocket.Chat's
mean of department means and the mean over every room differ (see the tests). Units ``u1``
(departments dA, dB) and ``u2`` (none) let a monitor watch part of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database

from tests.metrics.documents import Document, at, setting

START = at("2024-05-06T08:00")
END = at("2024-05-06T18:00")
TIMEOUT = 3600
DAY = 20240506

UNITS = [
    {"_id": "u1", "type": "u", "name": "Unit one", "numMonitors": 1, "numDepartments": 2},
    {"_id": "u2", "type": "u", "name": "Unit two", "numMonitors": 0, "numDepartments": 0},
]
DEPARTMENTS = [
    {"_id": "dA", "name": "Alpha", "enabled": True, "type": "d", "ancestors": ["u1"]},
    {"_id": "dB", "name": "Beta", "enabled": True, "type": "d", "ancestors": ["u1"]},
    {"_id": "dC", "name": "Gamma", "enabled": True, "type": "d"},
]
AGENTS = {"a1": "ana", "a2": "bruno", "a3": "chloe", "a4": "david", "a5": "elena"}


def _agent(agent_id: str, served_at: datetime) -> Document:
    return {"_id": agent_id, "username": AGENTS[agent_id], "ts": served_at}


def _room(
    _id: str,
    ts: str,
    department: str | None,
    *,
    agent: str | None = None,
    served: str | None = None,
    last: str | None = None,
    closed: str | None = None,
    **fields: Any,
) -> Document:
    """A livechat room; ``agent`` serves it (from ``served``, default ``ts``), ``last`` is
    the agent's last message; ``closed`` closes it (else it is open)."""
    document: Document = {"_id": _id, "t": "l", "ts": at(ts), "msgs": 1}
    if department is not None:
        document["departmentId"] = department
    if agent is not None:
        document["servedBy"] = _agent(agent, at(served or ts))
        if last is not None:
            document["responseBy"] = {**_agent(agent, at(served or ts)), "lastMessageTs": at(last)}
    else:
        document["waitingResponse"] = True
    if closed is None:
        document["open"] = True
    else:
        document["closedAt"] = at(closed)
    document.update(fields)
    return document


def _metrics(**values: Any) -> Document:
    return {"metrics": values}


ROOMS: list[Document] = [
    _room(
        "r1", "2024-05-06T09:00", "dA", agent="a1", served="2024-05-06T09:01",
        last="2024-05-06T09:11", closed="2024-05-06T09:30", msgs=10,
        **_metrics(
            chatDuration=1800, serviceTimeDuration=1740, visitorInactivity=100,
            response={"avg": 20, "ft": 100}, reaction={"ft": 60},
        ),
    ),
    _room(
        "r2", "2024-05-06T10:00", "dA", agent="a1", last="2024-05-06T10:05:30.500", msgs=4,
        departmentAncestors=["u1"],
        **_metrics(response={"avg": 0, "ft": 200}, reaction={"ft": 30.5}),
    ),
    _room(
        "r3", "2024-05-06T11:00", "dA", agent="a2", msgs=6, onHold=True,
        **_metrics(response={"avg": 10, "ft": 300}, reaction={"ft": 0}),
    ),
    _room("r4", "2024-05-06T12:00", "dA", msgs=1),  # queued
    _room(  # opened before the range, on its day
        "r5", "2024-05-06T07:00", "dA", agent="a1", closed="2024-05-06T08:30", msgs=3,
        **_metrics(chatDuration=5400, response={"avg": 5, "ft": 5}, reaction={"ft": 5}),
    ),
    _room(
        "r6", "2024-05-06T13:00", "dA", agent="a2", served="2024-05-06T13:00:30",
        last="2024-05-06T13:20", closed="2024-05-06T15:00", msgs=8,
        **_metrics(
            chatDuration=7200, serviceTimeDuration=7170, visitorInactivity=4000,
            response={"avg": 30, "ft": 400}, reaction={"ft": 90},
        ),
    ),
    _room(
        "r7", "2024-05-06T14:00", "dB", agent="a4", last="2024-05-06T14:05",
        closed="2024-05-06T14:10", msgs=5,
        **_metrics(
            chatDuration=600.5, serviceTimeDuration=580, response={"avg": 2, "ft": 4},
            reaction={"ft": 3},
        ),
    ),
    _room("r8", "2024-05-06T18:00", "dB", agent="a2", msgs=2),  # at the range's end
    _room(  # without department
        "r9", "2024-05-06T15:00", None, agent="a3", last="2024-05-06T15:30",
        closed="2024-05-06T16:00", msgs=2,
        **_metrics(chatDuration=3600, visitorInactivity=3600, response={"ft": 50}),
    ),
    _room("r10", "2024-05-06T16:00", "dC", agent="a3", waitingResponse=False),
    _room(  # the day before
        "r11", "2024-05-05T20:00", "dC", agent="a5", closed="2024-05-06T09:00", msgs=9,
        **_metrics(chatDuration=46800),
    ),
    _room(  # closed after the range
        "r12", "2024-05-06T17:00", "dC", agent="a5", closed="2024-05-06T19:00", msgs=3,
        **_metrics(chatDuration=7200, visitorInactivity=5000, response={"avg": 7, "ft": 7}),
    ),
    _room(  # its department was deleted
        "r13", "2024-05-06T10:30", "dGone", agent="a1", closed="2024-05-06T11:00", msgs=2,
        **_metrics(chatDuration=1800),
    ),
    {**_room("r14", "2024-05-06T10:00", "dA", msgs=50), "t": "c"},  # not livechat
    _room("r15", "2024-05-06T19:00", "dB", agent="a4", msgs=7),  # after the range, same day
    _room(  # stale ancestors: a monitor of u1 sees it, not its department
        "r16", "2024-05-06T12:30", "dC", agent="a3", departmentAncestors=["u1"], msgs=1
    ),
]  # fmt: skip

VISITORS: list[Document] = [
    {"_id": "v1", "_updatedAt": START, "department": "dA"},
    {"_id": "v2", "_updatedAt": END, "department": "dA"},  # at the end: left out
    {"_id": "v3", "_updatedAt": at("2024-05-06T12:00"), "department": "dC"},
    {"_id": "v4", "_updatedAt": at("2024-05-06T12:00")},
    {"_id": "v5", "_updatedAt": at("2024-05-06T07:00"), "department": "dB"},
    {"_id": "v6", "_updatedAt": at("2024-05-06T13:00"), "department": "dB"},
]


def _user(_id: str, status: str | None, livechat: str | None, **fields: Any) -> Document:
    document: Document = {"_id": _id, "username": AGENTS.get(_id, _id), "roles": ["user"]}
    document["roles"].append("livechat-agent")
    if status is not None:
        document["status"] = status
    if livechat is not None:
        document["statusLivechat"] = livechat
    document.update(fields)
    return document


USERS: list[Document] = [
    _user("a1", "online", "available"),
    _user("a2", "away", "available"),
    _user("a3", "busy", "available"),
    _user("a4", "offline", "available"),
    _user("a5", "online", "not-available"),
    _user("a6", "online", None),  # never set: not available
    _user("a7", "busy", "available"),  # no department
    _user("boss", "online", "available", roles=["user", "livechat-manager"]),  # not an agent
]

ASSIGNMENTS: list[Document] = [
    {"_id": f"{agent}-{department}", "agentId": agent, "departmentId": department}
    for agent, department in [
        ("a1", "dA"), ("a2", "dA"), ("a2", "dB"), ("a3", "dC"), ("a4", "dB"), ("a5", "dC"),
    ]
]  # fmt: skip


def _activity(
    _id: str, agent: str, date: int, available: float, started: str, stopped: str | None
) -> Document:
    document: Document = {
        "_id": _id,
        "agentId": agent,
        "date": date,
        "availableTime": available,
        "lastStartedAt": at(started),
        "serviceHistory": [],
    }
    if stopped is not None:
        document["lastStoppedAt"] = at(stopped)
    return document


ACTIVITY: list[Document] = [
    _activity("t1", "a1", DAY, 3600, "2024-05-06T08:00", "2024-05-06T09:00"),
    _activity("t2", "a2", DAY, 1800, "2024-05-06T09:00", "2024-05-06T09:30"),
    _activity("t3", "a3", DAY, 7201, "2024-05-06T06:00", "2024-05-06T08:00"),
    _activity("t4", "a4", DAY, 600, "2024-05-06T17:30", None),  # still available
    _activity("t5", "a1", 20240505, 99_999, "2024-05-05T08:00", "2024-05-05T20:00"),
]

SETTINGS = [setting("Livechat_visitor_inactivity_timeout", TIMEOUT)]

COLLECTIONS: dict[str, list[Document]] = {
    "rocketchat_room": ROOMS,
    "rocketchat_livechat_department": UNITS + DEPARTMENTS,
    "rocketchat_livechat_visitor": VISITORS,
    "users": USERS,
    "rocketchat_livechat_department_agents": ASSIGNMENTS,
    "rocketchat_livechat_agent_activity": ACTIVITY,
    "rocketchat_settings": SETTINGS,
}


def insert(db: Database, collections: dict[str, list[Document]] = COLLECTIONS) -> None:
    for collection, documents in collections.items():
        if documents:
            db[collection].insert_many([dict(document) for document in documents])
