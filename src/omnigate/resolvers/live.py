"""``subscription { live(every: N) { ... } }``: a live query's ticks as subscription events."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any

from strawberry import Info

from omnigate.errors import BadUserInput, OmnigateError
from omnigate.internals import Precomputed, raw_info, variable_values
from omnigate.live import LiveSession, LiveStream, live_query

MIN_EVERY = 2
MAX_EVERY = 300

log = logging.getLogger("omnigate.live")


class UnexpectedError(OmnigateError):
    """An unexpected failure of a subscription, logged under ``request_id`` and shown
    masked (the error contract of SPEC §5; no schema extension sees a subscription's
    errors before they are sent)."""

    def __init__(self, request_id: str) -> None:
        super().__init__("Internal server error")
        self.request_id = request_id

    @property
    def extensions(self) -> dict[str, str]:
        return {"code": self.code, "requestId": self.request_id}


async def watch(info: Info[Any, Any], every: int) -> AsyncIterator[Precomputed]:
    """The events of a new live query: its selection, recomputed every ``every`` seconds
    and sent when it changed. Refusals (bad interval, credentials, limits) are errors of
    the subscription itself (``OmnigateError``s, whose code GraphQL errors adopt)."""
    if not MIN_EVERY <= every <= MAX_EVERY:
        raise BadUserInput(
            f"`every` must be between {MIN_EVERY} and {MAX_EVERY} seconds, got {every}."
        )
    session = info.context
    assert isinstance(session, LiveSession), "subscriptions run over WebSockets and SSE"
    try:
        raw = raw_info(info)
        query = live_query(
            raw.schema,
            raw.operation,
            raw.field_nodes[0],
            raw.fragments,
            variable_values(raw).coerced,
        )
        request = await session.request(query, every)
    except OmnigateError:
        raise
    except Exception as exc:
        raise _unexpected(exc) from None
    return _events(session.hub.stream(request))


async def _events(stream: LiveStream) -> AsyncGenerator[Precomputed, None]:
    async with aclosing(stream):
        try:
            async for tick in stream:
                yield Precomputed(tick.data, tick.errors)
        except OmnigateError:
            raise
        except Exception as exc:
            raise _unexpected(exc) from None


def _unexpected(exc: Exception) -> UnexpectedError:
    error = UnexpectedError(uuid.uuid4().hex)
    log.error("unexpected error in a live query (request %s)", error.request_id, exc_info=exc)
    return error
