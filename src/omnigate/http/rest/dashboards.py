"""``GET /api/v1/livechat/analytics/dashboards/...``: the nine endpoints the Real-time
Monitoring page polls (SPEC §10), with Rocket.Chat's bodies, key order and number formats.

Each handler computes the parts of the page it shows (``metrics.monitoring``: one
aggregation per collection) in the caller's scope; averages that Rocket.Chat takes as the
mean of its department lists are taken the same way here (``figures.department_mean``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from omnigate.auth import Principal
from omnigate.http.rest import params
from omnigate.http.rest.endpoint import BASE_PATH, rest_endpoint
from omnigate.http.rest.formats import hhmmss, js_number, js_string
from omnigate.http.rest.overview import conversations, productivity
from omnigate.http.state import app_state
from omnigate.metrics.monitoring import MonitoringQuery, MonitoringRow, Part, monitoring_parts
from omnigate.metrics.monitoring.figures import (
    ABANDONED_PERCENTAGE,
    CHAT_DURATION,
    SERVICE_TIME,
    WAITING_TIME,
    department_mean,
)
from omnigate.metrics.monitoring.rooms import AgentStates, Timing, total
from omnigate.metrics.monitoring.statuses import agents_status
from omnigate.metrics.overview import OverviewData
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.settings import read_settings
from omnigate.metrics.timezones import reporting_timezone
from omnigate.records import departments as department_records

Body = dict[str, Any]
Rows = dict[str | None, MonitoringRow]
Parts = dict[Part, Any]
CONVERSATION_TITLES = (
    "Total_conversations",
    "Open_conversations",
    "On_Hold_conversations",
    "Total_messages",
)


def _item(title: str, value: int | str) -> Body:
    return {"title": title, "value": value}


async def _parts(request: Request, principal: Principal, *parts: Part) -> Parts:
    """``start``*, ``end``* (instants), ``departmentId``; then the parts for them."""
    query = request.query_params
    params.require(query, "start", "end")
    time_range = TimeRange.of(params.instant(query, "start"), params.instant(query, "end"))
    department = params.department_id(query)
    state = app_state(request)
    settings = await read_settings(state.store)
    zone = reporting_timezone(
        None,
        settings,
        server_timezone=state.settings.timezone,
        user_utc_offset=principal.utc_offset,
    )
    monitoring = MonitoringQuery(time_range, principal.scope, department, zone)
    return await monitoring_parts(
        state.store,
        monitoring,
        parts,
        timeout=settings.visitor_inactivity_timeout,
        now=datetime.now(UTC),
    )


async def conversation_totalizers(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.DAYS, Part.VISITORS)
    days: OverviewData = found[Part.DAYS]
    items = [item for item in conversations(days) if item["title"] in CONVERSATION_TITLES]
    return {
        "totalizers": [*items, _item("Total_visitors", found[Part.VISITORS])],
        "success": True,
    }


async def productivity_totalizers(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.DAYS, Part.DEPARTMENTS)
    waiting = department_mean(WAITING_TIME, found[Part.DEPARTMENTS], principal.scope)
    return {
        "totalizers": [
            *productivity(found[Part.DAYS]),
            _item("Avg_of_waiting_time", hhmmss(waiting)),
        ],
        "success": True,
    }


async def chats_totalizers(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.DEPARTMENTS)
    rows: Rows = found[Part.DEPARTMENTS]
    abandoned = department_mean(ABANDONED_PERCENTAGE, rows, principal.scope)
    duration = department_mean(CHAT_DURATION, rows, principal.scope)
    return {
        "totalizers": [
            _item("Total_abandoned_chats", total(rows.values()).closed.abandoned),
            _item("Avg_of_abandoned_chats", f"{js_string(abandoned)}%"),
            _item("Avg_of_chat_duration_time", hhmmss(duration)),
        ],
        "success": True,
    }


async def agents_productivity_totalizers(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.DAYS, Part.DEPARTMENTS, Part.AVAILABLE_TIME)
    busiest = [item for item in conversations(found[Part.DAYS]) if item["title"] == "Busiest_time"]
    service = department_mean(SERVICE_TIME, found[Part.DEPARTMENTS], principal.scope)
    available = math.trunc(found[Part.AVAILABLE_TIME].average)
    return {
        "totalizers": [
            *busiest,
            _item("Avg_of_available_service_time", hhmmss(available)),
            _item("Avg_of_service_time", hhmmss(service)),
        ],
        "success": True,
    }


async def chats_chart(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.DEPARTMENTS)
    chats = total(found[Part.DEPARTMENTS].values()).chats
    return {
        "open": chats.open,
        "closed": chats.closed,
        "queued": chats.queued,
        "onhold": chats.on_hold,
        "success": True,
    }


async def chats_per_agent_chart(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.AGENTS)
    agents: list[AgentStates] = found[Part.AGENTS]
    return {
        **{
            agent.username: {"open": agent.open, "closed": agent.closed, "onhold": agent.on_hold}
            for agent in agents
        },
        "success": True,
    }


async def agents_status_chart(request: Request, principal: Principal) -> Body:
    """``departmentId`` only: statuses are not bound to a range."""
    department = params.department_id(request.query_params)
    status = await agents_status(app_state(request).store, principal.scope, department)
    return {
        "offline": status.offline,
        "away": status.away,
        "busy": status.busy,
        "available": status.available,
        "success": True,
    }


async def chats_per_department_chart(request: Request, principal: Principal) -> Body:
    """By department name (rooms of a department that no longer exists are left out;
    departments sharing a name share its entry)."""
    found = await _parts(request, principal, Part.DEPARTMENTS)
    rows: Rows = found[Part.DEPARTMENTS]
    ids = {key for key, row in rows.items() if key is not None and row.opened.rooms}
    records = await department_records.by_ids(app_state(request).store, principal.scope, ids)
    by_name: defaultdict[str, dict[str, int]] = defaultdict(lambda: {"open": 0, "closed": 0})
    for record in sorted(records.values(), key=lambda r: (r.name, r.id)):
        row = rows[record.id]
        by_name[record.name]["open"] += row.open_rooms
        by_name[record.name]["closed"] += row.finished_rooms
    return {**by_name, "success": True}


def _timing(timing: Timing) -> Body:
    return {"avg": math.trunc(timing.average), "longest": js_number(timing.longest)}


async def timings_chart(request: Request, principal: Principal) -> Body:
    found = await _parts(request, principal, Part.DEPARTMENTS)
    timings = total(found[Part.DEPARTMENTS].values()).timings
    return {
        "response": _timing(timings.response),
        "reaction": _timing(timings.reaction),
        "chatDuration": _timing(timings.chat_duration),
        "success": True,
    }


HANDLERS: dict[str, Callable[[Request, Principal], Awaitable[Body]]] = {
    "conversation-totalizers": conversation_totalizers,
    "productivity-totalizers": productivity_totalizers,
    "chats-totalizers": chats_totalizers,
    "agents-productivity-totalizers": agents_productivity_totalizers,
    "charts/chats": chats_chart,
    "charts/chats-per-agent": chats_per_agent_chart,
    "charts/agents-status": agents_status_chart,
    "charts/chats-per-department": chats_per_department_chart,
    "charts/timings": timings_chart,
}

routes = [
    Route(f"{BASE_PATH}/dashboards/{path}", rest_endpoint(handler), methods=["GET"])
    for path, handler in HANDLERS.items()
]
