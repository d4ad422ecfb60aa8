"""Successful checks are cached for at most five seconds; failures never are."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from pymongo.database import Database
from pymongo.monitoring import CommandListener, CommandStartedEvent

from omnigate.auth import Authenticator
from omnigate.db import Store, create_client
from omnigate.errors import Forbidden, Unauthenticated
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, hashed, set_permission
from tests.conftest import mongo_url


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(fresh_db: Database) -> Database:
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    return fresh_db


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_auth(
    db: Database, store_for: Callable[[Database], Store], clock: Clock
) -> Callable[..., Authenticator]:
    return lambda **options: Authenticator(store_for(db), clock=clock, **options)


def remove_tokens(db: Database, user_id: str) -> None:
    db.users.update_one({"_id": user_id}, {"$set": {"services.resume.loginTokens": []}})


async def test_success_is_cached_for_the_window_only(
    db: Database, make_auth: Callable[..., Authenticator], clock: Clock
) -> None:
    auth = make_auth(cache_seconds=5)
    first = await auth.authenticate("u1", add_user(db, "u1"))
    remove_tokens(db, "u1")
    clock.now += 4.999
    assert await auth.authenticate("u1", "tok-u1") is first
    clock.now += 0.001
    with pytest.raises(Unauthenticated):
        await auth.authenticate("u1", "tok-u1")


async def test_a_revoked_role_stops_working_after_the_window(
    db: Database, make_auth: Callable[..., Authenticator], clock: Clock
) -> None:
    auth = make_auth()
    await auth.authenticate("u1", add_user(db, "u1"))
    db.users.update_one({"_id": "u1"}, {"$set": {"roles": ["user"]}})
    clock.now += 4
    await auth.authenticate("u1", "tok-u1")
    clock.now += 1
    with pytest.raises(Forbidden):
        await auth.authenticate("u1", "tok-u1")


async def test_failures_are_not_cached(
    db: Database, make_auth: Callable[..., Authenticator]
) -> None:
    auth = make_auth()
    add_user(db, "u1", roles=("user",))
    with pytest.raises(Forbidden):
        await auth.authenticate("u1", "tok-u1")
    db.users.update_one({"_id": "u1"}, {"$push": {"roles": "livechat-manager"}})
    assert (await auth.authenticate("u1", "tok-u1")).user_id == "u1"

    with pytest.raises(Unauthenticated):
        await auth.authenticate("u1", "new-token")
    db.users.update_one(
        {"_id": "u1"},
        {"$push": {"services.resume.loginTokens": {"hashedToken": hashed("new-token")}}},
    )
    assert (await auth.authenticate("u1", "new-token")).user_id == "u1"


async def test_the_cache_key_is_the_token_hash_never_the_token(
    db: Database, make_auth: Callable[..., Authenticator]
) -> None:
    auth = make_auth()
    token = add_user(db, "u1", tokens=("s3cret-login-token",))
    await auth.authenticate("u1", token)
    keys = list(auth._cache)
    assert keys == [("u1", hashed(token))]
    assert not any(token in part for key in keys for part in key)


async def test_the_same_user_with_another_token_is_checked_again(
    db: Database, make_auth: Callable[..., Authenticator]
) -> None:
    auth = make_auth()
    add_user(db, "u1", tokens=("a", "b"))
    await auth.authenticate("u1", "a")
    with pytest.raises(Unauthenticated):
        await auth.authenticate("u1", "c")


async def test_cache_seconds_is_capped_at_five_and_zero_disables_it(
    db: Database, make_auth: Callable[..., Authenticator], clock: Clock
) -> None:
    add_user(db, "u1")
    add_user(db, "u2")
    capped, uncached = make_auth(cache_seconds=60), make_auth(cache_seconds=0)
    await capped.authenticate("u1", "tok-u1")
    await uncached.authenticate("u2", "tok-u2")
    remove_tokens(db, "u1")
    remove_tokens(db, "u2")
    with pytest.raises(Unauthenticated):
        await uncached.authenticate("u2", "tok-u2")
    clock.now += 5
    with pytest.raises(Unauthenticated):
        await capped.authenticate("u1", "tok-u1")


async def test_the_cache_is_bounded_and_drops_the_oldest(
    db: Database, make_auth: Callable[..., Authenticator], clock: Clock
) -> None:
    auth = make_auth(max_entries=2)
    for user_id in ("u1", "u2", "u3"):
        await auth.authenticate(user_id, add_user(db, user_id))
        clock.now += 1
    assert [user_id for user_id, _ in auth._cache] == ["u2", "u3"]
    for user_id in ("u1", "u2", "u3"):
        remove_tokens(db, user_id)
    with pytest.raises(Unauthenticated):
        await auth.authenticate("u1", "tok-u1")
    assert (await auth.authenticate("u3", "tok-u3")).user_id == "u3"


async def test_expired_entries_are_dropped_when_new_ones_arrive(
    db: Database, make_auth: Callable[..., Authenticator], clock: Clock
) -> None:
    auth = make_auth()
    await auth.authenticate("u1", add_user(db, "u1"))
    clock.now += 5
    await auth.authenticate("u2", add_user(db, "u2"))
    assert [user_id for user_id, _ in auth._cache] == ["u2"]


class UserLookups(CommandListener):
    def __init__(self) -> None:
        self.count = 0

    def started(self, event: CommandStartedEvent) -> None:
        self.count += event.command_name == "find" and event.command["find"] == "users"

    def succeeded(self, event: object) -> None:
        pass

    def failed(self, event: object) -> None:
        pass


async def test_concurrent_checks_of_the_same_credentials_run_once(
    db: Database, mongo_port: int
) -> None:
    """Many viewers opening a dashboard at the same moment cost one credential lookup; a
    refusal reaches every one of them and is not remembered."""
    token = add_user(db, "u1")
    lookups = UserLookups()
    client = create_client(
        mongo_url(mongo_port, db.name), max_time_ms=15_000, event_listeners=[lookups]
    )
    try:
        auth = Authenticator(Store(client[db.name], 15_000))
        principals = await asyncio.gather(*(auth.authenticate("u1", token) for _ in range(50)))
        assert lookups.count == 1 and len({id(p) for p in principals}) == 1
        refusals = await asyncio.gather(
            *(auth.authenticate("u2", "wrong") for _ in range(50)), return_exceptions=True
        )
        assert all(isinstance(r, Unauthenticated) for r in refusals)
        assert lookups.count == 2
        with pytest.raises(Unauthenticated):
            await auth.authenticate("u2", "wrong")
        assert lookups.count == 3
    finally:
        await client.close()
