"""The database down, slow or hanging: fast ``SERVICE_UNAVAILABLE``, never a hang, and
recovery without restarting the gateway.

A dedicated SecantusDB process (with mongod's test commands, for ``configureFailPoint``)
holds hand-made data; the app points at it with ``serverSelectionTimeoutMS=1000`` and
``max_time_ms=2000``. A request's answer depends on where the trouble meets it:

* authentication needs the database unless the credentials were checked within the last
  5 s (successes are cached): then the refusal is HTTP 503 with a GraphQL-shaped body;
* with cached credentials the failure comes from the fields: HTTP 200 (GraphQL over HTTP),
  ``data: null`` and every error with ``extensions.code == "SERVICE_UNAVAILABLE"``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from starlette.testclient import TestClient

from omnigate.config import Operations, Settings
from omnigate.embedded import EmbeddedServer
from omnigate.http.app import create_app
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission

UNREACHABLE = "The database is unreachable."
TOO_SLOW = "The database did not answer within the time limit."
FAST = 4.0  # seconds: serverSelectionTimeoutMS is 1 s, a retried read may wait twice
QUERY = """query($r: DateRange!) {
  departments { totalCount edges { node {
    name chats(range: $r) averageChatDuration(range: $r) transferredChats(range: $r) } } }
  overview(range: $r) { conversations { total } }
}"""
RANGE = {"r": {"start": "2026-05-01T00:00:00Z", "end": "2026-05-31T23:59:59Z"}}

# These tests are about the database's own path: the same read again must reach it,
# not the result cache (OMNIGATE_CACHE_SECONDS).
NO_CACHE = Operations(cache_seconds=0)


def seed_by_hand(url: str) -> None:
    with MongoClient(url) as client:
        db = client.get_default_database()
        set_permission(db, RC_DEFAULT_ROLES)
        for user in ("cached", "fresh", "late", "slow", "fresh-slow"):
            add_user(db, user)
        db.rocketchat_livechat_department.insert_many(
            [{"_id": "d1", "name": "Sales"}, {"_id": "d2", "name": "Support"}]
        )
        db.rocketchat_room.insert_many(
            {
                "_id": f"r{i}",
                "t": "l",
                "ts": datetime(2026, 5, 1 + i % 28, 9, tzinfo=UTC),
                "departmentId": "d1" if i % 2 else "d2",
                "open": False,
                "closedAt": datetime(2026, 5, 1 + i % 28, 10, tzinfo=UTC),
                "msgs": 3,
                "metrics": {"chatDuration": 600.0},
            }
            for i in range(40)
        )


def headers(user: str) -> dict[str, str]:
    return {"X-User-Id": user, "X-Auth-Token": f"tok-{user}"}


@dataclass
class Database:
    """The dedicated server; the restart test replaces ``server`` (same path, same port)."""

    storage: Path
    server: EmbeddedServer
    url: str


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    storage = tmp_path_factory.mktemp("resilience") / "db"
    server = EmbeddedServer(storage, database="rc", enable_test_commands=True)
    url = server.start()
    seed_by_hand(url)
    db = Database(storage, server, url)
    yield db
    db.server.stop()


@pytest.fixture
def url(database: Database) -> str:
    return database.url


def timed(client: TestClient, method: str, path: str, **kwargs: Any) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.request(method, path, **kwargs)
    return response, time.monotonic() - started


def graphql(client: TestClient, user: str) -> tuple[Any, float]:
    payload = {"query": QUERY, "variables": RANGE}
    return timed(client, "POST", "/graphql", json=payload, headers=headers(user))


def assert_answers(response: Any) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["departments"]["totalCount"] == 2
    assert body["data"]["overview"]["conversations"]["total"] == 40


def assert_auth_refusal(response: Any, message: str) -> None:
    """The database failed the credential check: 503, the exact GraphQL-shaped body."""
    assert response.status_code == 503
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "SERVICE_UNAVAILABLE"}}]
    }


def assert_field_failure(response: Any, message: str) -> None:
    """Credentials cached, the fields failed: 200, no data, only SERVICE_UNAVAILABLE."""
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"], body
    for error in body["errors"]:
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}, error
        assert error["message"] == message
        assert error["path"][0] in ("departments", "overview")


class FailPoints:
    """mongod's ``configureFailPoint``, sent by a client of its own (another appname)."""

    def __init__(self, url: str) -> None:
        self.client: MongoClient = MongoClient(url, appname="failpoints")

    def set(self, name: str, mode: Any, data: dict[str, Any] | None = None) -> None:
        command: dict[str, Any] = {"configureFailPoint": name, "mode": mode}
        if data is not None:
            command["data"] = data
        self.client.admin.command(command)

    def close(self) -> None:
        self.set("maxTimeAlwaysTimeOut", "off")
        self.set("failCommand", "off")
        self.client.close()


