"""``ResultCache``: single-flight, TTL, LRU bound, failures; in memory and in a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis import asyncio as redis

from omnigate.db.cache import MemoryBackend, RedisBackend, ResultCache, connect_redis


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Computation:
    """A computation that counts its runs and can be held until released."""

    def __init__(self, value: bytes = b"rows") -> None:
        self.value = value
        self.runs = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> bytes:
        self.runs += 1
        await self.release.wait()
        return self.value


def memory_cache(max_bytes: int = 1 << 20, ttl: float = 5.0) -> tuple[ResultCache, Clock]:
    clock = Clock()
    return ResultCache(MemoryBackend(max_bytes, clock=clock), ttl=ttl, clock=clock), clock


async def test_concurrent_identical_keys_run_once_and_share_the_result() -> None:
    cache, _ = memory_cache()
    compute = Computation()
    compute.release.clear()
    callers = [asyncio.ensure_future(cache.fetch("k", compute, "f")) for _ in range(10)]
    await asyncio.sleep(0)
    compute.release.set()
    results = await asyncio.gather(*callers)
    assert compute.runs == 1
    assert [value for value, _ in results] == [b"rows"] * 10
    assert sorted(outcome for _, outcome in results) == ["join"] * 9 + ["miss"]
    assert await cache.fetch("k", compute, "f") == (b"rows", "hit")
    assert compute.runs == 1


async def test_a_result_lives_for_the_ttl_only() -> None:
    cache, clock = memory_cache(ttl=5.0)
    compute = Computation()
    assert (await cache.fetch("k", compute, "f"))[1] == "miss"
    clock.now += 4.9
    assert (await cache.fetch("k", compute, "f"))[1] == "hit"
    clock.now += 0.1
    assert (await cache.fetch("k", compute, "f"))[1] == "miss"
    assert compute.runs == 2


async def test_a_ttl_given_with_a_key_replaces_the_caches_own() -> None:
    cache, clock = memory_cache(ttl=5.0)
    compute = Computation()
    assert (await cache.fetch("k", compute, "f", ttl=60.0))[1] == "miss"
    clock.now += 59.9
    assert (await cache.fetch("k", compute, "f"))[1] == "hit"
    clock.now += 0.1
    assert (await cache.fetch("k", compute, "f"))[1] == "miss"
    assert compute.runs == 2


async def test_memory_is_bounded_least_recently_used_first() -> None:
    backend = MemoryBackend(max_bytes=3 * (len("omnigate:read:k0") + 100))
    cache = ResultCache(backend, ttl=60)
    for name in ("k0", "k1", "k2"):
        await cache.fetch(name, Computation(b"x" * 100), "f")
    assert (await cache.fetch("k0", Computation(), "f"))[1] == "hit"  # k1 is now the oldest
    await cache.fetch("k3", Computation(b"x" * 100), "f")
    assert len(backend) == 3 and backend.size <= backend.max_bytes
    assert (await cache.fetch("k1", Computation(b"x" * 100), "f"))[1] == "miss"
    assert (await cache.fetch("k3", Computation(), "f"))[1] == "hit"
    huge = Computation(b"x" * backend.max_bytes)
    assert (await cache.fetch("big", huge, "f"))[1] == "miss"  # answered, never stored
    assert (await cache.fetch("big", huge, "f"))[1] == "miss"
    assert backend.size <= backend.max_bytes


async def test_an_error_reaches_every_waiter_and_is_not_cached() -> None:
    cache, _ = memory_cache()
    release = asyncio.Event()

    async def failing() -> bytes:
        await release.wait()
        raise RuntimeError("database down")

    callers = [asyncio.ensure_future(cache.fetch("k", failing, "f")) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert await cache.fetch("k", Computation(), "f") == (b"rows", "miss")


async def test_a_caller_that_goes_away_does_not_cancel_the_others() -> None:
    cache, _ = memory_cache()
    compute = Computation()
    compute.release.clear()
    first = asyncio.ensure_future(cache.fetch("k", compute, "f"))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(cache.fetch("k", compute, "f"))
    await asyncio.sleep(0)
    first.cancel()
    compute.release.set()
    assert await second == (b"rows", "join")
    assert first.cancelled() and compute.runs == 1


@pytest.fixture
async def shared(fresh_redis: str) -> AsyncIterator[redis.Redis]:
    client = connect_redis(fresh_redis)
    yield client
    await client.aclose()


def redis_cache(client: redis.Redis, *, lock_seconds: float = 10.0) -> ResultCache:
    return ResultCache(RedisBackend(client, lock_seconds=lock_seconds), ttl=5.0, namespace="t")


async def test_processes_sharing_redis_run_an_aggregation_once(shared: redis.Redis) -> None:
    """Two caches (two worker processes) over one Redis: one computes, the other waits for
    its result through the lock, then every later caller reads it."""
    worker_a, worker_b = redis_cache(shared), redis_cache(shared)
    compute = Computation(b"shared rows")
    compute.release.clear()
    a = asyncio.ensure_future(worker_a.fetch("k", compute, "f"))
    await asyncio.sleep(0.05)
    b = asyncio.ensure_future(worker_b.fetch("k", compute, "f"))
    await asyncio.sleep(0.05)
    assert not b.done()
    compute.release.set()
    assert await a == (b"shared rows", "miss")
    assert await b == (b"shared rows", "join")
    assert await worker_b.fetch("k", compute, "f") == (b"shared rows", "hit")
    assert compute.runs == 1
    assert await shared.pttl("omnigate:t:read:k") > 4000
    assert not await shared.exists("omnigate:t:read:k:lock")


async def test_a_waiter_computes_when_the_lock_holder_fails(shared: redis.Redis) -> None:
    worker_a, worker_b = redis_cache(shared), redis_cache(shared)
    release = asyncio.Event()

    async def failing() -> bytes:
        await release.wait()
        raise RuntimeError("boom")

    a = asyncio.ensure_future(worker_a.fetch("k", failing, "f"))
    await asyncio.sleep(0.05)
    compute = Computation()
    b = asyncio.ensure_future(worker_b.fetch("k", compute, "f"))
    await asyncio.sleep(0.05)
    release.set()
    with pytest.raises(RuntimeError):
        await a
    assert await b == (b"rows", "miss")
    assert compute.runs == 1


async def test_redis_unreachable_runs_the_aggregation_uncached() -> None:
    client = connect_redis("redis://127.0.0.1:1/0", timeout=0.5)
    cache = redis_cache(client)
    compute = Computation()
    assert await cache.fetch("k", compute, "f") == (b"rows", "miss")
    assert await cache.fetch("k", compute, "f") == (b"rows", "miss")
    assert compute.runs == 2
    await client.aclose()


class LockAfter(RedisBackend):
    """Runs ``before`` once, just before taking a lock: another process's whole run."""

    def __init__(self, client: redis.Redis, before: Callable[[], Awaitable[object]]) -> None:
        super().__init__(client, lock_seconds=10.0)
        self.before: Callable[[], Awaitable[object]] | None = before

    async def lock(self, key: str) -> str | None:
        if self.before is not None:
            before, self.before = self.before, None
            await before()
        return await super().lock(key)


async def test_a_result_stored_between_the_miss_and_the_lock_is_not_computed_again(
    shared: redis.Redis,
) -> None:
    """Worker B misses; worker A then computes, stores and unlocks; B takes the lock but
    finds A's result instead of running the aggregation a second time."""
    worker_a, a_runs = redis_cache(shared), Computation(b"from a")
    worker_b = ResultCache(
        LockAfter(shared, lambda: worker_a.fetch("k", a_runs, "f")), ttl=5.0, namespace="t"
    )
    b_runs = Computation(b"from b")
    assert await worker_b.fetch("k", b_runs, "f") == (b"from a", "join")
    assert (a_runs.runs, b_runs.runs) == (1, 0)
    assert not await shared.exists("omnigate:t:read:k:lock")
