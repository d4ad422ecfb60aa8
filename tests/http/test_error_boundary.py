"""One error boundary (SPEC §5), over HTTP against the whole app and a real database.

Client mistakes are answered with their precise errors and never logged at WARNING or
above; an unexpected exception anywhere (authentication, the GraphQL view, a REST handler,
a health check, the body-limit middleware, a database refusal) is a JSON answer naming
the request id (the ``X-Request-Id`` header too) and one ERROR record with the traceback.
Failures are injected by monkeypatching omnigate's own code; MongoDB is never mocked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure
from starlette.testclient import TestClient

from omnigate.auth import Authenticator
from omnigate.config import Limits, Settings
from omnigate.db import Store
from omnigate.http.app import create_app
from omnigate.http.graphql import GraphQLView
from omnigate.http.limits import BodySizeLimit
from omnigate.metrics import overview as overview_metrics
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.conftest import mongo_url

DB = "http_error_boundary"
MANAGER = {"X-User-Id": "manager", "X-Auth-Token": "tok-manager"}
AGENT = {"X-User-Id": "agent", "X-Auth-Token": "tok-agent"}
LIMITS = Limits(max_depth=3, max_aliases=3, max_tokens=60, max_body_bytes=2048)
MAY = {"start": "2026-05-01T00:00:00Z", "end": "2026-05-31T23:59:59Z"}
OVERVIEW_QUERY = "query($r: DateRange!) { overview(range: $r) { conversations { total } } }"
REST_OVERVIEW = "/api/v1/livechat/analytics/overview"
REST_DAYS = {"name": "Conversations", "from": "2026-05-01", "to": "2026-05-31"}
INTERNAL = "Internal server error"


@pytest.fixture(scope="module")
def client(sync_client: MongoClient, mongo_port: int) -> Iterator[TestClient]:
    """The whole app (small limits) over a manager, an agent, two departments and rooms."""
    sync_client.drop_database(DB)
    db = sync_client[DB]
    set_permission(db, RC_DEFAULT_ROLES)
    add_user(db, "manager", roles=("user", "livechat-manager"))
    add_user(db, "agent", roles=("user", "livechat-agent"))
    db.rocketchat_livechat_department.insert_many(
        [{"_id": "d1", "name": "Sales"}, {"_id": "d2", "name": "Support"}]
    )
    db.rocketchat_room.insert_many(
        {"_id": f"r{i}", "t": "l", "ts": datetime(2026, 5, 1 + i, 9, tzinfo=UTC), "msgs": 2}
        for i in range(10)
    )
    settings = Settings(mongo_url=mongo_url(mongo_port, DB), limits=LIMITS)
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    sync_client.drop_database(DB)


def graphql(
    client: TestClient, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    headers = {**MANAGER, **kwargs.pop("headers", {})}
    payload = {"query": query, "variables": variables, **kwargs}
    return client.post("/graphql", json=payload, headers=headers)


def serious(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def mistake(name: str, method: str, path: str, status: int, codes: Any, **kwargs: Any) -> Any:
    """A bad request (as the manager unless ``headers`` says otherwise) and its answer:
    the status and the ``extensions.code`` of each GraphQL error (``None``: REST)."""
    return pytest.param(method, path, kwargs, status, codes, id=name)


def graphql_mistake(
    name: str, query: str, variables: dict[str, Any] | None, codes: list[str | None]
) -> Any:
    """A document GraphQL refuses (HTTP 200) with ``codes``."""
    payload = {"query": query, "variables": variables}
    return mistake(name, "POST", "/graphql", 200, codes, json=payload)


RANGED = "query($r: DateRange!) { overview(range: $r) { timezone } }"
BAD = "BAD_USER_INPUT"
TYPENAME = {"query": "{ __typename }"}
DEEP = "query($r: DateRange!) { departments { edges { node { totalServiceTime(range: $r) "
BAD_TZ = 'query($r: DateRange!) { overview(range: $r, timezone: "Mars/Olympus") { timezone } }'
ALIASES = "{ a: __typename b: __typename c: __typename d: __typename }"
REVERSED = {"r": {"start": MAY["end"], "end": MAY["start"]}}
BIG = b" " * 4096


@pytest.mark.parametrize(
    ("method", "path", "request_kwargs", "status", "expected_codes"),
    [
        graphql_mistake("bad syntax", "{ departments {", None, [None]),
        graphql_mistake("unknown field", "{ nothing }", None, [None]),
        graphql_mistake("bad variable", RANGED, {"r": {"start": "x", "end": 3}}, [None, None]),
        graphql_mistake("missing variable", RANGED, {}, [None]),
        graphql_mistake("variable type", RANGED.replace("DateRange!", "Int"), None, [None]),
        graphql_mistake(
            "bad literal", '{ overview(range: {start: "x"}) { timezone } }', None, [None, None]
        ),
        graphql_mistake("start after end", RANGED, REVERSED, [BAD]),
        graphql_mistake("unknown timezone", BAD_TZ, {"r": MAY}, [BAD]),
        graphql_mistake("bad cursor", '{ departments(after: "!") { totalCount } }', None, [BAD]),
        graphql_mistake(
            "page too large", "{ departments(first: 101) { totalCount } }", None, [BAD]
        ),
        graphql_mistake("too deep", DEEP + "{ chats } } } } }", {"r": MAY}, [BAD]),
        graphql_mistake("too many aliases", ALIASES, None, [BAD]),
        graphql_mistake("too many tokens", "{ " + "__typename " * 60 + "}", None, [BAD]),
        mistake("no query", "POST", "/graphql", 400, [BAD], json={"query": ""}),
        mistake(
            "unknown operation",
            "POST",
            "/graphql",
            400,
            [BAD],
            json={**TYPENAME, "operationName": "X"},
        ),
        mistake(
            "not JSON",
            "POST",
            "/graphql",
            400,
            [BAD],
            content=b"{",
            headers={**MANAGER, "content-type": "application/json"},
        ),
        mistake("body too large", "POST", "/graphql", 413, [BAD], content=BIG),
        mistake(
            "no credentials",
            "POST",
            "/graphql",
            401,
            ["UNAUTHENTICATED"],
            json=TYPENAME,
            headers={},
        ),
        mistake(
            "bad token",
            "POST",
            "/graphql",
            401,
            ["UNAUTHENTICATED"],
            json=TYPENAME,
            headers={**MANAGER, "X-Auth-Token": "x"},
        ),
        mistake(
            "no permission", "POST", "/graphql", 403, ["FORBIDDEN"], json=TYPENAME, headers=AGENT
        ),
        mistake(
            "REST no credentials", "GET", REST_OVERVIEW, 401, None, params=REST_DAYS, headers={}
        ),
        mistake(
            "REST no permission", "GET", REST_OVERVIEW, 403, None, params=REST_DAYS, headers=AGENT
        ),
        mistake("REST missing parameter", "GET", REST_OVERVIEW, 400, None),
        mistake(
            "REST bad date", "GET", REST_OVERVIEW, 400, None, params={**REST_DAYS, "from": "x"}
        ),
        mistake(
            "REST bad value", "GET", REST_OVERVIEW, 400, None, params={**REST_DAYS, "name": "x"}
        ),
        mistake("REST body too large", "GET", REST_OVERVIEW, 413, None, content=BIG),
    ],
)
def test_client_mistakes_are_not_logged_as_warnings_or_errors(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    request_kwargs: dict[str, Any],
    status: int,
    expected_codes: list[str | None] | None,
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.request(method, path, **{"headers": MANAGER, **request_kwargs})
    assert response.status_code == status
    body = response.json()
    if expected_codes is not None:
        assert [e.get("extensions", {}).get("code") for e in body["errors"]] == expected_codes
    else:
        assert "requestId" not in body
    assert serious(caplog) == []


def _raise(*args: object, **kwargs: object) -> Any:
    raise RuntimeError("secret detail")


async def _raise_async(*args: object, **kwargs: object) -> Any:
    raise RuntimeError("secret detail")


@pytest.mark.parametrize(
    ("owner", "name", "failure", "method", "path"),
    [
        (Authenticator, "authenticate", _raise_async, "POST", "/graphql"),
        (GraphQLView, "get_context", _raise_async, "POST", "/graphql"),
        (Authenticator, "authenticate", _raise_async, "GET", REST_OVERVIEW),
        (Store, "ping", _raise_async, "GET", "/readyz"),
        (BodySizeLimit, "_declared_length", staticmethod(_raise), "POST", "/graphql"),
        (BodySizeLimit, "_declared_length", staticmethod(_raise), "GET", REST_OVERVIEW),
    ],
    ids=["graphql-auth", "graphql-view", "rest-auth", "health", "body-limit", "rest-body-limit"],
)
def test_an_unexpected_exception_anywhere_is_a_logged_json_500(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    owner: type,
    name: str,
    failure: Any,
    method: str,
    path: str,
) -> None:
    monkeypatch.setattr(owner, name, failure)
    if path == "/graphql":
        response = graphql(client, OVERVIEW_QUERY, {"r": MAY})
    else:
        response = client.request(method, path, params=REST_DAYS, headers=MANAGER)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    rid = response.headers["x-request-id"]
    if path == "/graphql":
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": rid}
        assert response.json() == {"errors": [{"message": INTERNAL, "extensions": extensions}]}
    else:
        assert response.json() == {"success": False, "error": INTERNAL, "requestId": rid}
    assert "secret detail" not in response.text
    [record] = serious(caplog)
    # one line for the request (http.request_log), carrying the id and the stack
    assert (record.name, record.levelno) == ("omnigate.request", logging.ERROR)
    assert record.fields["request_id"] == rid and path in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "Traceback" in caplog.text


def test_a_client_request_id_names_the_error(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Authenticator, "authenticate", _raise_async)
    response = graphql(client, "{ __typename }", headers={"X-Request-Id": "req-42"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-42"
    assert response.json()["errors"][0]["extensions"]["requestId"] == "req-42"
    [record] = serious(caplog)
    assert record.fields["request_id"] == "req-42"


def test_every_response_carries_the_request_id(client: TestClient) -> None:
    assert graphql(client, "{ __typename }").headers["x-request-id"]
    given = client.get("/healthz", headers={"X-Request-Id": "req-7"})
    assert given.headers["x-request-id"] == "req-7"


def test_a_pipeline_the_database_rejects_is_masked_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real refusal by the server (an unknown stage): a bug, never the client's fault."""
    monkeypatch.setattr(overview_metrics, "overview_pipeline", lambda *args: [{"$bogus": {}}])
    response = graphql(client, OVERVIEW_QUERY, {"r": MAY})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    rid = error["extensions"]["requestId"]
    assert error["message"] == INTERNAL and error["path"] == ["overview"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": rid}
    assert response.headers["x-request-id"] == rid
    assert "bogus" not in response.text

    rest = client.get(REST_OVERVIEW, params=REST_DAYS, headers=MANAGER)
    assert rest.status_code == 500
    assert rest.json() == {
        "success": False,
        "error": INTERNAL,
        "requestId": rest.headers["x-request-id"],
    }

    # the field's line names its path; each request's line carries the id and the stack
    field_record, graphql_record, rest_record = serious(caplog)
    assert (field_record.name, field_record.levelno) == ("omnigate.graphql", logging.ERROR)
    assert rid in field_record.getMessage() and "overview" in field_record.getMessage()
    for record, request_id in [
        (graphql_record, rid),
        (rest_record, rest.headers["x-request-id"]),
    ]:
        assert (record.name, record.levelno) == ("omnigate.request", logging.ERROR)
        assert record.fields["request_id"] == request_id
        assert record.exc_info is not None and isinstance(record.exc_info[1], OperationFailure)
