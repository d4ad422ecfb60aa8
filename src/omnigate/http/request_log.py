"""One log line and the Prometheus request metrics per HTTP request.

``RequestLog`` wraps the whole application (pure ASGI): it opens the request's
``RequestStats`` (which the layers below fill: user, operation, aggregations, cache
hits, an unexpected exception), tracks the requests in flight, sets ``X-Request-Id`` on
every response, and once the response is sent counts it and logs it:

    ... INFO omnigate.request: POST /graphql 200 41.2 ms request_id=... transport=graphql
        operation=DepartmentDashboard user_id=... status=200 outcome=ok duration_ms=41.2
        aggregations=4 cache_hits=4

at INFO for successes and client errors, at ERROR (with the stack) for server errors.
Health checks and ``/metrics`` scrapes are logged at DEBUG.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from graphql import GraphQLError
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnigate.http.errors import REQUEST_ID_HEADER, request_id
from omnigate.observability import instruments
from omnigate.observability.requests import CURRENT, RequestStats

log = logging.getLogger("omnigate.request")

GRAPHQL_PATH = "/graphql"
REST_PREFIX = "/api/"
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
SERVER_ERRORS = frozenset({"error", "unavailable"})
_OUTCOME_BY_STATUS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    503: "unavailable",
}


def transport_of(path: str) -> str:
    if path == GRAPHQL_PATH:
        return "graphql"
    if path.startswith(REST_PREFIX):
        return "rest"
    if path in _QUIET_PATHS:
        return "metrics" if path == "/metrics" else "health"
    return "other"


def outcome_of(status: int) -> str:
    """ok, bad_request, unauthenticated, forbidden, not_found, unavailable or error."""
    if status < 400:
        return "ok"
    if status in _OUTCOME_BY_STATUS:
        return _OUTCOME_BY_STATUS[status]
    return "bad_request" if status < 500 else "error"


def graphql_outcome(errors: Sequence[GraphQLError] | None) -> str:
    """The outcome of an executed GraphQL operation, by its worst error."""
    if not errors:
        return "ok"
    codes = {(error.extensions or {}).get("code") for error in errors}
    if "INTERNAL_SERVER_ERROR" in codes:
        return "error"
    if "SERVICE_UNAVAILABLE" in codes:
        return "unavailable"
    return "bad_request"


class RequestLog:
    """Pure-ASGI middleware: request statistics, metrics and the log line (HTTP only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(HTTPConnection(scope))
        stats = RequestStats(rid, transport_of(scope["path"]))
        status = 500  # unless the application starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if REQUEST_ID_HEADER not in headers:
                    headers[REQUEST_ID_HEADER] = rid
            await send(message)

        token = CURRENT.set(stats)
        in_flight = instruments.IN_FLIGHT.labels(stats.transport)
        in_flight.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            stats.exception = stats.exception or exc
            raise
        finally:
            in_flight.dec()
            CURRENT.reset(token)
            _finish(scope, stats, status, time.perf_counter() - started)


def _finish(scope: Scope, stats: RequestStats, status: int, seconds: float) -> None:
    outcome = stats.outcome or outcome_of(status)
    if stats.transport == "graphql":
        operation = instruments.OPERATION_NAMES(stats.operation)
    else:  # a route's path (bounded by the routes), never an arbitrary one
        operation = scope["path"] if "endpoint" in scope else "unmatched"
    instruments.REQUESTS.labels(stats.transport, operation, outcome).inc()
    instruments.REQUEST_SECONDS.labels(stats.transport, operation).observe(seconds)

    server_error = outcome in SERVER_ERRORS or status >= 500
    if server_error:
        level = logging.ERROR
    elif scope["path"] in _QUIET_PATHS:
        level = logging.DEBUG
    else:
        level = logging.INFO
    if not log.isEnabledFor(level):
        return
    duration_ms = round(seconds * 1000, 1)
    log.log(
        level,
        "%s %s %d %.1f ms",
        scope["method"],
        scope["path"],
        status,
        duration_ms,
        exc_info=stats.exception if server_error else None,
        extra={
            "fields": {
                "request_id": stats.request_id,
                "transport": stats.transport,
                # GraphQL: the name as sent (the label may be "other"); else the route
                "operation": stats.operation if stats.transport == "graphql" else operation,
                "user_id": stats.user_id,
                "status": status,
                "outcome": outcome,
                "duration_ms": duration_ms,
                "aggregations": stats.aggregations,
                "cache_hits": stats.cache_hits,
            }
        },
    )
