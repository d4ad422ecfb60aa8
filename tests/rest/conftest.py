"""Fixtures of the REST tests: the whole app over a database of hand-made documents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.http.app import create_app
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.conftest import mongo_url

from . import data

MANAGER_ID = "manager"
AGENT_ID = "agent"  # logged in, but without view-livechat-manager


def add_manager(db: Database, **fields: object) -> dict[str, str]:
    """A livechat manager (and the default permission); returns its auth headers."""
    set_permission(db, RC_DEFAULT_ROLES)
    token = add_user(db, MANAGER_ID, roles=("user", "livechat-manager"), **fields)
    return {"X-User-Id": MANAGER_ID, "X-Auth-Token": token}


@contextmanager
def serve(url: str, **settings: object) -> Iterator[TestClient]:
    """The whole application (lifespan included) over the database at ``url``."""
    with TestClient(create_app(Settings(mongo_url=url, **settings))) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture(scope="package")
def rest_db(sync_client: MongoClient) -> Iterator[Database]:
    """``data``'s documents, a manager and an agent; shared read-only by the REST tests."""
    db = sync_client["rest_shared"]
    db.rocketchat_room.insert_many(data.ROOMS)
    db.rocketchat_message.insert_many(data.MESSAGES)
    db.rocketchat_settings.insert_many(data.SETTINGS)
    add_manager(db)
    add_user(db, AGENT_ID, roles=("user", "livechat-agent"))
    yield db
    sync_client.drop_database(db.name)


@pytest.fixture(scope="package")
def rest_client(rest_db: Database, mongo_port: int) -> Iterator[TestClient]:
    with serve(mongo_url(mongo_port, rest_db.name)) as client:
        yield client


@pytest.fixture(scope="package")
def headers(rest_db: Database) -> dict[str, str]:
    """The manager's headers on ``rest_db``."""
    return {"X-User-Id": MANAGER_ID, "X-Auth-Token": f"tok-{MANAGER_ID}"}


@pytest.fixture(scope="package")
def agent_headers(rest_db: Database) -> dict[str, str]:
    return {"X-User-Id": AGENT_ID, "X-Auth-Token": f"tok-{AGENT_ID}"}
