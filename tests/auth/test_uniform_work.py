"""An unknown user id costs what a wrong token costs: the same commands, the same comparisons.

Database round trips are counted with a pymongo ``CommandListener``; ``hmac.compare_digest``
calls with a profile hook (``sys.setprofile`` reports calls of built-in functions).
"""

from __future__ import annotations

import hmac
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.database import Database
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from omnigate.auth import Authenticator
from omnigate.db import Store, create_client
from omnigate.errors import ServiceUnavailable, Unauthenticated
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.conftest import mongo_url


class Commands(CommandListener):
    """The ``find`` commands sent, without their ``_id`` filter value."""

    def __init__(self) -> None:
        self.finds: list[dict[str, Any]] = []

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "find":
            command = event.command
            self.finds.append(
                {
                    "collection": command["find"],
                    "filter": sorted(command["filter"]),
                    "projection": command.get("projection"),
                    "limit": command.get("limit"),
                }
            )

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


@contextmanager
def compare_digest_calls() -> Iterator[list[int]]:
    calls = [0]

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_call" and arg is hmac.compare_digest:
            calls[0] += 1

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


@pytest.fixture
async def listened(mongo_port: int, fresh_db: Database) -> AsyncIterator[tuple[Store, Commands]]:
    commands = Commands()
    client: AsyncMongoClient = create_client(
        mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000, event_listeners=[commands]
    )
    yield Store(client[fresh_db.name], 15_000), commands
    await client.close()


async def cost(
    auth: Authenticator, commands: Commands, user_id: str, token: str
) -> tuple[list[dict[str, Any]], int]:
    """The finds and comparisons one (failing or succeeding) check costs."""
    commands.finds.clear()
    with compare_digest_calls() as calls, suppress(Unauthenticated):
        await auth.authenticate(user_id, token)
    return list(commands.finds), calls[0]


async def test_unknown_user_and_wrong_token_cost_the_same(
    fresh_db: Database, listened: tuple[Store, Commands]
) -> None:
    store, commands = listened
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    add_user(fresh_db, "u1")
    add_user(fresh_db, "off", active=False)
    add_user(fresh_db, "bare", tokens=())
    auth = Authenticator(store, cache_seconds=0)

    wrong_token = await cost(auth, commands, "u1", "wrong")
    assert wrong_token == (
        [
            {
                "collection": "users",
                "filter": ["_id"],
                "projection": {
                    "username": 1,
                    "active": 1,
                    "roles": 1,
                    "utcOffset": 1,
                    "services.resume.loginTokens.hashedToken": 1,
                },
                "limit": 1,
            }
        ],
        1,
    )
    assert await cost(auth, commands, "nobody", "wrong") == wrong_token
    assert await cost(auth, commands, "off", "tok-off") == wrong_token
    assert await cost(auth, commands, "bare", "tok-bare") == wrong_token


async def test_every_stored_token_is_compared_even_after_a_match(
    fresh_db: Database, listened: tuple[Store, Commands]
) -> None:
    store, commands = listened
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    add_user(fresh_db, "u1", tokens=("t1", "t2", "t3"))
    auth = Authenticator(store, cache_seconds=0)
    finds, comparisons = await cost(auth, commands, "u1", "t1")
    assert comparisons == 3
    assert [find["collection"] for find in finds] == ["users", "rocketchat_permissions"]
    assert (await cost(auth, commands, "u1", "wrong"))[1] == 3


async def test_a_cached_check_sends_nothing(
    fresh_db: Database, listened: tuple[Store, Commands]
) -> None:
    store, commands = listened
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    auth = Authenticator(store)
    token = add_user(fresh_db, "u1")
    assert len((await cost(auth, commands, "u1", token))[0]) == 2
    assert await cost(auth, commands, "u1", token) == ([], 0)


async def test_missing_headers_send_nothing(listened: tuple[Store, Commands]) -> None:
    store, commands = listened
    assert await cost(Authenticator(store), commands, "", "token") == ([], 0)


async def test_database_trouble_is_service_unavailable_never_401() -> None:
    client: AsyncMongoClient = create_client(
        "mongodb://127.0.0.1:9/rocketchat?directConnection=true&serverSelectionTimeoutMS=200",
        max_time_ms=1_000,
    )
    try:
        auth = Authenticator(Store(client["rocketchat"], 1_000))
        with pytest.raises(ServiceUnavailable):
            await auth.authenticate("u1", "token")
    finally:
        await client.close()
