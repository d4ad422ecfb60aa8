"""One structured line per request: fields, levels, the stack of server errors, formats."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from omnigate.config import Operations, Settings
from omnigate.http.app import create_app
from omnigate.http.request_log import RequestLog
from omnigate.loaders import overview as overview_loader
from omnigate.observability.logs import JsonFormatter, TextFormatter
from omnigate.seed import SeedReport
from tests.conftest import SEEDED_DB, mongo_url
from tests.ops.test_shared_results import DASHBOARD_BODY, RANGE
from tests.redis_server import free_port

REST = "/api/v1/livechat/analytics/departments/amount-of-chats"


@pytest.fixture(scope="module")
def client(seeded: SeedReport, mongo_port: int) -> Iterator[TestClient]:
    settings = Settings(
        mongo_url=mongo_url(mongo_port, SEEDED_DB), operations=Operations(cache_seconds=60)
    )
    with TestClient(create_app(settings)) as client:
        yield client


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "omnigate.request"]


def fields(record: logging.LogRecord) -> dict[str, Any]:
    return record.fields  # type: ignore[attr-defined, no-any-return]


def test_a_dashboard_request_line(
    client: TestClient, manager_headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="omnigate.request")
    headers = {**manager_headers, "X-Request-Id": "dash-1"}
    for _ in range(2):
        response = client.post("/graphql", json=DASHBOARD_BODY, headers=headers)
        assert response.headers["X-Request-Id"] == "dash-1"
    first, second = request_lines(caplog)
    assert first.levelname == second.levelname == "INFO"
    assert first.getMessage().startswith("POST /graphql 200 ")
    assert fields(first) == {
        "request_id": "dash-1",
        "transport": "graphql",
        "operation": "DepartmentDashboard",
        "user_id": manager_headers["X-User-Id"],
        "status": 200,
        "outcome": "ok",
        "duration_ms": fields(first)["duration_ms"],
        "aggregations": 4,  # opened, closed, transfers, overview
        "cache_hits": fields(first)["cache_hits"],
    }
    assert fields(first)["duration_ms"] > 0
    assert fields(second)["aggregations"] == fields(second)["cache_hits"] == 4  # within the TTL


@pytest.mark.parametrize(
    ("method", "path", "body", "user", "status", "outcome"),
    [
        ("GET", REST, None, True, 400, "bad_request"),
        ("POST", "/graphql", {"query": "{ nope }"}, True, 200, "bad_request"),
        ("POST", "/graphql", {"query": "{ __typename }"}, False, 401, "unauthenticated"),
        ("GET", "/nowhere", None, False, 404, "not_found"),
    ],
)
def test_client_errors_are_info(
    client: TestClient,
    manager_headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: Any,
    user: bool,
    status: int,
    outcome: str,
) -> None:
    caplog.set_level(logging.INFO, logger="omnigate.request")
    headers = manager_headers if user else {}
    assert client.request(method, path, json=body, headers=headers).status_code == status
    [line] = request_lines(caplog)
    assert line.levelname == "INFO" and line.exc_info is None
    assert fields(line)["status"] == status and fields(line)["outcome"] == outcome
    assert fields(line)["user_id"] == (manager_headers["X-User-Id"] if user else None)
    if path != "/graphql":  # a route's path, never an arbitrary one
        assert fields(line)["operation"] == (REST if path == REST else "unmatched")


def test_a_graphql_server_error_is_error_with_the_stack(
    client: TestClient,
    manager_headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(overview_loader, "overview", broken)
    query = "query Broken($r: DateRange!) { overview(range: $r) { conversations { total } } }"
    body = {"query": query, "variables": {"r": RANGE}}
    response = client.post("/graphql", json=body, headers=manager_headers)
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret detail" not in response.text
    [line] = request_lines(caplog)
    assert line.levelname == "ERROR"
    assert fields(line)["operation"] == "Broken" and fields(line)["outcome"] == "error"
    assert line.exc_info is not None and "secret detail" in str(line.exc_info[1])
    # the error's own line names the field and the request, without repeating the stack
    [error] = [r for r in caplog.records if r.name == "omnigate.graphql"]
    assert fields(line)["request_id"] in error.getMessage() and error.exc_info is None


def test_an_exception_escaping_the_application_is_error_with_the_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def boom(request: Request) -> Response:
        raise KeyError("escaped")

    app = Starlette(routes=[Route("/boom", boom)], middleware=[Middleware(RequestLog)])
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500
    [line] = request_lines(caplog)
    assert line.levelname == "ERROR" and fields(line)["status"] == 500
    assert line.exc_info is not None and isinstance(line.exc_info[1], KeyError)


def test_health_checks_are_debug(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="omnigate.request")
    assert client.get("/healthz").status_code == 200
    [line] = request_lines(caplog)
    assert line.levelname == "DEBUG" and fields(line)["transport"] == "health"


def record(exc: BaseException | None = None) -> logging.LogRecord:
    entry = logging.LogRecord(
        "omnigate.request", logging.ERROR, __file__, 1, "GET %s", ("/x",), None
    )
    entry.fields = {"request_id": "r1", "user_id": None, "operation": "two words"}  # type: ignore[attr-defined]
    if exc is not None:
        entry.exc_info = (type(exc), exc, exc.__traceback__)
    return entry


def test_formats() -> None:
    try:
        raise ValueError("bad")
    except ValueError as exc:
        failure = exc
    line = json.loads(JsonFormatter().format(record(failure)))
    assert line["message"] == "GET /x" and line["level"] == "ERROR"
    assert (line["request_id"], line["user_id"], line["operation"]) == ("r1", None, "two words")
    assert "ValueError: bad" in line["exception"] and line["time"].endswith("+00:00")
    text = TextFormatter().format(record())
    assert text.endswith('GET /x request_id=r1 user_id=- operation="two words"')


@pytest.fixture
def json_server(seeded: SeedReport, mongo_port: int) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``omnigate serve`` with OMNIGATE_LOG_FORMAT=json, its stderr captured."""
    port = free_port()
    env = {
        **os.environ,
        "MONGO_URL": mongo_url(mongo_port, SEEDED_DB),
        "OMNIGATE_LOG_FORMAT": "json",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "omnigate", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx2.get(f"{base}/healthz", timeout=1)
                break
            except httpx2.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def test_serve_writes_json_lines(
    json_server: tuple[str, subprocess.Popen[str]], manager_headers: dict[str, str]
) -> None:
    base, process = json_server
    httpx2.post(
        f"{base}/graphql",
        json={"query": "query Ping { __typename }"},
        headers={**manager_headers, "X-Request-Id": "json-1"},
    )
    process.terminate()
    _, stderr = process.communicate(timeout=20)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]  # all JSON
    [entry] = [line for line in lines if line.get("request_id") == "json-1"]
    assert entry["logger"] == "omnigate.request" and entry["level"] == "INFO"
    assert entry["operation"] == "Ping" and entry["status"] == 200
    assert entry["user_id"] == manager_headers["X-User-Id"]
    assert any(line["logger"].startswith("uvicorn") for line in lines)  # uvicorn's too
