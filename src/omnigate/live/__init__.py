"""Live queries: ``subscription { live(every: N) { ...Query fields... } }``, recomputed once
per tick for all the subscribers of the same query and scope (SPEC §10)."""

from omnigate.live.hub import LiveHub, LiveStream
from omnigate.live.query import LiveQuery, live_query
from omnigate.live.session import LiveSession, credentials_in
from omnigate.live.subscriber import Credentials, LiveRequest
from omnigate.live.tick import Tick, TickTime

__all__ = [
    "Credentials",
    "LiveHub",
    "LiveQuery",
    "LiveRequest",
    "LiveSession",
    "LiveStream",
    "Tick",
    "TickTime",
    "credentials_in",
    "live_query",
]
