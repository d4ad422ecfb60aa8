"""Authenticating an HTTP request from its ``X-User-Id`` / ``X-Auth-Token`` headers."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from omnigate.auth.authenticator import Authenticator
from omnigate.auth.principal import Principal

USER_ID_HEADER = "X-User-Id"
AUTH_TOKEN_HEADER = "X-Auth-Token"


async def authenticate_request(
    connection: HTTPConnection, authenticator: Authenticator
) -> Principal:
    """The caller of ``connection`` (header names are case-insensitive).

    Raises ``Unauthenticated``, then ``Forbidden``; database trouble stays ``ServiceUnavailable``.
    """
    headers = connection.headers
    return await authenticator.authenticate(
        headers.get(USER_ID_HEADER), headers.get(AUTH_TOKEN_HEADER)
    )
