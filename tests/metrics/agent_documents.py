"""Hand-made agents, assignments, rooms and activity documents covering SPEC §8's edges,
shared by the metric, schema and REST tests of agents.

Edges: an agent with no rooms (carla), rooms without ``servedBy`` (absent or null), rooms
answered first by another agent than the one who served them, missing metrics, zero and
non-numeric durations, rooms on both ends of the range and just outside it, a stale
``departmentAncestors``, an agent who left (xavier, role removed) who still served rooms,
activity documents on the range's boundary days and just outside, an open session, the
activity of a deleted user; and a monitor of unit ``u1`` (departments dA and dB).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database

from .agent_reference import Monitor
from .documents import Document, at, closed, room

START = at("2024-05-01T00:00")
END = at("2024-05-31T23:59:59.999")

UNIT = "u1"
MONITOR = Monitor(units=[UNIT], departments=["dA", "dB"])

DEPARTMENTS: list[Document] = [
    {"_id": UNIT, "name": "Unit One", "type": "u"},
    {"_id": "dA", "name": "Alpha", "type": "d", "ancestors": [UNIT], "parentId": UNIT},
    {"_id": "dB", "name": "Beta", "type": "d", "ancestors": [UNIT], "parentId": UNIT},
    {"_id": "dC", "name": "Gamma", "type": "d"},
]


def agent(_id: str, username: str, **fields: Any) -> Document:
    """A livechat agent (``users`` document)."""
    return {
        "_id": _id,
        "username": username,
        "name": username.title(),
        "roles": ["user", "livechat-agent"],
        "active": True,
        "status": "online",
        "statusLivechat": "available",
        **fields,
    }


USERS: list[Document] = [
    agent("a1", "alice"),
    agent("a2", "bruno", status="away"),
    agent("a3", "carla", status="offline", statusLivechat="not-available"),
    agent("a4", "dmitri", active=False, name=None),
    # left the team: the role was removed, the rooms it served stay
    {**agent("x1", "xavier", status="offline"), "roles": ["user"]},
]

ASSIGNMENTS: list[Document] = [
    {"_id": f"da-{a}-{d}", "agentId": a, "departmentId": d, "username": u}
    for a, d, u in (
        ("a1", "dA", "alice"),
        ("a1", "dB", "alice"),
        ("a2", "dC", "bruno"),
        ("a3", "dA", "carla"),
    )
]


def _by(_id: str) -> dict[str, str]:
    return {"_id": _id, "username": {u["_id"]: u["username"] for u in USERS}.get(_id, _id)}


def agent_room(
    _id: str,
    ts: datetime,
    department: str | None,
    served_by: str | None,
    response_by: str | None = None,
    **fields: Any,
) -> Document:
    """A room opened at ``ts``, served by ``served_by`` and answered first by
    ``response_by`` (agent ids; ``None`` leaves the field out)."""
    document = room(_id, ts, department, **fields)
    if served_by is not None:
        document["servedBy"] = {**_by(served_by), "ts": ts}
    if response_by is not None:
        document["responseBy"] = {**_by(response_by), "firstResponseTs": ts, "lastMessageTs": ts}
    return document


ROOMS: list[Document] = [
    closed(
        agent_room("r1", at("2024-05-02T10:00"), "dA", "a1", "a1", msgs=5),
        at("2024-05-02T11:00"),
        chatDuration=100.5,
        serviceTimeDuration=80.25,
        response={"avg": 12.5, "ft": 10.25},
        reaction={"ft": 3.5},
    ),
    closed(  # answered first by bruno; zero durations
        agent_room("r2", at("2024-05-03T09:00"), "dA", "a1", "a2", msgs=3),
        at("2024-05-03T09:30"),
        chatDuration=0,
        serviceTimeDuration=0,
        response={"ft": 7},
        reaction={"ft": 0},
    ),
    agent_room("r3", at("2024-05-04T12:00"), "dC", "a2", "a2"),  # no metrics at all
    agent_room("r4", at("2024-05-05T08:00"), "dA", None, waitingResponse=True),  # queued
    closed(  # served by xavier, who left since
        agent_room("r5", at("2024-05-06T23:30"), "dB", "x1", "x1", msgs=4),
        at("2024-05-07T00:10"),
        chatDuration=50,
        serviceTimeDuration=40,
        response={"avg": 4, "ft": 2},
        reaction={"ft": 1},
    ),
    closed(  # opened before the range
        agent_room("r6", at("2024-04-30T23:59:59.999"), "dA", "a1", "a1", msgs=9),
        at("2024-05-01T01:00"),
        chatDuration=999,
        serviceTimeDuration=999,
        response={"avg": 99, "ft": 99},
        reaction={"ft": 99},
    ),
    agent_room("r7", at("2024-05-08T08:00"), "dA", "a1", "a1", msgs=9, t="c"),  # not livechat
    closed(  # at the very end of the range
        agent_room("r8", END, "dC", "a2", "a2", msgs=7),
        END,
        chatDuration=12,
        response={"avg": 9, "ft": 30},
    ),
    closed(  # no department; a first response time that is not a number
        agent_room("r9", at("2024-05-10T15:00"), None, "a1", "a1", msgs=2),
        at("2024-05-10T15:20"),
        chatDuration=20,
        response={"ft": "12"},
    ),
    # a stale department, but the unit's ancestors: in the monitor's scope
    agent_room("r10", at("2024-05-11T10:00"), "dZ", "a2", "a2", msgs=1, departmentAncestors=[UNIT]),
    {**agent_room("r11", at("2024-05-12T10:00"), "dA", None), "servedBy": None},
    closed(  # alice in a department outside the monitor's scope
        agent_room("r12", at("2024-05-13T10:00"), "dC", "a1", "a1", msgs=6),
        at("2024-05-13T10:30"),
        serviceTimeDuration=10,
        response={"avg": 6, "ft": 4.75},
        reaction={"ft": 2},
    ),
    closed(  # served by bruno, answered first by alice
        agent_room("r13", at("2024-05-14T10:00"), "dA", "a2", "a1", msgs=8),
        at("2024-05-14T10:30"),
        chatDuration=1800,
        serviceTimeDuration=1700.5,
        response={"avg": 20, "ft": 15.5},
        reaction={"ft": 5},
    ),
    agent_room(
        "r14",
        at("2024-05-15T10:00"),
        "dA",
        "a1",
        "a1",
        msgs=4,
        metrics={"response": {"avg": 3}, "reaction": {"ft": 2.5}},
    ),
]


def activity(agent_id: str, date: int, *sessions: tuple[str, str], **fields: Any) -> Document:
    """An activity document of ``agent_id`` for ``date`` with closed ``sessions``."""
    history = [{"startedAt": at(start), "stoppedAt": at(stop)} for start, stop in sessions]
    document: Document = {"_id": f"act-{agent_id}-{date}", "agentId": agent_id, "date": date}
    if history:
        document.update(
            availableTime=sum(
                int((s["stoppedAt"] - s["startedAt"]).total_seconds()) for s in history
            ),
            serviceHistory=history,
            lastStartedAt=history[-1]["startedAt"],
            lastStoppedAt=history[-1]["stoppedAt"],
        )
    return {**document, **fields}


ACTIVITY: list[Document] = [
    activity("a1", 20240430, ("2024-04-30T09:00", "2024-04-30T17:00")),  # the day before
    activity("a1", 20240501, ("2024-05-01T09:00", "2024-05-01T10:00")),  # first day
    activity(
        "a1",
        20240515,
        ("2024-05-15T08:00", "2024-05-15T10:00"),
        ("2024-05-15T11:00", "2024-05-15T11:30"),
    ),
    activity("a1", 20240531, ("2024-05-31T22:00", "2024-05-31T22:30")),  # last day
    activity("a1", 20240601, ("2024-06-01T00:10", "2024-06-01T01:00")),  # the day after
    activity("a2", 20240510, lastStartedAt=at("2024-05-10T09:00")),  # a session still open
    activity("a2", 20240511, ("2024-05-11T09:00", "2024-05-11T10:23:20")),
    activity("x1", 20240505, ("2024-05-05T09:00", "2024-05-05T09:15")),  # left since
    activity("ghost", 20240505, ("2024-05-05T09:00", "2024-05-05T09:16:39")),  # deleted user
]


def insert(db: Database) -> None:
    """Every document of this module into ``db``."""
    db.rocketchat_livechat_department.insert_many(DEPARTMENTS)
    db.users.insert_many(USERS)
    db.rocketchat_livechat_department_agents.insert_many(ASSIGNMENTS)
    db.rocketchat_room.insert_many(ROOMS)
    db.rocketchat_livechat_agent_activity.insert_many(ACTIVITY)
