"""Authenticating an HTTP request from its ``X-User-Id`` / ``X-Auth-Token`` headers."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from omnigate.auth.authenticator import Authenticator
from omnigate.auth.principal import Principal
from omnigate.errors import Forbidden, Unauthenticated
from omnigate.observability import instruments, requests

USER_ID_HEADER = "X-User-Id"
AUTH_TOKEN_HEADER = "X-Auth-Token"


async def authenticate_request(
    connection: HTTPConnection, authenticator: Authenticator
) -> Principal:
    """The caller of ``connection`` (header names are case-insensitive).

    Raises ``Unauthenticated``, then ``Forbidden``; database trouble stays ``ServiceUnavailable``.
    Refusals are counted; the caller's user id goes to the request's log line.
    """
    headers = connection.headers
    try:
        principal = await authenticator.authenticate(
            headers.get(USER_ID_HEADER), headers.get(AUTH_TOKEN_HEADER)
        )
    except Unauthenticated:
        instruments.AUTH_FAILURES.labels("unauthenticated").inc()
        raise
    except Forbidden:
        instruments.AUTH_FAILURES.labels("forbidden").inc()
        requests.note_user(headers.get(USER_ID_HEADER, ""))
        raise
    requests.note_user(principal.user_id)
    return principal
