"""What the live transports take from Strawberry and graphql-core beyond their documented
API (``omnigate.http.live``, ``omnigate.internals.Precomputed``). Each test names what an
upgrade broke."""

from __future__ import annotations

import inspect

from graphql.execution.executor import CollectedErrors
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http.streaming import SSETransport
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from omnigate.schema import schema


def test_the_graphql_transport_ws_handler_keeps_its_hooks() -> None:
    handler = BaseGraphQLTransportWSHandler
    for method in ("handle_connection_init", "handle_subscribe", "send_message"):
        assert inspect.iscoroutinefunction(getattr(handler, method)), (
            f"strawberry's graphql-transport-ws handler lost {method}: update "
            "omnigate.http.live.LiveTransportWSHandler"
        )
    source = inspect.getsource(handler.handle_connection_init)
    assert "on_ws_connect" in source and "connection_acknowledged = True" in source


def test_the_view_keeps_the_attributes_the_live_transports_set() -> None:
    for attribute in (
        "graphql_transport_ws_handler_class",
        "websocket_adapter_class",
        "stream_transport_classes_by_protocol",
    ):
        assert hasattr(GraphQL, attribute), f"strawberry's view lost {attribute}"
    parameters = list(inspect.signature(GraphQL.execute_operation).parameters)
    assert parameters == [
        "self",
        "request",
        "request_adapter",
        "request_data",
        "context",
        "root_value",
        "sub_response",
    ], "strawberry's execute_operation changed: update omnigate.http.live.LiveTransports"
    assert hasattr(SSETransport, "allowed_operation_types")
    assert "ws" in inspect.getsource(ASGIWebSocketAdapter.__init__)


def test_a_subscription_event_reaches_execute_field_as_the_root_value() -> None:
    """``Precomputed`` answers the ``live`` field in ``execute_field``: graphql-core must
    run each event through it, and collect field errors where ``_precomputed`` adds them."""
    base = StrawberryGraphQLCoreExecutionContext
    assert hasattr(base, "build_per_event_executor")
    assert hasattr(CollectedErrors, "add")
    live = schema._schema.subscription_type.fields["live"]  # type: ignore[union-attr]
    assert live.subscribe is not None
    event = object()
    assert live.resolve(event, None) is event  # type: ignore[misc]
