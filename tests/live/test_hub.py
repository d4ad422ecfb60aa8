"""The hub alone, with a counting stand-in for the query and the credential check, and
intervals of a tenth of a second (the API's bounds, 2 to 300 s, are the resolver's; the
transports are tested end to end in test_transports.py)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from omnigate.auth import Principal
from omnigate.config import Limits
from omnigate.errors import (
    Forbidden,
    LimitExceeded,
    OmnigateError,
    ServiceUnavailable,
    Unauthenticated,
)
from omnigate.live import (
    Credentials,
    LiveHub,
    LiveQuery,
    LiveRequest,
    LiveStream,
    Tick,
    TickTime,
)
from omnigate.scope import UNRESTRICTED, Scope

EVERY = 0.1
QUERY = LiveQuery.of("query { departments { totalCount } }", {})
OTHER_QUERY = LiveQuery.of("query { departments { totalCount } }", {"unused": 1})
ALICE: Credentials = ("alice", "token-a")
BOB: Credentials = ("bob", "token-b")
MONITOR = Scope.monitor({"u1"}, {"d1"})


def principal(user_id: str, scope: Scope = UNRESTRICTED) -> Principal:
    return Principal(user_id, user_id, None, ("livechat-manager",), scope)


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[Any] | None = None


@dataclass
class Backend:
    """Answers ``{"value": value}``; records every computation and every check."""

    value: int = 0
    delay: float = 0.0
    users: dict[Credentials, Principal | OmnigateError] = field(default_factory=dict)
    computed: list[Principal] = field(default_factory=list)
    checks: list[Credentials] = field(default_factory=list)
    ticks: list[tuple[float, float]] = field(default_factory=list)  # (instant, run at), epoch s
    running: int = 0
    most_running: int = 0

    async def execute(self, query: LiveQuery, who: Principal, when: TickTime) -> Result:
        self.ticks.append((when.instant.timestamp(), time.time()))
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await asyncio.sleep(self.delay)
            self.computed.append(who)
            return Result({"value": self.value, "scope": sorted(who.scope.units or ())})
        finally:
            self.running -= 1

    async def authenticate(self, credentials: Credentials) -> Principal:
        self.checks.append(credentials)
        outcome = self.users[credentials]
        if isinstance(outcome, OmnigateError):
            raise outcome
        return outcome


@pytest.fixture
async def backend() -> Backend:
    return Backend(users={ALICE: principal("alice"), BOB: principal("bob")})


@pytest.fixture
async def hub(backend: Backend) -> AsyncIterator[LiveHub]:
    hub = LiveHub(backend.execute, backend.authenticate, Limits())
    yield hub
    await hub.close()
    assert hub.stats()["tasks"] == 0


def request(
    credentials: Credentials = ALICE,
    query: LiveQuery = QUERY,
    *,
    who: Principal | None = None,
    connection: object = None,
) -> LiveRequest:
    who = who or principal(credentials[0])
    return LiveRequest(query, EVERY, credentials, who, connection or object())


async def next_value(stream: LiveStream, timeout: float = 1.0) -> Any:
    tick = await asyncio.wait_for(anext(stream), timeout)
    return tick.data["value"] if tick.data else tick


async def nothing_within(stream: LiveStream, seconds: float) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(stream), seconds)


async def test_subscribers_of_one_query_and_audience_share_one_computation_per_tick(
    hub: LiveHub, backend: Backend
) -> None:
    streams = [hub.stream(request(ALICE)), hub.stream(request(BOB)), hub.stream(request(ALICE))]
    firsts = [await asyncio.wait_for(anext(stream), 1) for stream in streams]
    assert all(tick is firsts[0] for tick in firsts)  # one result object for all three
    await asyncio.sleep(5 * EVERY)
    stats = hub.stats()
    assert (stats["subscribers"], stats["groups"], stats["users"]) == (3, 1, 2)
    assert len(backend.computed) == stats["computations"]
    assert 5 <= stats["computations"] <= 7  # one per tick, not one per subscriber
    other = hub.stream(request(ALICE, OTHER_QUERY))
    await next_value(other)
    assert hub.stats()["groups"] == 2
    for stream in [*streams, other]:
        await stream.aclose()
    assert hub.stats() == {**hub.stats(), "subscribers": 0, "groups": 0, "users": 0}


async def test_ticks_run_at_the_clocks_multiples_of_the_interval_as_of_them(
    hub: LiveHub, backend: Backend
) -> None:
    """The same instants in every worker: the first tick at once, as of the multiple of
    the interval it falls in; then one at each multiple (never before it)."""
    joined = time.time()
    stream = hub.stream(request())
    await next_value(stream)
    await asyncio.sleep(4.5 * EVERY)
    await stream.aclose()
    (first, _), *later = backend.ticks
    assert joined - EVERY < first <= joined + 0.01
    instants = [instant for instant, _ in backend.ticks]
    assert all(abs(i / EVERY - round(i / EVERY)) < 1e-4 for i in instants)
    steps = [round((b - a) / EVERY, 3) for a, b in itertools.pairwise(instants)]
    assert steps == [1.0] * len(later) and len(later) >= 3
    assert all(instant - 0.001 <= ran < instant + EVERY / 2 for instant, ran in later)


async def test_a_tick_is_sent_when_it_changed_and_only_then(hub: LiveHub, backend: Backend) -> None:
    stream = hub.stream(request())
    assert await next_value(stream) == 0
    computed = len(backend.computed)
    await nothing_within(stream, 3 * EVERY)
    assert len(backend.computed) >= computed + 2  # it did recompute, and sent nothing
    backend.value = 1
    assert await next_value(stream, timeout=2 * EVERY) == 1
    await stream.aclose()


async def test_a_reader_slower_than_the_ticks_gets_the_latest_never_a_backlog(
    hub: LiveHub, backend: Backend
) -> None:
    stream = hub.stream(request())
    assert await next_value(stream) == 0
    for value in range(1, 6):  # five changes while the reader reads nothing
        backend.value = value
        await asyncio.sleep(1.5 * EVERY)
    assert await next_value(stream) == 5
    await nothing_within(stream, 2 * EVERY)
    backend.value = 6
    await asyncio.sleep(1.5 * EVERY)
    backend.value = 5  # changed and changed back before the reader looked: nothing new
    await asyncio.sleep(1.5 * EVERY)
    await nothing_within(stream, 2 * EVERY)
    await stream.aclose()


async def test_a_tick_slower_than_the_interval_skips_ticks_never_queues_them(
    hub: LiveHub, backend: Backend
) -> None:
    backend.delay = 2.5 * EVERY
    stream = hub.stream(request())
    await next_value(stream)
    await asyncio.sleep(10 * EVERY)
    assert backend.most_running == 1
    assert 3 <= len(backend.computed) <= 6  # about one per 3 intervals, not 10
    assert hub.stats()["skipped_ticks"] >= 2 * (len(backend.computed) - 1)
    await stream.aclose()


@pytest.mark.parametrize("refusal", [Unauthenticated("revoked"), Forbidden("no permission")])
async def test_refused_credentials_end_the_subscription_at_the_next_tick(
    hub: LiveHub, backend: Backend, refusal: OmnigateError
) -> None:
    alice, bob = hub.stream(request(ALICE)), hub.stream(request(BOB))
    await next_value(alice)
    await next_value(bob)
    backend.users[ALICE] = refusal
    final = await asyncio.wait_for(anext(alice), 2 * EVERY)
    assert isinstance(final, Tick) and final.final and final.data is None
    assert [error.formatted for error in final.errors] == [
        {"message": str(refusal), "extensions": {"code": refusal.code}}
    ]
    with pytest.raises(StopAsyncIteration):
        await anext(alice)
    assert hub.stats()["subscribers"] == 1
    backend.value = 1
    assert await next_value(bob, timeout=2 * EVERY) == 1  # the others carry on
    await bob.aclose()


async def test_credentials_are_checked_once_per_tick_whoever_holds_them(
    hub: LiveHub, backend: Backend
) -> None:
    streams = [hub.stream(request(ALICE)) for _ in range(3)]
    for stream in streams:
        await next_value(stream)
    backend.checks.clear()
    computed = len(backend.computed)
    await asyncio.sleep(3 * EVERY)
    ticks = len(backend.computed) - computed
    assert ticks >= 2
    # one check per tick for the three (the last tick may have checked, not yet computed)
    assert ticks <= len(backend.checks) <= ticks + 1
    assert set(backend.checks) == {ALICE}
    for stream in streams:
        await stream.aclose()


async def test_a_subscriber_whose_scope_changed_moves_to_the_computation_of_its_new_scope(
    hub: LiveHub, backend: Backend
) -> None:
    alice, bob = hub.stream(request(ALICE)), hub.stream(request(BOB))
    assert (await anext(alice)).data == (await anext(bob)).data == {"value": 0, "scope": []}
    backend.users[ALICE] = principal("alice", MONITOR)
    moved = await asyncio.wait_for(anext(alice), 3 * EVERY)
    assert moved.data == {"value": 0, "scope": ["u1"]}
    assert hub.stats()["groups"] == 2
    await nothing_within(bob, 2 * EVERY)
    await alice.aclose()
    await bob.aclose()


async def test_database_trouble_in_a_check_is_reported_and_the_subscription_goes_on(
    hub: LiveHub, backend: Backend
) -> None:
    stream = hub.stream(request())
    assert await next_value(stream) == 0
    backend.users[ALICE] = ServiceUnavailable("The database is unreachable.")
    trouble = await asyncio.wait_for(anext(stream), 2 * EVERY)
    assert not trouble.final
    assert trouble.errors[0].extensions == {"code": "SERVICE_UNAVAILABLE"}
    backend.users[ALICE] = principal("alice")
    assert await next_value(stream, timeout=2 * EVERY) == 0
    await stream.aclose()


async def test_limits_per_connection_per_user_and_in_total(backend: Backend) -> None:
    limits = Limits(
        max_subscriptions_per_connection=2,
        max_subscriptions_per_user=3,
        max_subscriptions_total=4,
    )
    hub = LiveHub(backend.execute, backend.authenticate, limits)
    one, two = object(), object()
    joined = [hub.join(request(ALICE, connection=one)) for _ in range(2)]
    with pytest.raises(LimitExceeded, match="OMNIGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION"):
        hub.join(request(ALICE, connection=one))
    joined.append(hub.join(request(ALICE, connection=two)))
    with pytest.raises(LimitExceeded, match="OMNIGATE_MAX_SUBSCRIPTIONS_PER_USER"):
        hub.join(request(ALICE, connection=two))
    joined.append(hub.join(request(BOB, connection=two)))
    with pytest.raises(LimitExceeded, match="OMNIGATE_MAX_SUBSCRIPTIONS_TOTAL"):
        hub.join(request(BOB, connection=object()))
    hub.leave(joined.pop())
    joined.append(hub.join(request(BOB, connection=object())))
    for subscriber in joined:
        hub.leave(subscriber)
    assert hub.stats() == {**hub.stats(), "subscribers": 0, "connections": 0, "users": 0}
    await hub.close()


async def test_a_stream_never_iterated_holds_nothing_and_closing_stops_the_task(
    hub: LiveHub,
) -> None:
    hub.stream(request())  # a subscription the transport never started
    assert hub.stats()["subscribers"] == 0
    stream = hub.stream(request())
    await next_value(stream)
    (task,) = [t for t in asyncio.all_tasks() if t.get_name().startswith("omnigate live")]
    await stream.aclose()
    await asyncio.sleep(0.01)
    assert task.cancelled()
    assert hub.stats() == {**hub.stats(), "subscribers": 0, "groups": 0, "tasks": 0}
