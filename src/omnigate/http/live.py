"""The transports of live queries at ``/graphql``: Strawberry's graphql-transport-ws
WebSocket handler and its Server-Sent Events transport, narrowed to subscriptions, and
the hub that runs the queries (one per worker process)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from cross_web import HTTPException
from graphql import GraphQLError, GraphQLSyntaxError, OperationType, get_operation_ast, parse
from starlette.requests import HTTPConnection
from strawberry import Schema
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http import GraphQLRequestData
from strawberry.http.streaming import SSETransport
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL, GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.types.graphql import OperationType as StrawberryOperationType

from omnigate.auth import Authenticator, Principal
from omnigate.config import Settings
from omnigate.context import Context
from omnigate.db import Store
from omnigate.errors import BadUserInput, Forbidden, OmnigateError, Unauthenticated
from omnigate.live import Credentials, LiveHub, LiveQuery, LiveSession, credentials_in
from omnigate.live.tick import Outcome, TickTime

# graphql-transport-ws and graphql-sse (distinct connections mode); not the legacy
# subscriptions-transport-ws protocol.
LIVE_PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL)
# graphql-ws close codes; 1013 (RFC 6455 "try again later") for database trouble.
_CLOSE_CODES = {Unauthenticated.code: 4401, Forbidden.code: 4403}
_TRY_AGAIN_LATER = 1013
_BAD_REQUEST = 4400
_MAX_CLOSE_REASON = 123  # bytes of UTF-8 in a close frame
ONLY_SUBSCRIPTIONS = (
    "Only subscriptions (live queries) run over this transport: POST queries to /graphql."
)
STREAMED_SUBSCRIPTIONS = (
    "A subscription (live query) needs a WebSocket (graphql-transport-ws) or Server-Sent "
    "Events: POST it with `Accept: text/event-stream`."
)


def create_hub(schema: Schema, settings: Settings, store: Store, auth: Authenticator) -> LiveHub:
    """The worker's hub: a tick runs the query as a request of one of its subscribers, with
    a fresh context (loaders, Rocket.Chat settings, aggregation budget) as of the tick's
    instant, after checking every subscriber's credentials against the database (never
    from a cache). Its reads go through the result cache keyed by that instant (when the
    cache is on): ticks of the same instant share them, in every worker when the cache is
    Redis, and a result is never older than the tick."""

    async def execute(query: LiveQuery, principal: Principal, when: TickTime) -> Outcome:
        context = Context(
            store=store.at(when.instant, ttl=when.every).with_budget(
                settings.limits.max_aggregations
            ),
            settings=settings,
            principal=principal,
            request_id=f"live-{uuid.uuid4().hex}",
            now=when.instant,
        )
        return await schema.execute(
            query.document, variable_values=query.variables, context_value=context
        )

    async def authenticate(credentials: Credentials) -> Principal:
        return await auth.authenticate(*credentials, fresh=True)

    return LiveHub(execute, authenticate, settings.limits)


def is_live(connection: HTTPConnection) -> bool:
    """A WebSocket, or a request for Server-Sent Events: both carry subscriptions only."""
    return connection.scope["type"] == "websocket" or SubscriptionsOverSSE().accepts(
        connection.headers.get("accept", "")
    )


def live_session(hub: LiveHub, auth: Authenticator, connection: HTTPConnection) -> LiveSession:
    """The context of a live connection, with the credentials of its headers (a WebSocket's
    ``connection_init`` payload may bring others)."""
    return LiveSession(hub, auth, credentials_in(connection.headers))


def operation_type(
    query: object, operation_name: object
) -> OperationType | GraphQLSyntaxError | None:
    """The type of the operation a request runs, its syntax error, or ``None`` when that
    is for Strawberry to report (no query, no such operation)."""
    if not isinstance(query, str):
        return None
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        return error
    operation = get_operation_ast(
        document, operation_name if isinstance(operation_name, str) else None
    )
    return None if operation is None else operation.operation


class SubscriptionsOverSSE(SSETransport):
    """Strawberry's Server-Sent Events transport, for subscriptions only."""

    def allowed_operation_types(
        self, allowed_operation_types: set[StrawberryOperationType]
    ) -> Iterable[StrawberryOperationType]:
        return allowed_operation_types & {StrawberryOperationType.SUBSCRIPTION}


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """Sends messages as text frames (the view encodes JSON to bytes, and graphql-ws
    clients read text frames only)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)


class ConnectionRefused(Exception):
    """``connection_init`` credentials refused: close the socket with ``code``."""

    def __init__(self, error: OmnigateError) -> None:
        super().__init__(str(error))
        self.code = _CLOSE_CODES.get(error.code, _TRY_AGAIN_LATER)
        self.reason = str(error)


class LiveTransportWSHandler(BaseGraphQLTransportWSHandler[LiveSession, None]):
    """Strawberry's graphql-transport-ws handler that closes a refused connection with
    graphql-ws's code (4401 unauthenticated, 4403 forbidden) and the reason, closes with
    4400 on a document that does not parse (as the protocol says), and answers queries and
    mutations with an error (they are POSTed)."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except ConnectionRefused as refused:
            await self.websocket.close(code=refused.code, reason=refused.reason)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            payload: Mapping[str, Any] = message.get("payload") or {}
            kind = operation_type(payload.get("query"), payload.get("operationName"))
            if isinstance(kind, GraphQLSyntaxError):
                await self.websocket.close(code=_BAD_REQUEST, reason=_close_reason(kind.message))
                return
            if kind not in (None, OperationType.SUBSCRIPTION):
                error = GraphQLError(ONLY_SUBSCRIPTIONS, extensions={"code": BadUserInput.code})
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [error.formatted]}
                )
                return
        await super().handle_subscribe(message)


