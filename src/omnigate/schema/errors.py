"""The error contract of GraphQL responses (SPEC §5).

Domain errors keep their message and gain ``extensions.code``; any other exception
raised while resolving a field is logged with the request id and masked as
``"Internal server error"``; syntax, validation and variable errors are left exactly
as GraphQL reports them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from omnigate.errors import OmnigateError, ServiceUnavailable
from omnigate.observability import requests

log = logging.getLogger("omnigate.graphql")

INTERNAL_MESSAGE = "Internal server error"


class ErrorContract(SchemaExtension):
    """Sets ``extensions.code`` on every field error and masks unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [self._contract(error) for error in result.errors]
            self._log_unavailable(result.errors)

    def _log_unavailable(self, errors: list[GraphQLError]) -> None:
        """One warning per request whose fields met database trouble (client mistakes are
        not logged; this is the operator's business)."""
        for error in errors:
            original = error.original_error
            if isinstance(original, ServiceUnavailable):
                log.warning(
                    "%s (request %s): %r",
                    original,
                    getattr(self.execution_context.context, "request_id", None),
                    original.__cause__,
                )
                return

    def _contract(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, OmnigateError):
            return _with_code(error, original.code)
        if original is None or error.path is None:
            return error  # syntax, validation or variable coercion: GraphQL's own report
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None) or uuid.uuid4().hex
        # the stack goes on the request's log line when there is one (http.request_log)
        noted = requests.note_exception(original)
        log.error(
            "unexpected error in %s (request %s)",
            ".".join(map(str, error.path)),
            request_id,
            exc_info=None if noted else (type(original), original, original.__traceback__),
        )
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )
