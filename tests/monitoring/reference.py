"""SPEC §10 in plain Python, document by document: every dashboard body and every
``Monitoring`` field, from the same documents the database holds.

Deliberately independent of ``omnigate``: it shares only the test helpers of the existing
REST reference (``tests.rest.data``: the overview items and ``HH:MM:SS``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tests.metrics.reference import number, value
from tests.rest import data

from . import documents as docs
from .documents import Document

Body = dict[str, Any]


@dataclass(frozen=True)
class View:
    """Who asks what: the range, the department filter, the reporting timezone, the scope
    (``units is None``: everything; else a monitor's units and departments), the clock."""

    start: datetime = docs.START
    end: datetime = docs.END
    department: str | None = None
    zone: tzinfo = UTC
    units: frozenset[str] | None = None
    departments: frozenset[str] = frozenset()
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    collections: dict[str, list[Document]] = field(default_factory=lambda: docs.COLLECTIONS)

    def visible(self, department: str | None) -> bool:
        return self.units is None or department in self.departments

    def agent_departments(self) -> set[str] | None:
        """None: every agent."""
        if self.department is not None:
            return {self.department} if self.visible(self.department) else set()
        return None if self.units is None else set(self.departments)

    def rooms(self) -> list[Document]:
        """Livechat rooms in scope and of the department filter (any date)."""
        if self.start > self.end or (self.department and not self.visible(self.department)):
            return []
        found = []
        for r in self.collections["rocketchat_room"]:
            if r.get("t") != "l":
                continue
            if self.department is not None and r.get("departmentId") != self.department:
                continue
            if self.units is not None and not (
                set(r.get("departmentAncestors") or []) & self.units
                or r.get("departmentId") in self.departments
            ):
                continue
            found.append(r)
        return found

    def opened(self) -> list[Document]:
        return [r for r in self.rooms() if self.start <= r["ts"] <= self.end]

    def closed(self) -> list[Document]:
        return [
            r
            for r in self.rooms()
            if r.get("closedAt") is not None and r["ts"] >= self.start and r["closedAt"] <= self.end
        ]

    def days(self) -> tuple[date, date]:
        return self.start.astimezone(self.zone).date(), self.end.astimezone(self.zone).date()

    def day_rooms(self) -> list[Document]:
        first, last = self.days()
        return [r for r in self.rooms() if first <= r["ts"].astimezone(self.zone).date() <= last]

    def timeout(self) -> int:
        for s in self.collections["rocketchat_settings"]:
            if s["_id"] == "Livechat_visitor_inactivity_timeout":
                return int(s["value"])
        return 3600


def zone_name(zone: tzinfo) -> str:
    """The name omnigate takes for ``zone`` (an IANA zone or a fixed offset)."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None)
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _groups(rooms: list[Document], view: View) -> dict[str | None, list[Document]]:
    """Rooms by department, the groups the scope shows only (the department lists')."""
    groups: defaultdict[str | None, list[Document]] = defaultdict(list)
    for r in rooms:
        if view.visible(r.get("departmentId")):
            groups[r.get("departmentId")].append(r)
    return groups


def _answered(r: Document) -> bool:
    return r.get("waitingResponse") is not True


def _abandoned(r: Document, view: View) -> bool:
    return number(r, "metrics.visitorInactivity") >= view.timeout()


def _served(r: Document) -> bool:
    return value(r, "responseBy.lastMessageTs") is not None and value(r, "servedBy._id") is not None


def _service_seconds(r: Document) -> float:
    return (r["responseBy"]["lastMessageTs"] - r["servedBy"]["ts"]) / timedelta(seconds=1)


def _waiting(rooms: list[Document]) -> float:
    return _mean([number(r, "metrics.response.ft") for r in rooms])


# Rocket.Chat's means of department means (each department's value rounded as its list)


def rc_waiting_time(view: View) -> float:
    groups = _groups([r for r in view.opened() if _answered(r)], view)
    return _mean([math.ceil(_waiting(rooms)) for rooms in groups.values()])


def rc_abandoned_percentage(view: View) -> float:
    groups = _groups(view.opened(), view)
    return _mean(
        [100 * sum(_abandoned(r, view) for r in rooms) // len(rooms) for rooms in groups.values()]
    )


def rc_chat_duration(view: View) -> float:
    groups = _groups(view.closed(), view)
    return _mean(
        [math.ceil(_mean([number(r, "metrics.chatDuration") for r in g])) for g in groups.values()]
    )


def rc_service_time(view: View) -> float:
    groups = _groups([r for r in view.opened() if _served(r)], view)
    return _mean([math.ceil(_mean([_service_seconds(r) for r in g])) for g in groups.values()])


# The same figures over every room (GraphQL)


def waiting_time(view: View) -> float:
    return _waiting([r for r in view.opened() if _answered(r)])


def abandoned_percentage(view: View) -> float:
    opened = view.opened()
    return 100 * sum(_abandoned(r, view) for r in opened) / len(opened) if opened else 0.0


def chat_duration(view: View) -> float:
    return _mean([number(r, "metrics.chatDuration") for r in view.closed()])


def service_time(view: View) -> float:
    return _mean([_service_seconds(r) for r in view.opened() if _served(r)])


def abandoned_chats(view: View) -> int:
    return sum(_abandoned(r, view) for r in view.closed())


def visitors(view: View) -> int:
    departments = view.agent_departments()
    if view.start > view.end or departments == set():
        return 0
    return sum(
        view.start <= v["_updatedAt"] < view.end
        and (departments is None or v.get("department") in departments)
        for v in view.collections["rocketchat_livechat_visitor"]
    )


def _agents(view: View) -> set[str] | None:
    """Ids of the agents counted (None: all)."""
    departments = view.agent_departments()
    if departments is None:
        return None
    return {
        a["agentId"]
        for a in view.collections["rocketchat_livechat_department_agents"]
        if a["departmentId"] in departments
    }


def available_time(view: View) -> tuple[int, float]:
    """(activity documents, available seconds) of the start's day."""
    agents = _agents(view)
    if view.start > view.end or agents == set():
        return 0, 0.0
    day = int(view.start.astimezone(view.zone).strftime("%Y%m%d"))
    found = [
        a
        for a in view.collections["rocketchat_livechat_agent_activity"]
        if a["date"] == day and (agents is None or a["agentId"] in agents)
    ]
    seconds = 0.0
    for a in found:
        seconds += a.get("availableTime", 0)
        if a.get("lastStoppedAt") is None:
            seconds += (view.now - a["lastStartedAt"]) / timedelta(seconds=1)
    return len(found), seconds


def average_available_time(view: View) -> float:
    count, seconds = available_time(view)
    return seconds / count if count else 0.0


def agents_status(view: View) -> Body:
    agents = _agents(view)
    counts = {"offline": 0, "away": 0, "busy": 0, "available": 0}
    for user in view.collections["users"]:
        if "livechat-agent" not in user.get("roles", []):
            continue
        if agents is not None and user["_id"] not in agents:
            continue
        if user.get("statusLivechat") != "available" or user.get("status") == "offline":
            counts["offline"] += 1
        elif user.get("status") in ("away", "busy"):
            counts[user["status"]] += 1
        elif user.get("status") == "online":
            counts["available"] += 1
    return counts


def chats(view: View) -> Body:
    opened = view.opened()
    return {
        "open": sum(
            value(r, "metrics.chatDuration") is None
            and r.get("onHold") is not True
            and r.get("servedBy") is not None
            for r in opened
        ),
        "closed": sum(value(r, "metrics.chatDuration") is not None for r in opened),
        "queued": sum(r.get("open") is True and r.get("servedBy") is None for r in opened),
        "onhold": sum(r.get("onHold") is True for r in opened),
    }


def chats_per_agent(view: View) -> list[dict[str, Any]]:
    """By username: ``{username, agentId, open, closed, onhold}``."""
    opened = {r["_id"] for r in view.opened()}
    closed = {r["_id"] for r in view.closed()}
    agents: dict[str, dict[str, Any]] = {}
    for r in view.rooms():
        username = value(r, "servedBy.username")
        if username is None:
            continue
        entry = agents.setdefault(
            username,
            {
                "username": username,
                "agentId": r["servedBy"]["_id"],
                "open": 0,
                "closed": 0,
                "onhold": 0,
            },
        )
        if r["_id"] in opened and r.get("onHold") is True:
            entry["onhold"] += 1
        elif r["_id"] in opened and r.get("open") is True:
            entry["open"] += 1
        if r["_id"] in closed:
            entry["closed"] += 1
    return [
        agents[name]
        for name in sorted(agents)
        if agents[name]["open"] or agents[name]["closed"] or agents[name]["onhold"]
    ]


def chats_per_department(view: View) -> list[dict[str, Any]]:
    """By (name, _id): ``{departmentId, name, open, closed}`` of existing, visible ones."""
    names = {
        d["_id"]: d["name"]
        for d in view.collections["rocketchat_livechat_department"]
        if d.get("type") != "u"
    }
    found: dict[str, dict[str, Any]] = {}
    for r in view.opened():
        department = r.get("departmentId")
        if department not in names or not view.visible(department):
            continue
        entry = found.setdefault(
            department,
            {"departmentId": department, "name": names[department], "open": 0, "closed": 0},
        )
        entry["open" if r.get("open") is True else "closed"] += 1
    return sorted(found.values(), key=lambda e: (e["name"], e["departmentId"]))


def timings(view: View) -> dict[str, tuple[float, float]]:
    """(average, longest) per timing, unrounded."""
    opened = view.opened()

    def timing(averaged: str, longest: str) -> tuple[float, float]:
        values = [number(r, averaged) for r in opened]
        rooms = sum(bool(v) for v in values)
        maxima = [value(r, longest) for r in opened if value(r, longest) is not None]
        return (sum(values) / rooms if rooms else 0.0, max(maxima, default=0))

    return {
        "response": timing("metrics.response.avg", "metrics.response.ft"),
        "reaction": timing("metrics.reaction.ft", "metrics.reaction.ft"),
        "chatDuration": timing("metrics.chatDuration", "metrics.chatDuration"),
    }


# REST bodies


def js_string(number_: float) -> str:
    """``String(n)`` of JavaScript for the values of these tests (no exponents)."""
    text = repr(float(number_))
    return text.removesuffix(".0")


def _day_items(view: View) -> list[Body]:
    first, last = view.days()
    return data.conversations(view.day_rooms(), (last - first).days + 1, view.zone)


def conversation_totalizers(view: View) -> Body:
    titles = (
        "Total_conversations",
        "Open_conversations",
        "On_Hold_conversations",
        "Total_messages",
    )
    items = [item for item in _day_items(view) if item["title"] in titles]
    return {
        "totalizers": [*items, {"title": "Total_visitors", "value": visitors(view)}],
        "success": True,
    }


def productivity_totalizers(view: View) -> Body:
    return {
        "totalizers": [
            *data.productivity(view.day_rooms()),
            {"title": "Avg_of_waiting_time", "value": data.hhmmss(rc_waiting_time(view))},
        ],
        "success": True,
    }


def chats_totalizers(view: View) -> Body:
    return {
        "totalizers": [
            {"title": "Total_abandoned_chats", "value": abandoned_chats(view)},
            {
                "title": "Avg_of_abandoned_chats",
                "value": f"{js_string(rc_abandoned_percentage(view))}%",
            },
            {"title": "Avg_of_chat_duration_time", "value": data.hhmmss(rc_chat_duration(view))},
        ],
        "success": True,
    }


def agents_productivity_totalizers(view: View) -> Body:
    busiest = [item for item in _day_items(view) if item["title"] == "Busiest_time"]
    return {
        "totalizers": [
            *busiest,
            {
                "title": "Avg_of_available_service_time",
                "value": data.hhmmss(math.trunc(average_available_time(view))),
            },
            {"title": "Avg_of_service_time", "value": data.hhmmss(rc_service_time(view))},
        ],
        "success": True,
    }


def chats_body(view: View) -> Body:
    return {**chats(view), "success": True}


def chats_per_agent_body(view: View) -> Body:
    return {
        **{
            a["username"]: {"open": a["open"], "closed": a["closed"], "onhold": a["onhold"]}
            for a in chats_per_agent(view)
        },
        "success": True,
    }


def agents_status_body(view: View) -> Body:
    return {**agents_status(view), "success": True}


def chats_per_department_body(view: View) -> Body:
    body: dict[str, Any] = {}
    for entry in chats_per_department(view):
        named = body.setdefault(entry["name"], {"open": 0, "closed": 0})
        named["open"] += entry["open"]
        named["closed"] += entry["closed"]
    return {**body, "success": True}


def _js(number_: float) -> int | float:
    return int(number_) if float(number_).is_integer() else number_


def timings_body(view: View) -> Body:
    return {
        **{
            name: {"avg": math.trunc(average), "longest": _js(longest)}
            for name, (average, longest) in timings(view).items()
        },
        "success": True,
    }


BODIES: dict[str, Callable[[View], Body]] = {
    "conversation-totalizers": conversation_totalizers,
    "productivity-totalizers": productivity_totalizers,
    "chats-totalizers": chats_totalizers,
    "agents-productivity-totalizers": agents_productivity_totalizers,
    "charts/chats": chats_body,
    "charts/chats-per-agent": chats_per_agent_body,
    "charts/agents-status": agents_status_body,
    "charts/chats-per-department": chats_per_department_body,
    "charts/timings": timings_body,
}


# GraphQL


def monitoring(view: View) -> dict[str, Any]:
    """``Monitoring``'s fields (``averageAvailableTime`` apart: it depends on the clock)."""
    day_rooms = view.day_rooms()
    productive = [
        r
        for r in day_rooms
        if value(r, "metrics.response") is not None and value(r, "metrics.reaction") is not None
    ]
    items = {item["title"]: item["value"] for item in _day_items(view)}
    busiest = None
    if day_rooms:
        by_hour: defaultdict[tuple[date, int], int] = defaultdict(int)
        for r in day_rooms:
            local = r["ts"].astimezone(view.zone)
            by_hour[(local.date(), local.hour)] += int(number(r, "msgs"))
        by_day: defaultdict[date, int] = defaultdict(int)
        for (day, _), messages in by_hour.items():
            by_day[day] += messages
        day = min(by_day, key=lambda d: (-by_day[d], d))
        hour = min((h for d, h in by_hour if d == day), key=lambda h: (-by_hour[(day, h)], h))
        busiest = {"hour": hour, "label": items["Busiest_time"], "messages": by_hour[(day, hour)]}
    found, states = timings(view), chats(view)
    return {
        "conversations": len(day_rooms),
        "openConversations": items["Open_conversations"],
        "onHoldConversations": items["On_Hold_conversations"],
        "messages": items["Total_messages"],
        "visitors": visitors(view),
        "averageResponseTime": _mean([number(r, "metrics.response.avg") for r in productive]),
        "averageFirstResponseTime": _mean([number(r, "metrics.response.ft") for r in productive]),
        "averageReactionTime": _mean([number(r, "metrics.reaction.ft") for r in productive]),
        "averageWaitingTime": waiting_time(view),
        "abandonedChats": abandoned_chats(view),
        "abandonedChatsPercentage": abandoned_percentage(view),
        "averageChatDuration": chat_duration(view),
        "averageServiceTime": service_time(view),
        "busiestHour": busiest,
        "chats": {
            "open": states["open"],
            "closed": states["closed"],
            "queued": states["queued"],
            "onHold": states["onhold"],
        },
        "chatsPerAgent": [
            {
                "agentId": a["agentId"],
                "username": a["username"],
                "open": a["open"],
                "closed": a["closed"],
                "onHold": a["onhold"],
            }
            for a in chats_per_agent(view)
        ],
        "chatsPerDepartment": [
            {
                "department": {"departmentId": e["departmentId"], "name": e["name"]},
                "open": e["open"],
                "closed": e["closed"],
            }
            for e in chats_per_department(view)
        ],
        "agentsStatus": agents_status(view),
        "timings": {
            name: {"average": average, "longest": float(longest)}
            for name, (average, longest) in found.items()
        },
    }
