"""Errors with Rocket.Chat's exact bodies, in SPEC §5's order: authentication, permission,
then the parameters in the order of SPEC §4's table; 503 without database, logged 500."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pymongo import MongoClient
from starlette.testclient import TestClient

from omnigate.config import Operations
from omnigate.embedded import EmbeddedServer
from omnigate.http.rest import overview as overview_module

from .conftest import add_manager, serve

BASE = "/api/v1/livechat/analytics"
LISTS = [
    f"{BASE}/departments/{path}"
    for path in (
        "amount-of-chats",
        "average-service-time",
        "average-chat-duration-time",
        "total-service-time",
        "average-waiting-time",
        "total-transferred-chats",
        "total-abandoned-chats",
        "percentage-abandoned-chats",
    )
]
OVERVIEW = f"{BASE}/overview"
ALL = [*LISTS, OVERVIEW]
RANGE = {"start": "2024-05-01", "end": "2024-05-31"}
DAYS = {"name": "Conversations", "from": "2024-05-01", "to": "2024-05-31"}

UNAUTHORIZED = {"status": "error", "message": "You must be logged in to do this."}
FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}


def missing(param: str) -> dict[str, Any]:
    return {
        "success": False,
        "error": f"must have required property '{param}' [invalid-params]",
        "errorType": "invalid-params",
    }


def invalid_date(param: str) -> dict[str, Any]:
    return {"success": False, "error": f'The "{param}" query parameter must be a valid date.'}


def invalid(error: str) -> dict[str, Any]:
    return {"success": False, "error": error, "errorType": "invalid-params"}


BAD_COUNT = 'The "count" query parameter must be a whole number from 1 to 100.'
BAD_OFFSET = 'The "offset" query parameter must be a whole number from 0 to 9007199254740991.'
BAD_ANSWERED = 'The "answered" query parameter must be "true" or "false".'
BAD_NAME = 'The "name" query parameter must be "Conversations" or "Productivity".'


def check(response: Any, status: int, body: dict[str, Any]) -> None:
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", ALL)
def test_authentication_comes_first(
    rest_client: TestClient, agent_headers: dict[str, str], path: str
) -> None:
    """No headers, bad token: 401 even without parameters; no permission: 403."""
    check(rest_client.get(path), 401, UNAUTHORIZED)
    check(rest_client.get(path, headers={"X-User-Id": "manager"}), 401, UNAUTHORIZED)
    wrong = {"X-User-Id": "manager", "X-Auth-Token": "wrong"}
    check(rest_client.get(path, headers=wrong), 401, UNAUTHORIZED)
    check(rest_client.get(path, headers=agent_headers), 403, FORBIDDEN)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "body"),
    [
        ({}, missing("start")),
        ({"end": "2024-05-31"}, missing("start")),
        ({"start": "2024-05-01"}, missing("end")),
        ({"start": "x", "count": "0"}, missing("end")),  # every presence check comes first
        ({"start": "", "end": "2024-05-31"}, invalid_date("start")),
        ({"start": "yesterday", "end": "2024-05-31"}, invalid_date("start")),
        ({"start": "2024-02-30", "end": "2024-05-31"}, invalid_date("start")),
        ({"start": "May 1, 2024", "end": "x", "count": "0"}, invalid_date("start")),
        ({"start": "2024-05-01", "end": "2024-05-31T25:00Z"}, invalid_date("end")),
        ({"start": "2024-05-01", "end": "0001-01-01T00:00+01:00"}, invalid_date("end")),
        ({**RANGE, "count": "0"}, invalid(BAD_COUNT)),
        ({**RANGE, "count": "101"}, invalid(BAD_COUNT)),
        ({**RANGE, "count": "-1"}, invalid(BAD_COUNT)),
        ({**RANGE, "count": "1.5"}, invalid(BAD_COUNT)),
        ({**RANGE, "count": "ten"}, invalid(BAD_COUNT)),
        ({**RANGE, "count": ""}, invalid(BAD_COUNT)),
        ({**RANGE, "offset": "-1"}, invalid(BAD_OFFSET)),
        ({**RANGE, "offset": "x", "count": "0"}, invalid(BAD_OFFSET)),
        ({**RANGE, "offset": str(2**53)}, invalid(BAD_OFFSET)),
        ({**RANGE, "offset": "9" * 5000}, invalid(BAD_OFFSET)),
    ],
)
def test_list_parameters(
    rest_client: TestClient,
    headers: dict[str, str],
    path: str,
    query: dict[str, str],
    body: dict[str, Any],
) -> None:
    check(rest_client.get(path, params=query, headers=headers), 400, body)


@pytest.mark.parametrize("answered", ["", "yes", "True", "1"])
def test_answered_must_be_true_or_false(
    rest_client: TestClient, headers: dict[str, str], answered: str
) -> None:
    query = {**RANGE, "answered": answered, "count": "0"}  # answered comes before count
    response = rest_client.get(LISTS[0], params=query, headers=headers)
    check(response, 400, invalid(BAD_ANSWERED))
    # the other lists take no answered parameter and ignore it
    assert rest_client.get(LISTS[1], params=query | {"count": "1"}, headers=headers).is_success


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ({}, missing("name")),
        ({"from": "2024-05-01", "to": "2024-05-31"}, missing("name")),
        ({"name": "Conversations", "to": "2024-05-31"}, missing("from")),
        ({"name": "x", "from": "x"}, missing("to")),
        ({**DAYS, "name": "conversations"}, invalid(BAD_NAME)),
        ({**DAYS, "name": "", "from": "x"}, invalid(BAD_NAME)),
        ({**DAYS, "from": "2024-13-01"}, invalid_date("from")),
        ({**DAYS, "from": "20240501"}, invalid_date("from")),
        ({**DAYS, "from": ""}, invalid_date("from")),
        ({**DAYS, "from": "x", "to": "y"}, invalid_date("from")),
        ({**DAYS, "to": "2024-02-30T00:00:00Z"}, invalid_date("to")),
        ({**DAYS, "from": "9999-12-01", "to": "9999-12-31"}, {}),  # UTC has room for it
    ],
)
def test_overview_parameters(
    rest_client: TestClient, headers: dict[str, str], query: dict[str, str], body: dict
) -> None:
    response = rest_client.get(OVERVIEW, params=query, headers=headers)
    if body:
        check(response, 400, body)
    else:
        assert response.status_code == 200


def test_database_down_is_503(caplog: pytest.LogCaptureFixture) -> None:
    server = EmbeddedServer()
    url = server.start()
    try:
        with MongoClient(url) as client:
            headers = add_manager(client.get_default_database())
        quick = url + "&serverSelectionTimeoutMS=500"
        with serve(quick, max_time_ms=1000, operations=Operations(cache_seconds=0)) as app:
            assert app.get(LISTS[0], params=RANGE, headers=headers).status_code == 200
            server.stop()
            caplog.clear()
            unreachable = {"success": False, "error": "The database is unreachable."}
            check(app.get(LISTS[0], params=RANGE, headers=headers), 503, unreachable)
            check(app.get(OVERVIEW, params=DAYS, headers=headers), 503, unreachable)
        # One warning per request for the operator, none at ERROR.
        warnings = [
            (r.name, r.levelname)
            for r in caplog.records
            if r.levelno >= logging.WARNING and r.name != "omnigate.request"
        ]
        assert warnings == [("omnigate.http", "WARNING")] * 2  # one per request
    finally:
        server.stop()


def test_unexpected_errors_are_logged_500s(
    rest_client: TestClient,
    headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(overview_module, "overview", broken)
    with caplog.at_level(logging.ERROR, logger="omnigate.http"):
        response = rest_client.get(
            OVERVIEW, params=DAYS, headers={**headers, "X-Request-Id": "req-42"}
        )
    check(
        response, 500, {"success": False, "error": "Internal server error", "requestId": "req-42"}
    )
    assert response.headers["X-Request-Id"] == "req-42"
    # logged once: the request's own line (http.request_log) carries the id and the stack
    assert [r for r in caplog.records if r.name == "omnigate.http"] == []
    [line] = [r for r in caplog.records if r.name == "omnigate.request"]
    assert line.levelname == "ERROR" and line.fields["request_id"] == "req-42"  # type: ignore[attr-defined]
    assert line.exc_info is not None and "boom" in str(line.exc_info[1])
