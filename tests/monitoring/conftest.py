"""Fixtures of the monitoring tests: ``documents`` in a database shared read-only by them,
served whole (REST) with a manager and three monitors, and the schema over it (GraphQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from starlette.testclient import TestClient
from strawberry.types import ExecutionResult

from omnigate.auth import Principal
from omnigate.config import Settings
from omnigate.context import Context
from omnigate.db import Store
from omnigate.schema import schema
from tests.auth.documents import add_user
from tests.conftest import mongo_url
from tests.rest.conftest import add_manager, serve
from tests.schema.conftest import DEFAULT_SETTINGS, MANAGER, Execute

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

    async def run(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        principal: Principal = MANAGER,
        settings: Settings = DEFAULT_SETTINGS,
        store: Store | None = None,
    ) -> ExecutionResult:
        context = Context(
            store=(store or shared_store).with_budget(settings.limits.max_aggregations),
            settings=settings,
            principal=principal,
            request_id="test",
        )
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run
