"""Domain errors shared by the GraphQL schema and the REST endpoints.

Each carries the GraphQL ``extensions.code`` it maps to; the HTTP layers translate them
into status codes and Rocket.Chat's error bodies.
"""

from __future__ import annotations


class OmnigateError(Exception):
    """Base class of the errors a client is allowed to see."""

    code = "INTERNAL_SERVER_ERROR"

    @property
    def extensions(self) -> dict[str, str]:
        """What a GraphQL error wrapping this one shows under ``extensions`` (graphql-core
        adopts it), so that the code survives where no schema extension sees the error
        (a subscription refused before its first event)."""
        return {"code": self.code}


class BadUserInput(OmnigateError):
    """An argument value is invalid; the message says what to fix."""

    code = "BAD_USER_INPUT"


class Unauthenticated(OmnigateError):
    """Missing or bad credentials (HTTP 401)."""

    code = "UNAUTHENTICATED"


class Forbidden(OmnigateError):
    """Authenticated, but without the ``view-livechat-manager`` permission (HTTP 403)."""

    code = "FORBIDDEN"


class LimitExceeded(BadUserInput):
    """A request exceeds one of the configured abuse limits."""


class ServiceUnavailable(OmnigateError):
    """The database is unreachable or did not answer within the configured time."""

    code = "SERVICE_UNAVAILABLE"


class MissingParam(BadUserInput):
    """A required REST query parameter is absent (Rocket.Chat's ajv wording)."""

    def __init__(self, param: str) -> None:
        super().__init__(f"must have required property '{param}' [invalid-params]")
        self.param = param


class InvalidDate(BadUserInput):
    """A REST date parameter does not parse; Rocket.Chat answers it without ``errorType``."""

    def __init__(self, param: str) -> None:
        super().__init__(f'The "{param}" query parameter must be a valid date.')
        self.param = param
