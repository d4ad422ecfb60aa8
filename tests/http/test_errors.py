"""Domain errors as HTTP responses (exact SPEC §5 bodies) and unexpected errors' logging."""

from __future__ import annotations

import datetime
import json
import logging
import re
from typing import Any

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from omnigate.errors import (
    BadUserInput,
    Forbidden,
    InvalidDate,
    LimitExceeded,
    MissingParam,
    OmnigateError,
    ServiceUnavailable,
    Unauthenticated,
)
from omnigate.http.errors import (
    graphql_error_response,
    log_unexpected,
    request_id,
    rest_error_response,
    rest_exception_response,
)
from omnigate.schema.errors import ErrorContract

FORBIDDEN = "User does not have the permissions required for this action [error-unauthorized]"


def decoded(response: JSONResponse) -> tuple[int, Any]:
    assert response.media_type == "application/json"
    return response.status_code, json.loads(bytes(response.body))


def request(headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": "/api/x", "headers": raw})


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            Unauthenticated("anything"),
            401,
            {"status": "error", "message": "You must be logged in to do this."},
        ),
        (Forbidden("anything"), 403, {"success": False, "error": FORBIDDEN}),
        (
            MissingParam("start"),
            400,
            {
                "success": False,
                "error": "must have required property 'start' [invalid-params]",
                "errorType": "invalid-params",
            },
        ),
        (
            InvalidDate("start"),
            400,
            {"success": False, "error": 'The "start" query parameter must be a valid date.'},
        ),
        (
            InvalidDate("to"),
            400,
            {"success": False, "error": 'The "to" query parameter must be a valid date.'},
        ),
        (
            BadUserInput("count must be between 1 and 100"),
            400,
            {
                "success": False,
                "error": "count must be between 1 and 100",
                "errorType": "invalid-params",
            },
        ),
        (
            LimitExceeded("too many"),
            400,
            {"success": False, "error": "too many", "errorType": "invalid-params"},
        ),
        (
            ServiceUnavailable("The database is unreachable."),
            503,
            {"success": False, "error": "The database is unreachable."},
        ),
        (OmnigateError("odd"), 500, {"success": False, "error": "odd"}),
    ],
)
def test_rest_error_bodies(error: OmnigateError, status: int, body: object) -> None:
    assert decoded(rest_error_response(error)) == (status, body)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Unauthenticated("You must be logged in to do this."), 401),
        (Forbidden(FORBIDDEN), 403),
        (ServiceUnavailable("The database is unreachable."), 503),
    ],
)
def test_graphql_error_bodies(error: OmnigateError, status: int) -> None:
    assert decoded(graphql_error_response(error)) == (
        status,
        {"errors": [{"message": str(error), "extensions": {"code": error.code}}]},
    )


def test_a_sane_request_id_is_reused_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    req = request({"X-Request-Id": "req-42.a:b_c"})
    with caplog.at_level(logging.ERROR, logger="omnigate.http"):
        rid = log_unexpected(ValueError("boom"), req)
    assert rid == "req-42.a:b_c"
    [record] = caplog.records
    assert "GET /api/x" in record.getMessage() and "req-42.a:b_c" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], ValueError)


@pytest.mark.parametrize(
    "given", [None, "", "has space", "line\nbreak", "x" * 129, "-leading-dash", 'quote"d']
)
def test_other_request_ids_are_replaced_by_a_random_one_stable_per_request(
    given: str | None,
) -> None:
    req = request({} if given is None else {"X-Request-Id": given})
    rid = request_id(req)
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert request_id(req) == rid
    assert request_id(request()) != rid


def test_rest_exception_response(caplog: pytest.LogCaptureFixture) -> None:
    assert decoded(rest_exception_response(MissingParam("name"), request()))[0] == 400
    assert not caplog.records
    response = rest_exception_response(RuntimeError("secret detail"), request())
    rid = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert decoded(response) == (
        500,
        {"success": False, "error": "Internal server error", "requestId": rid},
    )
    assert caplog.records[0].exc_info is not None


def test_rest_500_end_to_end(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(request: Request) -> Response:
        try:
            raise KeyError("secret detail")
        except Exception as exc:
            return rest_exception_response(exc, request)

    with TestClient(Starlette(routes=[Route("/api/v1/broken", broken)])) as client:
        response = client.get("/api/v1/broken", headers={"X-Request-Id": "abc123"})
    assert response.status_code == 500
    assert response.json() == {
        "success": False,
        "error": "Internal server error",
        "requestId": "abc123",
    }
    assert "secret detail" not in response.text
    assert any("abc123" in r.getMessage() for r in caplog.records)


@strawberry.type
class Query:
    @strawberry.field
    def boom(self) -> int:
        raise RuntimeError("secret detail")

    @strawberry.field
    def bad(self) -> int:
        raise BadUserInput("first must be at most 100")

    @strawberry.field
    def on(self, day: datetime.datetime) -> int:
        return day.day


schema = strawberry.Schema(
    Query,
    extensions=[ErrorContract],
)


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ("{ boom }", None, "Internal server error"),
        ("{ bad }", None, "first must be at most 100"),
        ('{ on(day: "nope") }', None, "Value cannot represent a DateTime"),
        ("query ($d: DateTime!) { on(day: $d) }", {"d": "nope"}, "Variable '$d' has invalid value"),
        ("{ nothing }", None, "Cannot query field 'nothing'"),
        ("{ on(", None, "Syntax Error"),
    ],
)
def test_only_unexpected_resolver_errors_are_masked(
    query: str, variables: dict[str, str] | None, message: str
) -> None:
    result = schema.execute_sync(query, variable_values=variables)
    assert result.errors is not None
    [error] = result.errors
    assert error.message.startswith(message)
    code = (error.extensions or {}).get("code")
    assert code == {"{ boom }": "INTERNAL_SERVER_ERROR", "{ bad }": "BAD_USER_INPUT"}.get(query)
