"""Refusing request bodies above ``Limits.max_body_bytes`` before any endpoint reads them."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnigate.errors import LimitExceeded
from omnigate.http.errors import GRAPHQL_PATH


class BodySizeLimit:
    """Pure-ASGI middleware answering 413 to an HTTP request whose body exceeds ``max_body_bytes``.

    A declared ``Content-Length`` above the limit is refused without reading the body; any
    other body (chunked included) is read up to the limit, then handed to the application
    as the very messages received. The refusal is GraphQL-shaped on ``graphql_path`` and
    Rocket.Chat-shaped elsewhere.
    """

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, graphql_path: str = GRAPHQL_PATH
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._declared_length(scope) > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # the client went away: let the application see it
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(messages, receive), send)

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        value = Headers(scope=scope).get("content-length", "")
        return int(value) if value.isascii() and value.isdigit() else -1

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = (
            f"The request body exceeds the limit of {self.max_body_bytes} bytes "
            "(OMNIGATE_MAX_BODY_BYTES)."
        )
        body: dict[str, Any]
        if scope["path"].rstrip("/") == self.graphql_path:
            body = {"errors": [{"message": message, "extensions": {"code": LimitExceeded.code}}]}
        else:
            body = {"success": False, "error": message}
        # The rest of the body stays unread: the connection cannot be reused.
        response = JSONResponse(body, 413, headers={"Connection": "close"})
        await response(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` that first returns ``messages``, then waits on the client again."""
    pending = iter(messages)

    async def replayed() -> Message:
        return next(pending, None) or await receive()

    return replayed
