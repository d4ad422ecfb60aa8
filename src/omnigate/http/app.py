"""The Starlette application and its lifespan (one MongoDB client per process)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from pymongo.monitoring import CommandListener
from redis import asyncio as redis
from starlette.applications import Starlette
from starlette.middleware import Middleware

from omnigate.auth import Authenticator
from omnigate.config import Operations, Settings
from omnigate.db import Store, create_client, database_name, deployment_id
from omnigate.db.cache import MemoryBackend, RedisBackend, ResultCache, connect_redis
from omnigate.http import health
from omnigate.http.boundary import ErrorBoundary
from omnigate.http.graphql import graphql_routes
from omnigate.http.limits import BodySizeLimit
from omnigate.http.live import create_hub
from omnigate.http.persisted import AllowList, MemoryRegistry, PersistedQueries, RedisRegistry
from omnigate.http.prometheus import metrics_routes
from omnigate.http.request_log import RequestLog
from omnigate.http.rest import routes as rest_routes
from omnigate.http.state import AppState
from omnigate.schema import create_schema

# A lock on a shared aggregation lives as long as the aggregation may take: maxTimeMS,
# plus the socket timeout's 5 s margin (see db.client), plus this margin.
_LOCK_MARGIN_SECONDS = 5.0


def create_app(
    settings: Settings | None = None,
    *,
    event_listeners: Sequence[CommandListener] = (),
) -> Starlette:
    """The ASGI application; ``event_listeners`` lets tests count MongoDB commands."""
    settings = settings or Settings.from_env()
    schema = create_schema(settings.limits)
    operations = settings.operations
    allow_list = (
        None
        if operations.persisted_queries_only is None
        else AllowList(operations.persisted_queries_only)
    )
    persisted = PersistedQueries(MemoryRegistry(), allow_list)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = create_client(
            settings.mongo_url, max_time_ms=settings.max_time_ms, event_listeners=event_listeners
        )
        shared = connect_redis(operations.cache_url) if operations.cache_url else None
        if shared is not None:
            persisted.registry = RedisRegistry(shared)
        cache = _result_cache(settings, shared)
        store = Store(client[database_name(settings.mongo_url)], settings.max_time_ms, cache=cache)
        # its own cache keeps a check at most 5 s (SPEC §5), whatever the result cache's TTL
        authenticator = Authenticator(store.uncached(), cache_seconds=settings.auth_cache_seconds)
        # a tick's reads are cached under its instant only (Store.at): never older than it
        live = create_hub(schema, settings, store, authenticator)
        app.state.omnigate = AppState(
            settings=settings,
            client=client,
            store=store,
            authenticator=authenticator,
            live=live,
        )
        try:
            yield
        finally:
            await live.close()
            await client.close()
            if cache is not None:
                await cache.close()
            if shared is not None:
                await shared.aclose()

    return Starlette(
        routes=[
            *health.routes,
            *metrics_routes(operations),
            *graphql_routes(schema, persisted),
            *rest_routes,
        ],
        middleware=[
            Middleware(RequestLog),
            Middleware(ErrorBoundary),
            Middleware(BodySizeLimit, max_body_bytes=settings.limits.max_body_bytes),
        ],
        lifespan=lifespan,
    )


def _result_cache(settings: Settings, shared: redis.Redis | None) -> ResultCache | None:
    """The aggregation-result cache of ``OMNIGATE_CACHE_*`` (``None`` when turned off)."""
    operations: Operations = settings.operations
    if operations.cache_seconds <= 0:
        return None
    if shared is not None:
        lock_seconds = settings.max_time_ms / 1000 + 5.0 + _LOCK_MARGIN_SECONDS
        backend: MemoryBackend | RedisBackend = RedisBackend(shared, lock_seconds=lock_seconds)
    else:
        backend = MemoryBackend(round(operations.cache_max_mb * 1024 * 1024))
    return ResultCache(
        backend, ttl=operations.cache_seconds, namespace=deployment_id(settings.mongo_url)
    )
