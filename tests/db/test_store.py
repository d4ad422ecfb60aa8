"""How ``Store`` translates the database's errors, against the real server."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pymongo.database import Database
from pymongo.errors import OperationFailure

from omnigate.db import Store, create_client
from omnigate.db.cache import MemoryBackend, ResultCache
from omnigate.errors import BadUserInput, ServiceUnavailable
from tests.conftest import mongo_url


def date_string(timezone: str) -> list[dict[str, object]]:
    return [{"$project": {"d": {"$dateToString": {"date": "$ts", "timezone": timezone}}}}]


@pytest.fixture
def store(fresh_db: Database, store_for: Callable[[Database], Store]) -> Store:
    fresh_db.rocketchat_room.insert_one({"_id": "r1", "ts": datetime(2026, 5, 1, tzinfo=UTC)})
    return store_for(fresh_db)


async def test_a_timezone_the_database_does_not_know_is_bad_user_input(store: Store) -> None:
    assert await store.aggregate("rocketchat_room", date_string("+02:00")) == [
        {"_id": "r1", "d": "2026-05-01T02:00:00.000Z"}
    ]
    with pytest.raises(BadUserInput) as raised:
        await store.aggregate("rocketchat_room", date_string("Mars/Olympus"))
    assert str(raised.value) == (
        'The database does not know the timezone "Mars/Olympus": '
        'use a UTC offset such as "+02:00" instead.'
    )
    assert isinstance(raised.value.__cause__, OperationFailure)
    assert raised.value.__cause__.code == 40485


async def test_any_other_refusal_of_the_database_propagates(store: Store) -> None:
    """An invalid pipeline is omnigate's bug: the error boundary logs and masks it."""
    with pytest.raises(OperationFailure) as raised:
        await store.aggregate("rocketchat_room", [{"$bogus": {}}])
    assert raised.value.code == 40324


async def test_an_unreachable_database_is_service_unavailable() -> None:
    """No server on the port: pymongo's ``ServerSelectionTimeoutError`` (an ``AutoReconnect``,
    like ``NetworkTimeout``, hence a ``ConnectionFailure``) for every kind of read."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = create_client(mongo_url(port, "rc") + "&serverSelectionTimeoutMS=200", max_time_ms=500)
    store = Store(client["rc"], 500)
    try:
        for read in (
            store.aggregate("rocketchat_room", []),
            store.find("users", {}),
            store.count("rocketchat_livechat_department", {}),
        ):
            with pytest.raises(ServiceUnavailable, match="The database is unreachable"):
                await read
    finally:
        await client.close()


ROOMS = [{"$count": "rooms"}]


async def test_reads_for_one_instant_share_their_result_with_that_instant_only(
    fresh_db: Database, store_for: Callable[[Database], Store]
) -> None:
    """A live tick's reads (``Store.at``) come from the cache only for the same instant,
    never from a request's reads or another instant's, and for the ``ttl`` given."""
    elapsed = [0.0]

    def clock() -> float:
        return elapsed[0]

    cache = ResultCache(MemoryBackend(1 << 20, clock=clock), ttl=60.0, clock=clock)
    store = replace(store_for(fresh_db), cache=cache)
    first, second = datetime(2026, 5, 1, 12, tzinfo=UTC), datetime(2026, 5, 1, 12, 0, 5, tzinfo=UTC)

    async def rooms(reader: Store) -> int:
        found = await reader.aggregate("rocketchat_room", ROOMS)
        return found[0]["rooms"] if found else 0

    fresh_db.rocketchat_room.insert_one({"_id": "r1"})
    assert await rooms(store.at(first, ttl=5.0)) == 1
    fresh_db.rocketchat_room.insert_one({"_id": "r2"})
    assert await rooms(store.at(first, ttl=5.0)) == 1  # the same instant: shared
    assert await rooms(store.at(second, ttl=5.0)) == 2  # the next instant reads afresh
    assert await rooms(store) == 2  # a request never gets a tick's result
    fresh_db.rocketchat_room.insert_one({"_id": "r3"})
    assert await rooms(store) == 2  # nor a tick a request's
    assert await rooms(store.at(first, ttl=5.0).with_budget(10)) == 1
    assert await rooms(store.at(second, ttl=5.0).uncached()) == 3
    elapsed[0] += 5.0  # the first instant's entry is gone after its ttl, the request's is not
    assert await rooms(store.at(first, ttl=5.0)) == 3
    assert await rooms(store) == 2
