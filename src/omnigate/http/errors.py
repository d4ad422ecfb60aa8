"""Domain errors as HTTP responses (Rocket.Chat's REST bodies, GraphQL's shape), the
request id, and the answer to and logging of unexpected errors under that id."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from omnigate.errors import (
    BadUserInput,
    Forbidden,
    InvalidDate,
    OmnigateError,
    ServiceUnavailable,
    Unauthenticated,
)
from omnigate.observability import requests

REST_UNAUTHORIZED_BODY: dict[str, Any] = {
    "status": "error",
    "message": "You must be logged in to do this.",
}
REST_FORBIDDEN_BODY: dict[str, Any] = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}
INTERNAL_ERROR_MESSAGE = "Internal server error"
REQUEST_ID_HEADER = "X-Request-Id"
GRAPHQL_PATH = "/graphql"

_STATUS_BY_CODE = {
    Unauthenticated.code: 401,
    Forbidden.code: 403,
    BadUserInput.code: 400,
    ServiceUnavailable.code: 503,
}
# A client's request id is reused only when it cannot disturb a log line.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_STATE_KEY = "omnigate_request_id"

logger = logging.getLogger("omnigate.http")


def status_for(exc: OmnigateError) -> int:
    """The HTTP status of a domain error (500 for one without a more precise code)."""
    return _STATUS_BY_CODE.get(exc.code, 500)


def rest_error_response(exc: OmnigateError) -> JSONResponse:
    """Rocket.Chat's answer to ``exc`` (SPEC §5): 401, 403, 400 or 503."""
    body: dict[str, Any]
    if isinstance(exc, Unauthenticated):
        body = REST_UNAUTHORIZED_BODY
    elif isinstance(exc, Forbidden):
        body = REST_FORBIDDEN_BODY
    elif isinstance(exc, BadUserInput) and not isinstance(exc, InvalidDate):
        body = {"success": False, "error": str(exc), "errorType": "invalid-params"}
    else:
        body = {"success": False, "error": str(exc)}
    return JSONResponse(body, status_for(exc))


def graphql_error_response(exc: OmnigateError) -> JSONResponse:
    """A request-level GraphQL error (401, 403, 503) with ``extensions.code``."""
    body = {"errors": [{"message": str(exc), "extensions": {"code": exc.code}}]}
    return JSONResponse(body, status_for(exc))


def request_id(connection: HTTPConnection) -> str:
    """The request's id: a sane ``X-Request-Id`` header, else a random one (stable per request)."""
    state = connection.scope.setdefault("state", {})
    if _STATE_KEY not in state:
        given = connection.headers.get(REQUEST_ID_HEADER, "")
        state[_STATE_KEY] = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return state[_STATE_KEY]


def log_unexpected(exc: BaseException, connection: HTTPConnection) -> str:
    """Log ``exc`` with its traceback and the request id, once: on the request's log line
    when there is one (``http.request_log``), else here; return the id for the client."""
    rid = request_id(connection)
    if not requests.note_exception(exc):
        method = connection.scope.get("method", "-")
        logger.error(
            "Unexpected error on %s %s [request_id=%s]",
            method,
            connection.url.path,
            rid,
            exc_info=exc,
        )
    return rid


def log_unavailable(exc: ServiceUnavailable, connection: HTTPConnection) -> None:
    """One warning for the operator: the database failed a request (and pymongo's error)."""
    logger.warning("%s (request %s): %r", exc, request_id(connection), exc.__cause__)


def internal_error_response(rid: str, *, graphql: bool) -> JSONResponse:
    """The answer to an unexpected error, naming the request id found in the log (also in
    the ``X-Request-Id`` header): GraphQL-shaped on ``/graphql``, else Rocket.Chat's shape."""
    body: dict[str, Any]
    if graphql:
        extensions = {"code": OmnigateError.code, "requestId": rid}
        body = {"errors": [{"message": INTERNAL_ERROR_MESSAGE, "extensions": extensions}]}
    else:
        body = {"success": False, "error": INTERNAL_ERROR_MESSAGE, "requestId": rid}
    return JSONResponse(body, 500, headers={REQUEST_ID_HEADER: rid})
