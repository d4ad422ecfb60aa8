"""Rocket.Chat's agent analytics (SPEC §8): the agent overview and the ``agents/*`` lists.

The ``agents/<path>`` lists derive from the agent metrics of the catalogue that have a
``RestList``; the overview's seven names map to catalogue metrics. Every value comes from
the same family runs as GraphQL's, in the caller's scope, with Rocket.Chat's rounding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from omnigate.auth import Principal
from omnigate.http.rest import params
from omnigate.http.rest.endpoint import BASE_PATH, rest_endpoint
from omnigate.http.rest.formats import hhmmss, js_date, to_fixed
from omnigate.http.state import AppState, app_state
from omnigate.metrics.agent_activity import activity_by_agent
from omnigate.metrics.agent_query import AgentKey, AgentQuery
from omnigate.metrics.agent_rows import ActivityRow
from omnigate.metrics.catalog import AGENT_METRICS, AGENT_METRICS_BY_NAME, Metric
from omnigate.metrics.families import FAMILIES, Family
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.settings import RocketChatSettings, read_settings
from omnigate.metrics.timezones import ReportingTimezone, reporting_timezone

Handler = Callable[[Request, Principal], Awaitable[dict[str, Any]]]


async def _settings_and_zone(
    state: AppState, principal: Principal
) -> tuple[RocketChatSettings, ReportingTimezone]:
    """Rocket.Chat's settings and the reporting timezone they give the caller."""
    settings = await read_settings(state.store)
    zone = reporting_timezone(
        None,
        settings,
        server_timezone=state.settings.timezone,
        user_utc_offset=principal.utc_offset,
    )
    return settings, zone


# ------------------------------------------------------------------ agent overview


def _percent(value: float) -> str:
    """``"12.50%"``: Rocket.Chat's ``toFixed(2)`` of the share."""
    return f"{to_fixed(value)}%"


def _time(value: float) -> str:
    """``"HH:MM:SS"`` of the seconds first rounded to 2 decimals, as Rocket.Chat formats
    ``secondsToHHMMSS(avg.toFixed(2))``."""
    return hhmmss(float(to_fixed(value)))


@dataclass(frozen=True, slots=True)
class OverviewColumn:
    """One name of ``agent-overview``: its catalogue metric, the head of its value column,
    the value's text and its sort order."""

    metric: Metric
    head: str
    text: Callable[[Any], str | int]
    descending: bool

    @staticmethod
    def sort_value(value: Any) -> float:
        """The number the shown value stands for: to 2 decimals, as Rocket.Chat rounds a
        share or a time before showing it (a message count is whole)."""
        return float(to_fixed(value))


def _overview(
    metric: str, head: str, text: Callable[[Any], str | int], descending: bool
) -> OverviewColumn:
    return OverviewColumn(AGENT_METRICS_BY_NAME[metric], head, text, descending)


# Rocket.Chat: the shares, durations and message totals descending, the times ascending.
AGENT_OVERVIEW: dict[str, OverviewColumn] = {
    "Total_conversations": _overview("conversationShare", "%_of_conversations", _percent, True),
    "Avg_chat_duration": _overview("averageChatDuration", "Avg_chat_duration", _time, True),
    "Total_messages": _overview("messages", "Total_messages", int, True),
    "Avg_first_response_time": _overview(
        "averageFirstResponseTime", "Avg_first_response_time", _time, False
    ),
    "Best_first_response_time": _overview(
        "bestFirstResponseTime", "Best_first_response_time", _time, False
    ),
    "Avg_response_time": _overview("averageResponseTime", "Avg_response_time", _time, False),
    "Avg_reaction_time": _overview("averageReactionTime", "Avg_reaction_time", _time, False),
}


async def agent_overview_handler(request: Request, principal: Principal) -> dict[str, Any]:
    """``name``, ``from``, ``to`` (days in the reporting timezone), ``departmentId``: one
    row per agent username with rooms for the metric, in Rocket.Chat's order."""
    query = request.query_params
    params.require(query, "name", "from", "to")
    name = params.choice(query, "name", tuple(AGENT_OVERVIEW))
    first, last = params.calendar_day(query, "from"), params.calendar_day(query, "to")
    department = params.department_id(query)
    state = app_state(request)
    settings, zone = await _settings_and_zone(state, principal)
    time_range = TimeRange.of(
        params.day_start(first, zone, "from"), params.day_end(last, zone, "to")
    )
    column = AGENT_OVERVIEW[name]
    metric = column.metric
    agent_query = AgentQuery.of(
        time_range, principal.scope, zone, department=department, key=AgentKey.USERNAME
    )
    rows = await FAMILIES[metric.family].run(state.store, agent_query, settings)
    values = {
        username: metric.value(row, {})
        for username, row in rows.items()
        if metric.rooms(row, {}) > 0
    }
    sign = -1 if column.descending else 1
    ordered = sorted(
        values, key=lambda username: (sign * column.sort_value(values[username]), username or "")
    )
    return {
        "head": [{"name": "Agent"}, {"name": column.head}],
        "data": [
            {"name": username, "value": column.text(values[username])} for username in ordered
        ],
        "success": True,
    }


