"""The error contract of GraphQL responses (SPEC §5).

Domain errors keep their message and gain ``extensions.code``; any other exception,
raised while resolving a field or anywhere else in the operation (parsing, validation,
an extension), is logged with the request id and masked as ``"Internal server error"``;
syntax, validation and coercion errors are left exactly as GraphQL reports them.

``ErrorContract`` is the one place GraphQL errors are logged: Strawberry's own log of
every error (``Schema.process_errors``, logger ``strawberry.execution``) would repeat
unexpected errors without the request id and report client mistakes (a missing variable
among them) as ERROR tracebacks, so a filter installed with this module drops it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError, StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from omnigate.errors import OmnigateError, ServiceUnavailable
from omnigate.observability import requests

log = logging.getLogger("omnigate.graphql")

INTERNAL_MESSAGE = "Internal server error"
INTERNAL_CODE = OmnigateError.code

# Refusals of the HTTP request that Strawberry's view itself answers with a 400.
_HTTP_REFUSALS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)
# What a path-less error (the document, the variables) wraps when the client caused it.
_COERCION_ERRORS = (GraphQLError, StrawberryInputCoercionError)


class _DropStrawberryErrorLog(logging.Filter):
    """Drops the records of Strawberry's ``process_errors`` (their message is the error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not isinstance(record.msg, GraphQLError)


logging.getLogger("strawberry.execution").addFilter(_DropStrawberryErrorLog())


class ErrorContract(SchemaExtension):
    """Sets ``extensions.code`` on every error a domain error caused and masks unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except _HTTP_REFUSALS:
            raise
        # Raised out of the operation (parsing, validation, an extension): path-less errors.
        except GraphQLError as error:
            contracted = self._contract(error)
            if contracted is error:
                raise
            raise contracted from error
        except Exception as exc:
            raise self._contract(GraphQLError(str(exc), original_error=exc)) from exc
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
        if original is None or (error.path is None and isinstance(original, _COERCION_ERRORS)):
            return error  # syntax, validation or coercion: GraphQL's own report
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None) or uuid.uuid4().hex
        # the stack goes on the request's log line when there is one (http.request_log)
        noted = requests.note_exception(original)
        log.error(
            "unexpected error in %s (request %s)",
            "the operation" if error.path is None else ".".join(map(str, error.path)),
            request_id,
            exc_info=None if noted else (type(original), original, original.__traceback__),
        )
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": INTERNAL_CODE, "requestId": request_id},
        )


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )
