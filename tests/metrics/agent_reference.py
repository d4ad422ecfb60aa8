"""Plain-Python reference of SPEC §8's per-agent metrics, computed room by room (and activity
document by document) from the inserted documents, in the caller's scope (SPEC §7).

Deliberately independent of ``omnigate.metrics``: it only shares the row dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, tzinfo
from typing import Any

import pytest

from omnigate.metrics.agent_rows import ActivityRow, FirstResponseRow, ServedRow

from .documents import Document
from .reference import number, value


@dataclass(frozen=True)
class Monitor:
    """A monitor's units U and departments D (``None`` as a scope: unrestricted)."""

    units: Collection[str]
    departments: Collection[str]

    def sees_room(self, room: Document) -> bool:
        ancestors = room.get("departmentAncestors") or []
        return bool(set(ancestors) & set(self.units)) or room.get("departmentId") in set(
            self.departments
        )


def _truthy(found: Any) -> bool:
    """JavaScript's truthiness of a number (Rocket.Chat's ``if (metrics.chatDuration)``)."""
    return isinstance(found, int | float) and not isinstance(found, bool) and found != 0


def agent_rooms(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    agent: str,
    *,
    monitor: Monitor | None = None,
    department: str | None = None,
) -> list[Document]:
    """Livechat rooms opened in the range, in scope, of the department, with ``agent._id``."""
    return [
        r
        for r in rooms
        if r.get("t") == "l"
        and start <= r["ts"] <= end
        and value(r, f"{agent}._id") is not None
        and (monitor is None or monitor.sees_room(r))
        and (department is None or r.get("departmentId") == department)
    ]


def _mean_of(members: list[Document], path: str) -> tuple[int, float]:
    truthy = [value(r, path) for r in members if _truthy(value(r, path))]
    return len(truthy), float(sum(truthy))


def served(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    *,
    key: str = "_id",
    monitor: Monitor | None = None,
    department: str | None = None,
) -> dict[Any, ServedRow]:
    """``ServedRow`` of every agent (by ``servedBy.<key>``) that served a room."""
    selected = agent_rooms(rooms, start, end, "servedBy", monitor=monitor, department=department)
    groups: defaultdict[Any, list[Document]] = defaultdict(list)
    for r in selected:
        groups[value(r, f"servedBy.{key}")].append(r)
    result = {}
    for agent, members in groups.items():
        duration = _mean_of(members, "metrics.chatDuration")
        response = _mean_of(members, "metrics.response.avg")
        reaction = _mean_of(members, "metrics.reaction.ft")
        with_service = [r for r in members if value(r, "metrics.serviceTimeDuration") is not None]
        result[agent] = ServedRow(
            username=members[0]["servedBy"].get("username"),
            rooms=len(members),
            total=len(selected),
            messages=int(sum(number(r, "msgs") for r in members)),
            duration_rooms=duration[0],
            duration_seconds=duration[1],
            response_rooms=response[0],
            response_seconds=response[1],
            reaction_rooms=reaction[0],
            reaction_seconds=reaction[1],
            service_rooms=len(with_service),
            service_seconds=float(
                sum(number(r, "metrics.serviceTimeDuration") for r in with_service)
            ),
        )
    return result


def first_responses(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    *,
    key: str = "_id",
    monitor: Monitor | None = None,
    department: str | None = None,
) -> dict[Any, FirstResponseRow]:
    """``FirstResponseRow`` of every agent (by ``responseBy.<key>``) that answered a room first."""
    selected = agent_rooms(rooms, start, end, "responseBy", monitor=monitor, department=department)
    groups: defaultdict[Any, list[Document]] = defaultdict(list)
    for r in selected:
        groups[value(r, f"responseBy.{key}")].append(r)
    result = {}
    for agent, members in groups.items():
        times = [
            value(r, "metrics.response.ft")
            for r in members
            if _truthy(value(r, "metrics.response.ft"))
        ]
        result[agent] = FirstResponseRow(
            username=members[0]["responseBy"].get("username"),
            rooms=len(times),
            seconds=float(sum(times)),
            best=float(min(times)) if times else 0.0,
        )
    return result