# ---------------------------------------------------------------------- agents/*


def _by_username(rows: dict[GroupKey, Any]) -> Callable[[GroupKey], tuple[bool, str, str]]:
    """Sort key of agent ids by username (as Rocket.Chat sorts), then ``_id``."""

    def key(agent: GroupKey) -> tuple[bool, str, str]:
        username = rows[agent].username
        return (username is not None, username or "", agent or "")

    return key


def agent_list_handler(metric: Metric) -> Handler:
    """The handler answering ``agents/<path>`` of a metric over the rooms agents served:
    ``{agents: [{_id, username, ...item}], count, offset, total, success}``."""
    assert metric.rest is not None
    item = metric.rest.item

    async def handle(request: Request, principal: Principal) -> dict[str, Any]:
        query = request.query_params
        params.require(query, "start", "end")
        time_range = TimeRange.of(params.instant(query, "start"), params.instant(query, "end"))
        page = params.page(query)
        state = app_state(request)
        settings, zone = await _settings_and_zone(state, principal)
        agent_query = AgentQuery.of(time_range, principal.scope, zone)
        rows = await FAMILIES[metric.family].run(state.store, agent_query, settings)
        agents = sorted(
            (agent for agent, row in rows.items() if metric.rooms(row, {}) > 0),
            key=_by_username(rows),
        )
        items = [
            {"_id": agent, "username": rows[agent].username, **item(metric.value(rows[agent], {}))}
            for agent in page.of(agents)
        ]
        return _list_body(items, page, len(agents))

    return handle


def availability_handler(metric: Metric) -> Handler:
    """``agents/available-for-service-history``: ``{agents: [{username,
    availableTimeInSeconds[, serviceHistory]}], ...}`` from the activity documents of the
    range's days, of existing users, by username."""
    assert metric.rest is not None
    item = metric.rest.item

    async def handle(request: Request, principal: Principal) -> dict[str, Any]:
        query = request.query_params
        params.require(query, "start", "end")
        time_range = TimeRange.of(params.instant(query, "start"), params.instant(query, "end"))
        full_report = query.get("fullReport") == "true"  # Rocket.Chat: anything else is false
        page = params.page(query)
        state = app_state(request)
        _, zone = await _settings_and_zone(state, principal)
        agent_query = AgentQuery.of(time_range, principal.scope, zone)
        rows = await activity_by_agent(state.store, agent_query, history=full_report)
        agents = sorted(rows, key=_by_username(rows))
        items = [
            _availability(rows[agent], item(metric.value(rows[agent], {})), full_report)
            for agent in page.of(agents)
        ]
        return _list_body(items, page, len(agents))

    return handle


def _availability(row: ActivityRow, value: dict[str, Any], full_report: bool) -> dict[str, Any]:
    found = {"username": row.username, **value}
    if full_report:
        found["serviceHistory"] = [_session(session) for session in row.sessions]
    return found


def _session(session: Any) -> Any:
    """A ``serviceHistory`` entry with its dates as JavaScript's JSON shows them."""
    if not isinstance(session, dict):
        return session
    return {k: js_date(v) if isinstance(v, datetime) else v for k, v in session.items()}


def _list_body(items: list[dict[str, Any]], page: params.Page, total: int) -> dict[str, Any]:
    return {
        "agents": items,
        "count": len(items),
        "offset": page.offset,
        "total": total,
        "success": True,
    }


def _handler(metric: Metric) -> Handler:
    if metric.family is Family.AGENT_ACTIVITY:
        return availability_handler(metric)
    return agent_list_handler(metric)


routes = [
    Route(f"{BASE_PATH}/agent-overview", rest_endpoint(agent_overview_handler), methods=["GET"]),
    *(
        Route(
            f"{BASE_PATH}/agents/{metric.rest.path}",
            rest_endpoint(_handler(metric)),
            methods=["GET"],
        )
        for metric in AGENT_METRICS
        if metric.rest is not None
    ),
]
