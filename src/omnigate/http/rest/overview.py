"""``GET /api/v1/livechat/analytics/overview``: the Conversations or Productivity items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from omnigate.auth import Principal
from omnigate.http.rest import params
from omnigate.http.rest.endpoint import BASE_PATH, rest_endpoint
from omnigate.http.rest.formats import hhmmss, to_fixed
from omnigate.http.state import app_state
from omnigate.metrics.overview import OverviewData, overview
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.settings import read_settings
from omnigate.metrics.timezones import reporting_timezone

Item = dict[str, Any]
NONE = "-"  # Busiest_day / Busiest_time without conversations


def _item(title: str, value: int | str) -> Item:
    return {"title": title, "value": value}


def conversations(data: OverviewData) -> list[Item]:
    """The Conversations items in the order of Rocket.Chat's overview document (SPEC §4),
    counts as numbers."""
    return [
        _item("Total_conversations", data.total),
        _item("Open_conversations", data.open),
        _item("On_Hold_conversations", data.on_hold),
        _item("Total_messages", data.messages),
        _item("Busiest_day", data.busiest_day.weekday if data.busiest_day else NONE),
        _item("Conversations_per_day", to_fixed(data.per_day)),
        _item("Busiest_time", data.busiest_hour.label if data.busiest_hour else NONE),
    ]


def productivity(data: OverviewData) -> list[Item]:
    """The Productivity items: mean durations as ``"HH:MM:SS"``."""
    return [
        _item("Avg_response_time", hhmmss(data.average_response_time)),
        _item("Avg_first_response_time", hhmmss(data.average_first_response_time)),
        _item("Avg_reaction_time", hhmmss(data.average_reaction_time)),
    ]


OVERVIEWS: dict[str, Callable[[OverviewData], list[Item]]] = {
    "Conversations": conversations,
    "Productivity": productivity,
}


async def overview_handler(request: Request, principal: Principal) -> list[Item]:
    """``name``, ``from``, ``to`` (calendar days in the reporting timezone), ``departmentId``."""
    query = request.query_params
    params.require(query, "name", "from", "to")
    name = params.choice(query, "name", tuple(OVERVIEWS))
    first, last = params.calendar_day(query, "from"), params.calendar_day(query, "to")
    department = params.department_id(query)
    state = app_state(request)
    zone = reporting_timezone(
        None,
        await read_settings(state.store),
        server_timezone=state.settings.timezone,
        user_utc_offset=principal.utc_offset,
    )
    time_range = TimeRange.of(
        params.day_start(first, zone, "from"), params.day_end(last, zone, "to")
    )
    data = await overview(
        state.store,
        time_range,
        principal.scope,
        department,
        zone,
        max_days=state.settings.limits.max_overview_days,
    )
    return OVERVIEWS[name](data)


routes = [Route(f"{BASE_PATH}/overview", rest_endpoint(overview_handler), methods=["GET"])]