class LiveTransports:
    """What Strawberry's view needs for live queries (a mixin of ``GraphQLView``)."""

    graphql_transport_ws_handler_class = LiveTransportWSHandler
    websocket_adapter_class = TextWebSocketAdapter
    stream_transport_classes_by_protocol: ClassVar[Mapping[str, type[SSETransport]]] = {
        GRAPHQL_SSE_PROTOCOL: SubscriptionsOverSSE
    }

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Any,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Subscriptions stream and other operations do not: refuse the mix with a 400
        before Strawberry runs it, as a streamed document that does not parse."""
        if isinstance(request_data, GraphQLRequestData):
            refusal = _http_refusal(request_data)
            if refusal is not None:
                raise HTTPException(400, refusal)
        return await super().execute_operation(  # type: ignore[misc]
            request=request,
            request_adapter=request_adapter,
            request_data=request_data,
            context=context,
            root_value=root_value,
            sub_response=sub_response,
        )

    async def on_ws_connect(self, context: object) -> None:
        """``connection_init``: the credentials must be valid (``ConnectionRefused``)."""
        assert isinstance(context, LiveSession)
        try:
            await context.connect()
        except OmnigateError as exc:
            raise ConnectionRefused(exc) from exc


def _http_refusal(request: GraphQLRequestData) -> str | None:
    streamed = request.protocol != "http"
    if not streamed and "subscription" not in (request.query or ""):
        return None  # the common case, without parsing the query twice
    kind = operation_type(request.query, request.operation_name)
    if isinstance(kind, GraphQLSyntaxError):
        return kind.message if streamed else None
    if streamed and kind not in (None, OperationType.SUBSCRIPTION):
        return ONLY_SUBSCRIPTIONS
    if not streamed and kind is OperationType.SUBSCRIPTION:
        return STREAMED_SUBSCRIPTIONS
    return None


def _close_reason(text: str) -> str:
    encoded = text.encode()
    if len(encoded) <= _MAX_CLOSE_REASON:
        return text
    return encoded[: _MAX_CLOSE_REASON - 3].decode(errors="ignore") + "..."
