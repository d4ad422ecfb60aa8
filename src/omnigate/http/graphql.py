"""``/graphql``: authentication first, then Strawberry's ASGI view with a fresh context."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from omnigate.auth import authenticate_request
from omnigate.context import Context
from omnigate.errors import BadUserInput, OmnigateError, ServiceUnavailable
from omnigate.http import graphiql
from omnigate.http.errors import (
    GRAPHQL_PATH,
    graphql_error_response,
    log_unavailable,
    request_id,
)
from omnigate.http.graphiql import render_graphiql
from omnigate.http.live import LIVE_PROTOCOLS, LiveTransports, is_live, live_session
from omnigate.http.persisted import (
    NOT_FOUND,
    MemoryRegistry,
    PersistedQueries,
    PersistedQueryError,
    operation_name,
)
from omnigate.http.request_log import graphql_outcome
from omnigate.http.state import app_state
from omnigate.live import LiveSession
from omnigate.observability import requests
from omnigate.playground import load_examples

_PRINCIPAL = "omnigate_principal"


class GraphQLView(LiveTransports, GraphQL[Context | LiveSession, None]):
    """Strawberry's view, with our context, orjson encoding and persisted queries;
    WebSockets and Server-Sent Events carry live queries (``omnigate.http.live``)."""

    def __init__(
        self, schema: Schema, persisted: PersistedQueries | None = None, **options: Any
    ) -> None:
        super().__init__(schema, **options)
        self.persisted = persisted or PersistedQueries(MemoryRegistry())

    def should_render_graphql_ide(self, request: Any) -> bool:
        return False  # GraphQLEndpoint serves our own page before any GraphQL work

    async def get_context(
        self, request: Request | WebSocket, response: Any
    ) -> Context | LiveSession:
        state = app_state(request)
        if is_live(request):
            return live_session(state.live, state.authenticator, request)
        return Context(
            store=state.store.with_budget(state.settings.limits.max_aggregations),
            settings=state.settings,
            principal=request.scope["state"][_PRINCIPAL],
            request_id=request_id(request),
        )

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        """JSON that strawberry then reads as an object (a bare string or number in the
        body made it fail with an AttributeError: a 500)."""
        value = super().parse_json(data)
        if not isinstance(value, dict | list):
            raise HTTPException(
                400, "Expected a JSON object: the request body, `variables` and `extensions`."
            )
        return value

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request's operation, its persisted query resolved (see ``http.persisted``)."""
        data = await super().parse_http_body(request)
        if isinstance(data, list):  # batches are refused by strawberry before this
            return data
        data = await self.persisted.resolve(data)
        stats = requests.current()
        if stats is not None and isinstance(data.query, str):
            name = data.operation_name or operation_name(data.query) or "anonymous"
            stats.operation = str(name)[:100]
        return data

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        stats = requests.current()
        if stats is not None:
            stats.outcome = graphql_outcome(result.errors)
        return await super().process_result(request, result)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's refusals of a malformed request (no query, not JSON, unsupported
        content type...) and persisted-query refusals as JSON with ``extensions.code``,
        not as plain text."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            body = {"errors": [{"message": exc.reason, "extensions": {"code": BadUserInput.code}}]}
            return JSONResponse(body, exc.status_code)
        except PersistedQueryError as exc:
            stats = requests.current()
            if stats is not None and exc.code == NOT_FOUND:
                stats.outcome = "persisted_query_not_found"
            body = {"errors": [{"message": str(exc), "extensions": {"code": exc.code}}]}
            return JSONResponse(body, exc.status)


def _is_ide_page(request: Request) -> bool:
    """A browser's GET without a query (nor a persisted one): the GraphiQL page, which
    needs no credentials."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "extensions" not in request.query_params
        and any(accepted in request.headers.get("accept", "") for accepted in ("text/html", "*/*"))
    )


class GraphQLEndpoint:
    """The ASGI endpoint: our offline GraphiQL page for browsers; otherwise 401/403/503 as
    HTTP statuses before any GraphQL work (SPEC §5), then Strawberry's view. Unexpected
    exceptions are left to ``ErrorBoundary``."""

    def __init__(self, schema: Schema, persisted: PersistedQueries | None = None) -> None:
        self.view = GraphQLView(schema, persisted, subscription_protocols=LIVE_PROTOCOLS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # credentials come with connection_init
            await self.view(scope, receive, send)
            return
        request = Request(scope, receive)
        response: Response
        if _is_ide_page(request):
            stats = requests.current()
            if stats is not None:
                stats.operation = "GraphiQL page"
            page = render_graphiql(app_state(request).settings, load_examples())
            response = HTMLResponse(page)
            await response(scope, receive, send)
            return
        try:
            principal = await authenticate_request(request, app_state(request).authenticator)
        except OmnigateError as exc:
            if isinstance(exc, ServiceUnavailable):
                log_unavailable(exc, request)
            response = graphql_error_response(exc)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})[_PRINCIPAL] = principal
        await self.view(scope, receive, send)


def graphql_routes(schema: Schema, persisted: PersistedQueries | None = None) -> list[BaseRoute]:
    """``/graphql`` (HTTP and WebSocket) and the GraphiQL assets it loads; automatic
    persisted queries kept in this process unless ``persisted`` says otherwise."""
    endpoint = GraphQLEndpoint(schema, persisted)
    return [
        Route(GRAPHQL_PATH, endpoint, methods=["GET", "POST"]),
        WebSocketRoute(GRAPHQL_PATH, endpoint),
        *graphiql.routes,
    ]
