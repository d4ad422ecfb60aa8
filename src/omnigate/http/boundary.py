"""The error boundary: no exception leaves the application as Starlette's plain-text 500."""

from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnigate.http.errors import (
    GRAPHQL_PATH,
    REQUEST_ID_HEADER,
    internal_error_response,
    log_unexpected,
    request_id,
)

logger = logging.getLogger("omnigate.http")


class ErrorBoundary:
    """Outermost pure-ASGI middleware of every HTTP request.

    Every response carries the request's ``X-Request-Id``. An exception that escapes the
    application (authentication, the GraphQL view, a REST handler, a health check, another
    middleware) is logged once at ERROR with its traceback and the request id, and answered
    as a JSON 500 naming that id: GraphQL-shaped on ``/graphql``, Rocket.Chat-shaped
    elsewhere. After the response has started nothing can be answered any more: the error is
    logged and the server closes the incomplete response. A client that went away is not an
    error. Other scopes (lifespan) pass through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        rid = request_id(connection)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).setdefault(REQUEST_ID_HEADER, rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            logger.info("Client disconnected on %s [request_id=%s]", connection.url.path, rid)
        except Exception as exc:
            log_unexpected(exc, connection)
            if not started:
                graphql = scope["path"].rstrip("/") == GRAPHQL_PATH
                await internal_error_response(rid, graphql=graphql)(scope, receive, send)
