"""Session fixtures: one real SecantusDB process for the whole test run.

Every test talks to it over the MongoDB wire protocol; nothing is mocked. Tests that
need their own documents take ``fresh_db`` (a new database, dropped afterwards).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from pymongo import AsyncMongoClient, MongoClient
from pymongo.database import Database

from omnigate.db import Store, create_client
from omnigate.embedded import EmbeddedServer

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
