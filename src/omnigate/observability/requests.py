"""What one request did, collected as it runs, for its log line and its metrics.

The HTTP middleware opens a ``RequestStats`` in a context variable; the layers below note
into it (the caller, the aggregations asked and those answered by the cache, an unexpected
exception) without knowing about HTTP. Tasks started by the request (DataLoader batches,
a shared aggregation) copy the context and so note into the same object. Outside a
request every ``note_*`` does nothing.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(slots=True)
class RequestStats:
    request_id: str
    transport: str
    operation: str | None = None
    outcome: str | None = None  # set by the transport when the status does not tell it all
    user_id: str | None = None
    aggregations: int = 0  # asked, cached or not
    cache_hits: int = 0  # of those, answered by the cache (stored or in flight)
    exception: BaseException | None = None


CURRENT: ContextVar[RequestStats | None] = ContextVar("omnigate_request", default=None)


def current() -> RequestStats | None:
    return CURRENT.get()


def note_aggregation(*, cached: bool) -> None:
    stats = CURRENT.get()
    if stats is not None:
        stats.aggregations += 1
        stats.cache_hits += cached


def note_user(user_id: str) -> None:
    stats = CURRENT.get()
    if stats is not None:
        stats.user_id = user_id


def note_exception(exc: BaseException) -> bool:
    """Keep ``exc`` for the request's log line; whether a request line will carry it."""
    stats = CURRENT.get()
    if stats is None:
        return False
    if stats.exception is None:
        stats.exception = exc
    return True
