"""What every REST endpoint shares: authentication first, orjson bodies, Rocket.Chat's errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omnigate.auth import Principal, authenticate_request
from omnigate.errors import OmnigateError, ServiceUnavailable
from omnigate.http.errors import log_unavailable, rest_error_response
from omnigate.http.state import app_state

BASE_PATH = "/api/v1/livechat/analytics"

Handler = Callable[[Request, Principal], Awaitable[Any]]
Endpoint = Callable[[Request], Awaitable[Response]]


class ORJSONResponse(JSONResponse):
    """``application/json`` encoded by orjson (keys keep their insertion order)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def rest_endpoint(handler: Handler) -> Endpoint:
    """``handler`` behind the checks of SPEC §5: authentication, then permission, then
    whatever the handler validates. Domain errors answer with Rocket.Chat's bodies (401,
    403, 400, 503); anything else is left to ``ErrorBoundary`` (a logged 500)."""

    async def endpoint(request: Request) -> Response:
        try:
            principal = await authenticate_request(request, app_state(request).authenticator)
            return ORJSONResponse(await handler(request, principal))
        except OmnigateError as exc:
            if isinstance(exc, ServiceUnavailable):
                log_unavailable(exc, request)
            return rest_error_response(exc)

    return endpoint
