"""Domain errors as HTTP responses (exact SPEC §5 bodies) and unexpected errors' logging."""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Message
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError

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
from omnigate.http.boundary import ErrorBoundary
from omnigate.http.errors import (
    graphql_error_response,
    internal_error_response,
    log_unexpected,
    request_id,
    rest_error_response,
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


@pytest.mark.parametrize(
    ("graphql", "body"),
    [
        (
            True,
            {
                "errors": [
                    {
                        "message": "Internal server error",
                        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "r-1"},
                    }
                ]
            },
        ),
        (False, {"success": False, "error": "Internal server error", "requestId": "r-1"}),
    ],
)
def test_internal_error_bodies(graphql: bool, body: object) -> None:
    response = internal_error_response("r-1", graphql=graphql)
    assert decoded(response) == (500, body)
    assert response.headers["x-request-id"] == "r-1"


async def crash(request: Request) -> Response:
    raise KeyError("secret detail")


async def stream(request: Request) -> Response:
    """Two chunks, then (``?fail``) an exception in the middle of the streamed body."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b"first "
        if "fail" in request.query_params:
            raise KeyError("secret detail")
        yield b"second"

    return StreamingResponse(chunks())


async def read_body(request: Request) -> Response:
    return Response(await request.body())


# As in ``create_app``: the boundary is the outermost of the application's middleware.
BOUNDED = Starlette(
    routes=[
        Route("/api/v1/broken", crash),
        Route("/graphql", crash, methods=["POST"]),
        Route("/stream", stream),
        Route("/echo", read_body, methods=["POST"]),
    ],
    middleware=[Middleware(ErrorBoundary)],
)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/broken", {"success": False, "error": "Internal server error"}),
        ("POST", "/graphql", {"errors": [{"message": "Internal server error"}]}),
    ],
)
def test_the_boundary_answers_json_500s_and_logs_once(
    caplog: pytest.LogCaptureFixture, method: str, path: str, body: dict[str, Any]
) -> None:
    with TestClient(BOUNDED) as client:
        response = client.request(method, path, headers={"X-Request-Id": "abc123"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "abc123"
    assert "secret detail" not in response.text
    if "errors" in body:
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": "abc123"}
        body["errors"][0]["extensions"] = extensions
    else:
        body["requestId"] = "abc123"
    assert response.json() == body
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR and "abc123" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)


def test_the_boundary_sets_the_request_id_on_every_response() -> None:
    with TestClient(BOUNDED) as client:
        response = client.post("/echo", content=b"hello")
        streamed = client.get("/stream")
    assert (response.status_code, response.text) == (200, "hello")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    assert (streamed.status_code, streamed.text) == (200, "first second")
    assert streamed.headers["x-request-id"] != response.headers["x-request-id"]


def test_an_error_after_the_response_started_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing can be answered any more: the started response is left incomplete."""
    with TestClient(BOUNDED) as client:
        response = client.get("/stream?fail", headers={"X-Request-Id": "abc123"})
    assert (response.status_code, response.text) == (200, "first ")
    assert response.headers["x-request-id"] == "abc123"
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)


async def test_a_client_that_went_away_is_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/echo",
        "headers": [],
        "query_string": b"",
        "server": ("testserver", 80),
        "scheme": "http",
    }
    with caplog.at_level(logging.DEBUG, logger="omnigate"):
        await BOUNDED(scope, receive, send)
    assert sent == []
    [record] = caplog.records
    assert record.levelno == logging.INFO and "disconnected" in record.getMessage()


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


class FailingValidation(SchemaExtension):
    """An extension raising ``failure`` outside any field (as a bug in one would)."""

    failure: Exception = RuntimeError("secret detail")

    def on_validate(self) -> Iterator[None]:
        raise self.failure
        yield


schema = strawberry.Schema(Query, extensions=[ErrorContract])


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ("{ boom }", None, "Internal server error"),
        ("{ bad }", None, "first must be at most 100"),
        ('{ on(day: "nope") }', None, "Value cannot represent a DateTime"),
        ("query ($d: DateTime!) { on(day: $d) }", {"d": "nope"}, "Variable '$d' has invalid value"),
        ("query ($d: DateTime!) { on(day: $d) }", {}, "Variable '$d' has invalid value"),
        ("{ nothing }", None, "Cannot query field 'nothing'"),
        ("{ on(", None, "Syntax Error"),
    ],
)
def test_only_unexpected_resolver_errors_are_masked(
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, str] | None,
    message: str,
) -> None:
    result = schema.execute_sync(query, variable_values=variables)
    assert result.errors is not None
    [error] = result.errors
    assert error.message.startswith(message)
    code = (error.extensions or {}).get("code")
    assert code == {"{ boom }": "INTERNAL_SERVER_ERROR", "{ bad }": "BAD_USER_INPUT"}.get(query)
    # Strawberry's own ERROR log of every error is silenced: only the unexpected one is logged.
    logged = [r.levelname for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged == (["ERROR"] if query == "{ boom }" else [])


@pytest.mark.parametrize("execute", ["sync", "async"])
async def test_an_unexpected_error_outside_any_field_is_masked(
    caplog: pytest.LogCaptureFixture, execute: str
) -> None:
    failing = strawberry.Schema(Query, extensions=[ErrorContract, FailingValidation])
    if execute == "sync":
        result = failing.execute_sync("{ bad }")
    else:
        result = await failing.execute("{ bad }")
    assert result.data is None and result.errors is not None
    [error] = result.errors
    assert error.message == "Internal server error" and error.path is None
    assert error.extensions is not None and error.extensions["code"] == "INTERNAL_SERVER_ERROR"
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.name == "omnigate.graphql" and record.levelno == logging.ERROR
    assert error.extensions["requestId"] in record.getMessage()
    assert "the operation" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


def test_a_domain_error_outside_any_field_keeps_its_message() -> None:
    class LimitInValidation(FailingValidation):
        failure = LimitExceeded("too many")

    limited = strawberry.Schema(Query, extensions=[ErrorContract, LimitInValidation])
    [error] = limited.execute_sync("{ bad }").errors or []
    assert (error.message, error.extensions) == ("too many", {"code": "BAD_USER_INPUT"})


def test_strawberrys_refusals_of_the_request_pass_through() -> None:
    """Strawberry's view answers them with an HTTP 400 of its own."""
    with pytest.raises(CannotGetOperationTypeError):
        schema.execute_sync("{ bad }", operation_name="Nope")
