"""One live subscription's mailbox: the latest tick, never a backlog."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from omnigate.auth import Principal
from omnigate.live.query import LiveQuery
from omnigate.live.tick import Audience, Tick

Credentials = tuple[str, str]  # (X-User-Id, X-Auth-Token) as the client sent them


@dataclass(frozen=True, slots=True, eq=False)
class LiveRequest:
    """A subscription to start: what to compute, how often, for whom.

    ``connection`` is the WebSocket connection (or SSE request) it belongs to, counted
    against the per-connection limit."""

    query: LiveQuery
    every: float
    credentials: Credentials
    principal: Principal
    connection: object


class Subscriber:
    """A subscription's state in the hub.

    The hub ``offer``s it every tick; ``next`` returns the latest tick when it differs from
    the last one returned (the first always). A reader slower than the ticks skips the
    ones it missed: the mailbox holds one tick, so a client that stops reading costs one
    reference, whatever the number of ticks (its transport blocks on its own send).
    """

    __slots__ = ("_latest", "_sent", "_wake", "closed", "credentials", "principal", "request")

    def __init__(self, request: LiveRequest) -> None:
        self.request = request
        self.credentials = request.credentials
        self.principal = request.principal
        self.closed = False
        self._latest: Tick | None = None
        self._sent: bytes | None = None
        self._wake = asyncio.Event()

    @property
    def audience(self) -> Audience:
        return Audience.of(self.principal)

    @property
    def pending(self) -> bool:
        """Whether a tick waits to be sent."""
        tick = self._latest
        return tick is not None and (tick.final or tick.fingerprint != self._sent)

    def offer(self, tick: Tick) -> None:
        if not self.closed:
            self._latest = tick
            if self.pending:
                self._wake.set()

    def close(self, last: Tick | None = None) -> None:
        """No more ticks: ``last`` (if any) is still delivered, then the stream ends."""
        if last is not None:
            self.offer(last)
        self.closed = True
        self._wake.set()

    async def next(self) -> Tick:
        while True:
            if self.pending:
                tick = self._latest
                assert tick is not None
                self._sent = tick.fingerprint
                if tick.final:
                    self._latest = None
                return tick
            if self.closed:
                raise StopAsyncIteration
            self._wake.clear()
            await self._wake.wait()
