"""The eight department lists of SPEC §4, derived from the metric catalogue.

Each metric with a ``RestList`` answers ``departments/<path>``: one run of its family (the
same function the GraphQL loaders run) in the caller's scope, the groups whose rooms the
value is over, and each item built from the metric's value with Rocket.Chat's rounding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from omnigate.auth import Principal
from omnigate.http.rest import params
from omnigate.http.rest.endpoint import BASE_PATH, rest_endpoint
from omnigate.http.state import app_state
from omnigate.metrics.catalog import DEPARTMENT_METRICS, Metric
from omnigate.metrics.families import FAMILIES
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.metrics.settings import read_settings

REST_METRICS: tuple[Metric, ...] = tuple(m for m in DEPARTMENT_METRICS if m.rest is not None)


def _null_first(key: GroupKey) -> tuple[bool, str]:
    return (key is not None, key or "")


def department_list_handler(
    metric: Metric,
) -> Callable[[Request, Principal], Awaitable[dict[str, Any]]]:
    """The handler answering ``metric``'s REST list (after authentication)."""
    assert metric.rest is not None
    item, takes = metric.rest.item, [argument.name for argument in metric.arguments]

    async def handle(request: Request, principal: Principal) -> dict[str, Any]:
        query = request.query_params
        params.require(query, "start", "end")
        time_range = TimeRange.of(params.instant(query, "start"), params.instant(query, "end"))
        arguments = {name: params.boolean(query, name) for name in takes}
        department = params.department_id(query)
        page = params.page(query)
        store = app_state(request).store
        group_query = GroupQuery.of(
            time_range, principal.scope, None if department is None else [department]
        )
        rows = await FAMILIES[metric.family].run(store, group_query, await read_settings(store))
        groups = sorted(
            (key for key, row in rows.items() if metric.rooms(row, arguments) > 0), key=_null_first
        )
        items = [
            {**item(metric.value(rows[key], arguments)), "_id": key} for key in page.of(groups)
        ]
        return {
            "departments": items,
            "count": len(items),
            "offset": page.offset,
            "total": len(groups),
            "success": True,
        }

    return handle


routes = [
    Route(
        f"{BASE_PATH}/departments/{metric.rest.path}",
        rest_endpoint(department_list_handler(metric)),
        methods=["GET"],
    )
    for metric in REST_METRICS
    if metric.rest is not None
]
