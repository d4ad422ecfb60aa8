"""Session fixtures: one real SecantusDB process for the whole test run.

Every test talks to it over the MongoDB wire protocol; nothing is mocked. Tests that
need their own documents take ``fresh_db`` (a new database, dropped afterwards).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient, MongoClient
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.db import Store, create_client
from omnigate.embedded import EmbeddedServer
from omnigate.http.app import create_app
from omnigate.seed import SeedReport, seed
from tests.checksums import checksum

pytest_plugins = ["tests.redis_server"]  # redis_url, fresh_redis

SEEDED_DB = "seeded"
SEED_NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)  # the seeded data ends here
SEED_ROOMS = 800

_db_names = itertools.count()


@pytest.fixture(scope="session")
def mongo_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer() as server:
        yield server


@pytest.fixture(scope="session")
def mongo_port(mongo_server: EmbeddedServer) -> int:
    assert mongo_server.port is not None
    return mongo_server.port


def mongo_url(port: int, database: str) -> str:
    """The URL of ``database`` on the test server."""
    return f"mongodb://127.0.0.1:{port}/{database}?directConnection=true"


@pytest.fixture(scope="session")
def sync_client(mongo_port: int) -> Iterator[MongoClient]:
    with MongoClient(mongo_url(mongo_port, "admin"), tz_aware=True) as client:
        yield client


@pytest.fixture
def fresh_db(sync_client: MongoClient) -> Iterator[Database]:
    """An empty database of its own for one test, dropped afterwards."""
    name = f"t{next(_db_names)}"
    yield sync_client[name]
    sync_client.drop_database(name)


@pytest.fixture(scope="session")
async def async_client(mongo_port: int) -> AsyncIterator[AsyncMongoClient]:
    client = create_client(mongo_url(mongo_port, "admin"), max_time_ms=15_000)
    yield client
    await client.close()


@pytest.fixture
def store_for(async_client: AsyncMongoClient) -> Callable[[Database], Store]:
    """A read-only ``Store`` over the same database as a sync ``Database`` handle."""
    return lambda db: Store(async_client[db.name], 15_000)


@pytest.fixture(scope="session")
def seeded(mongo_port: int, sync_client: MongoClient) -> Iterator[SeedReport]:
    """A database of realistic data (``SEED_ROOMS`` rooms over the 90 days before
    ``SEED_NOW``), shared read-only by every test that takes it: its checksum at the end
    of the session must equal the one taken after seeding."""
    report = seed(mongo_url(mongo_port, SEEDED_DB), rooms=SEED_ROOMS, seed=42, now=SEED_NOW)
    before = checksum(sync_client[SEEDED_DB])
    yield report
    assert checksum(sync_client[SEEDED_DB]) == before, "the seeded database was modified"


@pytest.fixture(scope="session")
def seeded_settings(mongo_port: int, seeded: SeedReport) -> Settings:
    return Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB))


@pytest.fixture(scope="session")
def http_client(seeded_settings: Settings) -> Iterator[TestClient]:
    """The whole ASGI app (lifespan included) over the seeded database."""
    with TestClient(create_app(seeded_settings)) as client:
        yield client


@pytest.fixture(scope="session")
def manager_headers(seeded: SeedReport) -> dict[str, str]:
    return {"X-User-Id": seeded.manager_id, "X-Auth-Token": seeded.manager_token}


@pytest.fixture(scope="session")
def graphql_client(
    http_client: TestClient, manager_headers: dict[str, str]
) -> Callable[[str, dict[str, Any] | None], dict[str, Any]]:
    """POST /graphql as the seeded manager; returns the response body."""

    def post(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = http_client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=manager_headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    return post
