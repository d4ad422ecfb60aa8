"""The Starlette application and its lifespan (one MongoDB client per process)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware

from omnigate.auth import Authenticator
from omnigate.config import Settings
from omnigate.db import Store, create_client, database_name
from omnigate.http import health
from omnigate.http.boundary import ErrorBoundary
from omnigate.http.graphql import graphql_routes
from omnigate.http.limits import BodySizeLimit
from omnigate.http.live import create_hub
from omnigate.http.rest import routes as rest_routes
from omnigate.http.state import AppState
from omnigate.schema import create_schema


def create_app(
    settings: Settings | None = None,
    *,
    event_listeners: Sequence[CommandListener] = (),
) -> Starlette:
    """The ASGI application; ``event_listeners`` lets tests count MongoDB commands."""
    settings = settings or Settings.from_env()
    schema = create_schema(settings.limits)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = create_client(
            settings.mongo_url, max_time_ms=settings.max_time_ms, event_listeners=event_listeners
        )
        store = Store(client[database_name(settings.mongo_url)], settings.max_time_ms)
        authenticator = Authenticator(store, cache_seconds=settings.auth_cache_seconds)
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

    return Starlette(
        routes=[*health.routes, *graphql_routes(schema), *rest_routes],
        middleware=[
            Middleware(ErrorBoundary),
            Middleware(BodySizeLimit, max_body_bytes=settings.limits.max_body_bytes),
        ],
        lifespan=lifespan,
    )
