"""Sharing aggregation results between requests: a TTL cache with single-flight.

``ResultCache.fetch(key, compute)`` answers the BSON bytes of one aggregation's rows:

* a caller that finds the same key already being computed in this process waits for that
  computation (single-flight, ``join``), which runs in a task of its own, so a caller
  that goes away does not cancel it for the others;
* otherwise the backend is asked (``hit``); on a miss the caller takes the backend's lock
  for the key, computes, stores the bytes for ``ttl`` seconds and releases the lock
  (``miss``). With Redis, a process that finds the lock taken by another process polls
  for the result instead of computing it again (``join``).

Backends: ``MemoryBackend`` (this process only, LRU bounded in bytes) and ``RedisBackend``
(``OMNIGATE_CACHE_URL``: every worker and replica shares results and locks). Both hold
the same bytes, so a result decodes to the same rows whichever answered. A backend failure
(Redis down) is counted and logged, and the aggregation then runs uncached: the cache can
make the database's work smaller, never an answer wrong or missing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from redis import asyncio as redis
from redis.exceptions import RedisError

from omnigate.observability import instruments

Outcome = Literal["hit", "miss", "join"]
Compute = Callable[[], Awaitable[bytes]]

log = logging.getLogger("omnigate.cache")

_POLL_FIRST, _POLL_MAX = 0.005, 0.05  # seconds between looks at a result another process computes
_WARN_EVERY = 60.0  # seconds between two warnings about an unusable backend


class BackendError(Exception):
    """The backend could not be used (Redis unreachable, timed out, refused a command)."""


class Backend(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, ttl: float) -> None: ...

    async def lock(self, key: str) -> str | None:
        """A token when this caller may compute ``key``; ``None`` when another holds it."""

    async def unlock(self, key: str, token: str) -> None: ...

    async def wait(self, key: str) -> bytes | None:
        """The result another holder of the lock stores; ``None`` when it gives up."""

    async def close(self) -> None: ...


class ResultCache:
    """Single-flight in this process in front of a ``Backend``.

    Keys are prefixed with ``namespace`` (the MongoDB deployment: two deployments that
    share one Redis and have a database of the same name never share results).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        ttl: float,
        namespace: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.ttl = ttl
        self.prefix = f"omnigate:{namespace}:read:" if namespace else "omnigate:read:"
        self._clock = clock
        self._flights: dict[str, asyncio.Future[tuple[bytes, Outcome]]] = {}
        self._warned_at: float | None = None

    async def fetch(
        self, key: str, compute: Compute, family: str, *, ttl: float | None = None
    ) -> tuple[bytes, Outcome]:
        """The bytes of ``key`` and how they were obtained (also counted under ``family``);
        a result computed here is kept ``ttl`` seconds (the cache's TTL when not given)."""
        key = self.prefix + key
        flight = self._flights.get(key)
        if flight is not None:
            value, _ = await asyncio.shield(flight)
            outcome: Outcome = "join"
        else:
            keep = self.ttl if ttl is None else ttl
            flight = asyncio.ensure_future(self._fill(key, compute, keep))
            self._flights[key] = flight
            flight.add_done_callback(lambda done: self._landed(key, done))
            value, outcome = await asyncio.shield(flight)
        instruments.CACHE_LOOKUPS.labels(family, outcome).inc()
        return value, outcome

    def _landed(self, key: str, flight: asyncio.Future[tuple[bytes, Outcome]]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.cancelled():
            flight.exception()  # retrieved here, so an error nobody awaits is not reported

    async def _fill(self, key: str, compute: Compute, ttl: float) -> tuple[bytes, Outcome]:
        try:
            found = await self.backend.get(key)
            if found is not None:
                return found, "hit"
            token = await self.backend.lock(key)
            if token is None:
                found = await self.backend.wait(key)
                if found is not None:
                    return found, "join"
                token = await self.backend.lock(key)  # the holder gave up: maybe our turn
            if token is not None:
                # another process may have stored it and let go between our two commands
                found = await self.backend.get(key)
                if found is not None:
                    await self.backend.unlock(key, token)
                    return found, "join"
        except BackendError as exc:
            self._backend_failed(exc)
            return await compute(), "miss"
        try:
            value = await compute()
            try:
                await self.backend.put(key, value, ttl)
            except BackendError as exc:
                self._backend_failed(exc)
        finally:
            if token is not None:
                try:
                    await self.backend.unlock(key, token)
                except BackendError as exc:
                    self._backend_failed(exc)
        return value, "miss"

    def _backend_failed(self, exc: BackendError) -> None:
        instruments.CACHE_ERRORS.inc()
        now = self._clock()
        if self._warned_at is None or now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            log.warning("result cache unusable, running aggregations uncached: %s", exc)

    async def close(self) -> None:
        await self.backend.close()


class MemoryBackend:
    """Results of this process, least recently used dropped first beyond ``max_bytes``."""

    def __init__(self, max_bytes: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = 0  # bytes held (values and keys)

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock() >= expires:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return value

    async def put(self, key: str, value: bytes, ttl: float) -> None:
        cost = len(key) + len(value)
        if key in self._entries:
            self._drop(key)
        if cost > self.max_bytes:
            return  # larger than the whole cache: shared by its flight only
        while self.size + cost > self.max_bytes:
            self._drop(next(iter(self._entries)))
        self._entries[key] = (self._clock() + ttl, value)
        self.size += cost

    def _drop(self, key: str) -> None:
        _, value = self._entries.pop(key)
        self.size -= len(key) + len(value)

    async def lock(self, key: str) -> str | None:
        return "local"  # the flights of ResultCache already keep one computation per key

    async def unlock(self, key: str, token: str) -> None:
        pass

    async def wait(self, key: str) -> bytes | None:
        return None

    async def close(self) -> None:
        self._entries.clear()
        self.size = 0


# Deletes the lock only if it is still ours (it may have expired and been taken since).
_UNLOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisBackend:
    """Results and single-flight locks in Redis, shared by every process using ``url``.

    A lock (``SET NX PX``) lives ``lock_seconds`` at most (the longest an aggregation may
    take), so a process that dies while computing delays the others by that much at most.
    """

    def __init__(self, client: redis.Redis, *, lock_seconds: float) -> None:
        self._redis = client
        self._lock_ms = max(1, round(lock_seconds * 1000))
        self._unlock = self._redis.register_script(_UNLOCK)

    async def get(self, key: str) -> bytes | None:
        try:
            return await self._redis.get(key)
        except (RedisError, OSError) as exc:
            raise BackendError(f"redis GET: {exc}") from exc

    async def put(self, key: str, value: bytes, ttl: float) -> None:
        try:
            await self._redis.set(key, value, px=max(1, round(ttl * 1000)))
        except (RedisError, OSError) as exc:
            raise BackendError(f"redis SET: {exc}") from exc

    async def lock(self, key: str) -> str | None:
        token = secrets.token_hex(8)
        try:
            taken = await self._redis.set(_lock_key(key), token, nx=True, px=self._lock_ms)
        except (RedisError, OSError) as exc:
            raise BackendError(f"redis SET NX: {exc}") from exc
        return token if taken else None

    async def unlock(self, key: str, token: str) -> None:
        try:
            await self._unlock(keys=[_lock_key(key)], args=[token])
        except (RedisError, OSError) as exc:
            raise BackendError(f"redis unlock: {exc}") from exc

    async def wait(self, key: str) -> bytes | None:
        """Polls (5 ms, doubling up to 50 ms) until the result is stored or the lock is
        gone without one (the holder failed: ``None``)."""
        deadline = time.monotonic() + self._lock_ms / 1000
        delay = _POLL_FIRST
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, _POLL_MAX)
            try:  # MULTI/EXEC: both read at one instant (the holder stores, then unlocks)
                async with self._redis.pipeline(transaction=True) as pipe:
                    value, locked = await pipe.get(key).exists(_lock_key(key)).execute()
            except (RedisError, OSError) as exc:
                raise BackendError(f"redis GET/EXISTS: {exc}") from exc
            if value is not None:
                return value
            if not locked:
                return None
        return None

    async def close(self) -> None:
        pass  # the client belongs to whoever connected it (see ``connect_redis``)


def connect_redis(url: str, *, timeout: float = 2.0) -> redis.Redis:
    """A Redis client for ``url`` (``redis://``, ``rediss://``, ``unix://``); it connects
    on first use, and a command that takes longer than ``timeout`` seconds fails."""
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def _lock_key(key: str) -> str:
    return f"{key}:lock"
