"""Clients of a live query: graphql-transport-ws over a real WebSocket, and Server-Sent
Events over a streamed POST; and the gateway served by uvicorn in the test's event loop
(Starlette's TestClient cannot stream an endless response)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import uvicorn
from pymongo.monitoring import CommandListener, CommandStartedEvent
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from omnigate.config import Settings
from omnigate.http.app import create_app
from omnigate.live import LiveHub

Message = dict[str, Any]
WAIT = 10.0  # seconds a test waits for a message it expects


class Aggregations(CommandListener):
    """Counts the ``aggregate`` commands the gateway sends."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "aggregate":
            self.count += 1

    def succeeded(self, event: object) -> None:
        pass

    def failed(self, event: object) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Gateway:
    """The gateway listening on 127.0.0.1:``port``."""

    app: Starlette
    port: int

    @property
    def hub(self) -> LiveHub:
        return self.app.state.omnigate.live

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


@asynccontextmanager
async def serving(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncIterator[Gateway]:
    """``create_app(settings)`` served by uvicorn (websockets' implementation) on a free port."""
    app = create_app(settings, event_listeners=listeners)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield Gateway(app, port)
    finally:
        server.should_exit = True
        await task


class WSClient:
    """A graphql-transport-ws client: ``init``, then ``subscribe`` and read messages."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: Message) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = WAIT) -> Message:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        assert isinstance(raw, str), "graphql-transport-ws messages are text frames"
        return json.loads(raw)

    async def init(self, payload: dict[str, str] | None = None) -> Message:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def silence(self, seconds: float) -> None:
        """Nothing arrives for ``seconds``."""
        try:
            message = await self.receive(timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")


@asynccontextmanager
async def ws_client(
    gateway: Gateway, headers: dict[str, str] | None = None
) -> AsyncIterator[WSClient]:
    async with connect(
        gateway.ws_url, subprotocols=["graphql-transport-ws"], additional_headers=headers
    ) as connection:
        yield WSClient(connection)


class SSEClient:
    """One subscription over Server-Sent Events: its ``next`` payloads, then ``complete``.

    A task reads the stream into a queue, so that waiting for an event can time out
    without cancelling the read."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response
        self._events: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        event, data = "", ""
        async for line in self.response.aiter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data = line.removeprefix("data:").strip()
            elif line == "" and event:
                self._events.put_nowait((event, data))
                event, data = "", ""

    async def receive(self, timeout: float = WAIT) -> tuple[str, Any]:
        event, data = await asyncio.wait_for(self._events.get(), timeout)
        return event, json.loads(data) if data else None

    async def silence(self, seconds: float) -> None:
        """No event arrives for ``seconds``."""
        try:
            event = await self.receive(timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected event {event}")

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx2.HTTPError):
            await self._reader


@asynccontextmanager
async def sse_client(
    gateway: Gateway, headers: dict[str, str], query: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[SSEClient]:
    """``query`` as Server-Sent Events (without a ``variables`` member when there are none)."""
    body = {"query": query} if variables is None else {"query": query, "variables": variables}
    async with (
        httpx2.AsyncClient(timeout=WAIT) as client,
        client.stream(
            "POST",
            gateway.http_url,
            json=body,
            headers={**headers, "Accept": "text/event-stream"},
        ) as response,
    ):
        client = SSEClient(response)
        try:
            yield client
        finally:
            await client.close()
