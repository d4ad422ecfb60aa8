"""Fixtures of the monitoring tests: ``documents`` in a database shared read-only by them,
served whole (REST) with a manager and three monitors, and the schema over it (GraphQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.db import Store
from tests.auth.documents import add_user
from tests.conftest import mongo_url
from tests.rest.conftest import add_manager, serve
from tests.schema.conftest import Execute, executor

from . import documents

MONITORS = {"monitor": ["u1"], "idle-monitor": ["u2"], "lost-monitor": []}
Headers = dict[str, str]


@pytest.fixture(scope="package")
def monitoring_db(sync_client: MongoClient) -> Iterator[Database]:
    db = sync_client["monitoring_shared"]
    documents.insert(db)
    add_manager(db)
    for monitor, units in MONITORS.items():
        add_user(db, monitor, roles=("user", "livechat-monitor"))
        for unit in units:
            db.rocketchat_livechat_unit_monitors.insert_one(
                {
                    "_id": f"{monitor}-{unit}",
                    "monitorId": monitor,
                    "unitId": unit,
                    "username": monitor,
                }
            )
    yield db
    sync_client.drop_database(db.name)


@pytest.fixture(scope="package")
def client(monitoring_db: Database, mongo_port: int) -> Iterator[TestClient]:
    with serve(mongo_url(mongo_port, monitoring_db.name)) as served:
        yield served


def headers_of(user: str) -> Headers:
    return {"X-User-Id": user, "X-Auth-Token": f"tok-{user}"}


@pytest.fixture
def shared_store(monitoring_db: Database, store_for: Callable[[Database], Store]) -> Store:
    return store_for(monitoring_db)


@pytest.fixture
def execute(shared_store: Store) -> Execute:
    """``schema.execute`` over the shared documents, as ``principal`` (the manager)."""
    return executor(shared_store)