def day_number(moment: datetime, zone: tzinfo) -> int:
    local = moment.astimezone(zone)
    return int(f"{local.year:04d}{local.month:02d}{local.day:02d}")


def activity(
    documents: Iterable[Document],
    users: Iterable[Document],
    assignments: Iterable[Document],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    *,
    monitor: Monitor | None = None,
    history: bool = False,
) -> dict[str, ActivityRow]:
    """``ActivityRow`` of every existing user with activity documents on the range's days
    (in ``zone``); for a monitor, only agents assigned to one of its departments."""
    first, last = day_number(start, zone), day_number(end, zone)
    usernames = {u["_id"]: u.get("username") for u in users}
    visible = (
        None
        if monitor is None
        else {a["agentId"] for a in assignments if a["departmentId"] in set(monitor.departments)}
    )
    groups: defaultdict[str, list[Document]] = defaultdict(list)
    for document in documents:
        agent = document["agentId"]
        shown = agent in usernames and (visible is None or agent in visible)
        if shown and first <= document["date"] <= last:
            groups[agent].append(document)
    result = {}
    for agent, members in groups.items():
        members.sort(key=lambda d: d["date"])
        sessions = tuple(s for d in members for s in d.get("serviceHistory", []))
        result[agent] = ActivityRow(
            username=usernames[agent],
            days=len(members),
            available_seconds=float(sum(number(d, "availableTime") for d in members)),
            sessions=sessions if history else (),
        )
    return result


def assert_agent_rows(actual: dict[Any, Any], expected: dict[Any, Any]) -> None:
    """Same agents, equal rows: numbers up to float rounding (of Python's own ``int`` or
    ``float`` type, as declared), the rest exactly."""
    assert set(actual) == set(expected)
    for key, row in actual.items():
        for field in fields(row):
            got, wanted = getattr(row, field.name), getattr(expected[key], field.name)
            if field.type in ("int", "float"):
                assert type(got).__name__ == field.type, (key, field.name)
                assert got == pytest.approx(wanted), (key, field.name)
            else:
                assert got == wanted, (key, field.name)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def metric_values(
    rooms: list[Document],
    activity_documents: list[Document],
    users: list[Document],
    assignments: list[Document],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    agents: Iterable[str],
    *,
    monitor: Monitor | None = None,
) -> dict[str, dict[str, Any]]:
    """Every GraphQL metric of each of ``agents``, by field name, straight from the
    documents (SPEC §8's table)."""
    served_rooms = agent_rooms(rooms, start, end, "servedBy", monitor=monitor)
    answered = agent_rooms(rooms, start, end, "responseBy", monitor=monitor)
    available = activity(activity_documents, users, assignments, start, end, zone, monitor=monitor)
    result = {}
    for agent in agents:
        mine = [r for r in served_rooms if r["servedBy"]["_id"] == agent]
        firsts = [
            value(r, "metrics.response.ft")
            for r in answered
            if r["responseBy"]["_id"] == agent and _truthy(value(r, "metrics.response.ft"))
        ]

        def truthy(path: str, mine: list[Document] = mine) -> list[float]:
            return [value(r, path) for r in mine if _truthy(value(r, path))]

        service = [
            number(r, "metrics.serviceTimeDuration")
            for r in mine
            if value(r, "metrics.serviceTimeDuration") is not None
        ]
        row = available.get(agent)
        result[agent] = {
            "chats": len(mine),
            "conversationShare": 100 * len(mine) / len(served_rooms) if served_rooms else 0.0,
            "messages": int(sum(number(r, "msgs") for r in mine)),
            "averageChatDuration": _mean(truthy("metrics.chatDuration")),
            "averageFirstResponseTime": _mean(firsts),
            "bestFirstResponseTime": float(min(firsts)) if firsts else 0.0,
            "averageResponseTime": _mean(truthy("metrics.response.avg")),
            "averageReactionTime": _mean(truthy("metrics.reaction.ft")),
            "averageServiceTime": _mean(service),
            "totalServiceTime": {"chats": len(service), "seconds": float(sum(service))},
            "availableTime": 0.0 if row is None else row.available_seconds,
        }
    return result