@pytest.fixture
def failpoints(url: str) -> Iterator[FailPoints]:
    points = FailPoints(url)
    yield points
    points.close()


def test_an_aggregation_over_its_time_limit_is_service_unavailable(
    url: str, failpoints: FailPoints
) -> None:
    """mongod's ``maxTimeAlwaysTimeOut``: every operation carrying ``maxTimeMS`` expires,
    as it would on a database too slow for ``OMNIGATE_MAX_TIME_MS``."""
    settings = Settings(mongo_url=url, max_time_ms=2000, operations=NO_CACHE)
    with TestClient(create_app(settings)) as client:
        response, _ = graphql(client, "slow")
        assert_answers(response)  # credentials now cached
        failpoints.set("maxTimeAlwaysTimeOut", "alwaysOn")
        response, seconds = graphql(client, "slow")
        assert_field_failure(response, TOO_SLOW)
        assert seconds < FAST
        response, seconds = graphql(client, "fresh-slow")  # the credential check expires too
        assert_auth_refusal(response, TOO_SLOW)
        assert seconds < FAST
        failpoints.set("maxTimeAlwaysTimeOut", "off")
        assert_answers(graphql(client, "fresh-slow")[0])


def test_a_database_stopped_and_restarted(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    url, port = database.url, database.server.port
    settings = Settings(
        mongo_url=url + "&serverSelectionTimeoutMS=1000", max_time_ms=2000, operations=NO_CACHE
    )
    with TestClient(create_app(settings)) as client:
        assert_answers(graphql(client, "cached")[0])
        assert client.get("/readyz").status_code == 200

        database.server.stop()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="omnigate"):
            response, seconds = graphql(client, "cached")  # credentials cached < 5 s ago
            assert_field_failure(response, UNREACHABLE)
            assert seconds < FAST
            response, seconds = graphql(client, "fresh")  # never checked: auth needs the db
            assert_auth_refusal(response, UNREACHABLE)
            assert seconds < FAST
        # One warning per request for the operator (field path, then auth path).
        warnings = [(r.name, r.levelname) for r in caplog.records if UNREACHABLE in r.message]
        assert warnings == [("omnigate.graphql", "WARNING"), ("omnigate.http", "WARNING")]
        response, seconds = timed(client, "GET", "/readyz")
        assert (response.status_code, response.json()) == (
            503,
            {"status": "unavailable", "reason": "database unreachable"},
        )
        assert seconds < FAST
        assert client.get("/healthz").json() == {"status": "ok"}  # the process itself is fine

        database.server = EmbeddedServer(
            database.storage, database="rc", port=port, enable_test_commands=True
        )
        assert database.server.start() == url  # the same storage path, the same port
        deadline = time.monotonic() + 15
        while (response := graphql(client, "late")[0]).status_code != 200:
            assert time.monotonic() < deadline, response.text
            time.sleep(0.2)
        assert_answers(response)  # the same app and client, nothing restarted
        assert_answers(graphql(client, "fresh")[0])
        assert client.get("/readyz").json() == {"status": "ready"}


def test_a_hanging_database_is_cut_off_by_the_socket_timeout(
    url: str, failpoints: FailPoints
) -> None:
    """A server that ignores ``maxTimeMS`` (blocks every aggregation for 2 s) cannot hang a
    request beyond the socket timeout (here 0.5 s, set in ``MONGO_URL``), which pymongo's
    one retry of a read can double."""
    settings = Settings(
        mongo_url=url + "&socketTimeoutMS=500",
        max_time_ms=2000,
        operations=NO_CACHE,
    )
    with TestClient(create_app(settings)) as client:
        assert_answers(graphql(client, "slow")[0])
        failpoints.set(
            "failCommand",
            "alwaysOn",
            {
                "failCommands": ["aggregate"],
                "blockConnection": True,
                "blockTimeMS": 2000,
                "appName": "omnigate",
            },
        )
        response, seconds = graphql(client, "slow")
        assert_field_failure(response, UNREACHABLE)
        assert seconds < 1.8  # two socket timeouts (a try and a retry), not the 2 s block
