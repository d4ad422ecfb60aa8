"""What SPEC §8's agent REST endpoints answer for ``tests.metrics.agent_documents``, computed
here document by document in plain Python (independent of ``omnigate``), with Rocket.Chat's
formatting: JavaScript's ``toFixed(2)``, ``secondsToHHMMSS`` and ``Math.ceil``."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.metrics.agent_documents import ACTIVITY, ROOMS, USERS
from tests.metrics.agent_reference import Monitor
from tests.metrics.reference import value

from .data import hhmmss

Item = dict[str, Any]


def to_fixed(number: float) -> str:
    """JavaScript's ``number.toFixed(2)``: the exact binary value, halves away from zero."""
    return str(Decimal(number).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _truthy(found: Any) -> bool:
    return isinstance(found, int | float) and not isinstance(found, bool) and found != 0


def _opened(
    start: datetime, end: datetime, monitor: Monitor | None, department: str | None
) -> list[dict[str, Any]]:
    return [
        r
        for r in ROOMS
        if r["t"] == "l"
        and start <= r["ts"] <= end
        and (monitor is None or monitor.sees_room(r))
        and (department is None or r.get("departmentId") == department)
    ]


def day_range(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """``first`` at 00:00:00.000 to ``last`` at 23:59:59.999 in ``zone``, in UTC."""
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last, time(23, 59, 59, 999_000), zone).astimezone(UTC)
    return start, end


# name -> (agent field, room metric or None, how the rows aggregate, head, descending)
OVERVIEW: dict[str, tuple[str, str | None, str, str, bool]] = {
    "Total_conversations": ("servedBy", None, "share", "%_of_conversations", True),
    "Avg_chat_duration": ("servedBy", "metrics.chatDuration", "mean", "Avg_chat_duration", True),
    "Total_messages": ("servedBy", None, "messages", "Total_messages", True),
    "Avg_first_response_time": (
        "responseBy", "metrics.response.ft", "mean", "Avg_first_response_time", False,
    ),
    "Best_first_response_time": (
        "responseBy", "metrics.response.ft", "min", "Best_first_response_time", False,
    ),
    "Avg_response_time": ("servedBy", "metrics.response.avg", "mean", "Avg_response_time", False),
    "Avg_reaction_time": ("servedBy", "metrics.reaction.ft", "mean", "Avg_reaction_time", False),
}  # fmt: skip


def agent_overview(
    name: str,
    start: datetime,
    end: datetime,
    *,
    monitor: Monitor | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """The body of ``agent-overview?name=...`` over the rooms opened in the range."""
    field, metric, how, head, descending = OVERVIEW[name]
    rooms = [r for r in _opened(start, end, monitor, department) if value(r, f"{field}._id")]
    by_username: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rooms:
        by_username[r[field]["username"]].append(r)
    shown: dict[str, tuple[float, str | int]] = {}
    for username, members in by_username.items():
        if how == "share":
            text = to_fixed(len(members) / len(rooms) * 100)
            shown[username] = (float(text), f"{text}%")
        elif how == "messages":
            total = sum(r.get("msgs", 0) for r in members)
            shown[username] = (total, total)
        else:
            assert metric is not None
            values = [value(r, metric) for r in members if _truthy(value(r, metric))]
            if values:
                number = min(values) if how == "min" else sum(values) / len(values)
                rounded = float(to_fixed(number))
                shown[username] = (rounded, hhmmss(rounded))
    sign = -1 if descending else 1
    ordered = sorted(shown, key=lambda username: (sign * shown[username][0], username))
    return {
        "head": [{"name": "Agent"}, {"name": head}],
        "data": [{"name": username, "value": shown[username][1]} for username in ordered],
        "success": True,
    }


def _service_groups(
    start: datetime, end: datetime, monitor: Monitor | None
) -> dict[str, list[dict[str, Any]]]:
    groups: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _opened(start, end, monitor, None):
        if value(r, "servedBy._id") and value(r, "metrics.serviceTimeDuration") is not None:
            groups[r["servedBy"]["_id"]].append(r)
    return groups


def _by_username(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (item["username"], item.get("_id", "")))


def service_items(
    path: str, start: datetime, end: datetime, monitor: Monitor | None = None
) -> list[Item]:
    """Every item of ``agents/average-service-time`` or ``agents/total-service-time``."""
    items = []
    for agent, rooms in _service_groups(start, end, monitor).items():
        seconds = sum(r["metrics"]["serviceTimeDuration"] for r in rooms)
        item: Item = {"_id": agent, "username": rooms[0]["servedBy"]["username"]}
        if path == "average-service-time":
            item["averageServiceTimeInSeconds"] = math.ceil(seconds / len(rooms))
        else:
            item |= {"chats": len(rooms), "serviceTimeDuration": math.ceil(seconds)}
        items.append(item)
    return _by_username(items)


def _js_date(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _day(moment: datetime, zone: tzinfo) -> int:
    return int(moment.astimezone(zone).strftime("%Y%m%d"))


def availability_items(
    start: datetime,
    end: datetime,
    *,
    zone: tzinfo = UTC,
    full_report: bool = False,
    visible: Callable[[str], bool] = lambda agent: True,
) -> list[Item]:
    """Every item of ``agents/available-for-service-history``."""
    usernames = {u["_id"]: u["username"] for u in USERS}
    first, last = _day(start, zone), _day(end, zone)
    groups: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for document in sorted(ACTIVITY, key=lambda d: d["date"]):
        agent = document["agentId"]
        if first <= document["date"] <= last and agent in usernames and visible(agent):
            groups[agent].append(document)
    items = []
    for agent, documents in groups.items():
        seconds = sum(d.get("availableTime", 0) for d in documents)
        item: Item = {"username": usernames[agent], "availableTimeInSeconds": seconds}
        if full_report:
            item["serviceHistory"] = [
                {"startedAt": _js_date(s["startedAt"]), "stoppedAt": _js_date(s["stoppedAt"])}
                for d in documents
                for s in d.get("serviceHistory", [])
            ]
        items.append(item)
    return _by_username(items)
