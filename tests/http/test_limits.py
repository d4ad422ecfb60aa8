"""``BodySizeLimit``: 413 above ``max_body_bytes`` (declared or streamed), untouched below."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from omnigate.http.limits import BodySizeLimit

LIMIT = 100
MESSAGE = "The request body exceeds the limit of 100 bytes (OMNIGATE_MAX_BODY_BYTES)."
GRAPHQL_413 = {"errors": [{"message": MESSAGE, "extensions": {"code": "BAD_USER_INPUT"}}]}
REST_413 = {"success": False, "error": MESSAGE}


class Echo:
    """An application answering with the body it read; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.lifespan_ran = False

    def app(self) -> Starlette:
        async def echo(request: Request) -> JSONResponse:
            self.calls += 1
            body = await request.body()
            return JSONResponse(
                {
                    "body": body.decode(),
                    "content_length": request.headers.get("content-length"),
                    "chunked": request.headers.get("transfer-encoding") == "chunked",
                }
            )

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            self.lifespan_ran = True
            yield

        return Starlette(
            routes=[
                Route("/graphql", echo, methods=["GET", "POST"]),
                Route("/api/v1/livechat/analytics/overview", echo, methods=["GET", "POST"]),
            ],
            middleware=[Middleware(BodySizeLimit, max_body_bytes=LIMIT)],
            lifespan=lifespan,
        )


@pytest.fixture
def echo() -> Echo:
    return Echo()


@pytest.fixture
def client(echo: Echo) -> Iterator[TestClient]:
    with TestClient(echo.app()) as test_client:
        yield test_client


def chunks(body: bytes, size: int = 7) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/graphql", GRAPHQL_413),
        ("/graphql/", GRAPHQL_413),
        ("/api/v1/livechat/analytics/overview", REST_413),
    ],
)
def test_declared_length_over_the_limit(
    client: TestClient, echo: Echo, path: str, expected: object
) -> None:
    response = client.post(path, content=b"x" * (LIMIT + 1))
    assert (response.status_code, response.json()) == (413, expected)
    assert response.headers["connection"] == "close"
    assert echo.calls == 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/graphql", GRAPHQL_413), ("/api/v1/livechat/analytics/overview", REST_413)],
)
def test_chunked_body_over_the_limit(
    client: TestClient, echo: Echo, path: str, expected: object
) -> None:
    response = client.post(path, content=chunks(b"y" * (LIMIT + 1)))
    assert (response.status_code, response.json()) == (413, expected)
    assert echo.calls == 0


def test_bodies_up_to_the_limit_pass_untouched(client: TestClient, echo: Echo) -> None:
    body = '{"query": "{ departments { totalCount } }"}'.ljust(LIMIT)
    declared = client.post("/graphql", content=body.encode())
    assert declared.json() == {"body": body, "content_length": "100", "chunked": False}
    streamed = client.post("/graphql", content=chunks(body.encode()))
    assert streamed.json() == {"body": body, "content_length": None, "chunked": True}
    empty = client.get("/api/v1/livechat/analytics/overview?name=Conversations")
    assert empty.json() == {"body": "", "content_length": None, "chunked": False}
    assert echo.calls == 3 and echo.lifespan_ran


async def run(middleware: BodySizeLimit, scope: Scope, incoming: list[Message]) -> list[Message]:
    """Drive ``middleware`` over raw ASGI messages; returns what it sent."""
    sent: list[Message] = []
    pending = iter(incoming)

    async def receive() -> Message:
        return next(pending)

    async def send(message: Message) -> None:
        sent.append(message)

    await middleware(scope, receive, send)
    return sent


def http_scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> Scope:
    return {"type": "http", "method": "POST", "path": path, "headers": headers or []}


async def test_a_stream_is_read_only_until_it_crosses_the_limit() -> None:
    async def never(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the application must not run")

    def endless() -> Iterator[Message]:
        while True:
            yield {"type": "http.request", "body": b"z" * 30, "more_body": True}

    stream = endless()
    read: list[Message] = []

    async def receive() -> Message:
        read.append(next(stream))
        return read[-1]

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    # A Content-Length that lies (smaller than the body) does not help either.
    scope = http_scope("/graphql", [(b"content-length", b"10")])
    await BodySizeLimit(never, max_body_bytes=LIMIT)(scope, receive, send)
    assert len(read) == 4  # 120 bytes > 100
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == GRAPHQL_413


async def test_the_application_receives_the_very_same_messages() -> None:
    incoming: list[Message] = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False},
        {"type": "http.disconnect"},
    ]
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.extend([await receive() for _ in range(4)])

    await run(BodySizeLimit(app, max_body_bytes=4), http_scope("/x"), list(incoming))
    assert seen == incoming


async def test_a_client_gone_while_sending_is_passed_on() -> None:
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(await receive())

    incoming: list[Message] = [{"type": "http.disconnect"}]
    assert await run(BodySizeLimit(app, max_body_bytes=4), http_scope("/x"), incoming) == []
    assert seen == [{"type": "http.disconnect"}]


async def test_other_scopes_pass_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    await run(BodySizeLimit(app, max_body_bytes=0), {"type": "websocket", "path": "/"}, [])
    assert seen == ["websocket"]
