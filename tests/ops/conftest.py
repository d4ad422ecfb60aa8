"""Fixtures of the operations tests: the wire counter (Redis: ``tests/redis_server.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bench.wire import WireCounter


@pytest.fixture
def wire(mongo_port: int) -> Iterator[WireCounter]:
    """A counting proxy in front of the session's database server."""
    with WireCounter("127.0.0.1", mongo_port) as counter:
        yield counter
