"""``subscription { live(every: N) { ... } }``: a live query's ticks as subscription events."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any

from graphql import GraphQLError
from strawberry import Info

from omnigate.errors import BadUserInput, OmnigateError
from omnigate.internals import Precomputed, raw_info, variable_values
from omnigate.live import LiveSession, LiveStream, live_query

MIN_EVERY = 2
MAX_EVERY = 300


async def watch(info: Info[Any, Any], every: int) -> AsyncIterator[Precomputed]:
    """The events of a new live query: its selection, recomputed every ``every`` seconds
    and sent when it changed. Refusals (bad interval, credentials, limits) are errors of
    the subscription itself, with their ``extensions.code``."""
    try:
        if not MIN_EVERY <= every <= MAX_EVERY:
            raise BadUserInput(
                f"`every` must be between {MIN_EVERY} and {MAX_EVERY} seconds, got {every}."
            )
        session = info.context
        if not isinstance(session, LiveSession):
            raise BadUserInput(
                "Live queries run over a WebSocket (graphql-transport-ws) or Server-Sent "
                "Events (POST with `Accept: text/event-stream`)."
            )
        raw = raw_info(info)
        query = live_query(
            raw.schema,
            raw.operation,
            raw.field_nodes[0],
            raw.fragments,
            variable_values(raw).coerced,
        )
        request = await session.request(query, every)
    except OmnigateError as exc:
        raise GraphQLError(str(exc), extensions={"code": exc.code}) from exc
    return _events(session.hub.stream(request))


async def _events(stream: LiveStream) -> AsyncGenerator[Precomputed, None]:
    async with aclosing(stream):
        async for tick in stream:
            yield Precomputed(tick.data, tick.errors)
