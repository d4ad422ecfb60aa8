"""The GraphQL schema of SPEC §3: types, inputs, connections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any

import dateutil.parser
import strawberry
from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as create_alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as create_depth_validator
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext
from strawberry.types.scalar import ScalarDefinition

from omnigate.config import Limits
from omnigate.errors import LimitExceeded, OmnigateError
from omnigate.resolvers.plain import PlainExecutionContext
from omnigate.schema.errors import ErrorContract
from omnigate.schema.query import Query
from omnigate.schema.types import Department

LIMIT_CODE = LimitExceeded.code  # the code of every limit refusal ("BAD_USER_INPUT")


def _limit_error(error: GraphQLError, message: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        extensions={"code": LIMIT_CODE},
    )


class _Relabelled:
    """A ``ValidationContext`` whose ``report_error`` rewrites the message first."""

    def __init__(self, context: ValidationContext, message: str) -> None:
        self._context = context
        self._message = message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(_limit_error(error, self._message))


def _relabelled(rules: list[type[ValidationRule]], message: str) -> list[type[ValidationRule]]:
    """Strawberry's limit rules (which do all their work in ``__init__``), reporting
    ``message`` (naming the limit and its environment variable) instead of their own."""

    def wrap(rule: type[ValidationRule]) -> type[ValidationRule]:
        class Relabelled(ValidationRule):
            def __init__(self, context: ValidationContext) -> None:
                super().__init__(context)
                rule(_Relabelled(context, message))  # type: ignore[arg-type]

        return Relabelled

    return [wrap(rule) for rule in rules]


def limit_rules(limits: Limits) -> list[type[ValidationRule]]:
    """The depth and alias rules of strawberry's limiters, reporting messages that name
    the limit and its variable. Built once per schema: ``ValidationCache`` keys on the
    rule classes, so a class made per request (as ``QueryDepthLimiter(...)`` in a per-request
    factory does) would make every request miss the cache."""
    depth = create_depth_validator(limits.max_depth, None)
    aliases = create_alias_validator(limits.max_aliases)
    return [
        *_relabelled(
            [depth],
            f"The query is nested deeper than the limit of {limits.max_depth} levels "
            "(OMNIGATE_MAX_DEPTH): ask for fewer nested fields.",
        ),
        *_relabelled(
            [aliases],
            f"The query uses more aliases than the limit of {limits.max_aliases} "
            "(OMNIGATE_MAX_ALIASES): split it into several requests.",
        ),
    ]


class TokenLimit(MaxTokensLimiter):
    """``MaxTokensLimiter`` whose refusal (a syntax error of the parser, which reaches the
    operation hook as an exception when ``ParserCache`` parses) names ``OMNIGATE_MAX_TOKENS``."""

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_token_count
        try:
            yield
        except GraphQLError as error:
            if f"Document contains more than {self.max_token_count} tokens." not in error.message:
                raise
            raise _limit_error(
                error,
                f"The query has more than {self.max_token_count} tokens, the limit "
                "(OMNIGATE_MAX_TOKENS): send a shorter document (use variables and fragments).",
            ) from None


# DateTime values must survive a shift by any reporting timezone (offsets up to ±23:59)
# and the conversion to UTC: one day away from the ends of Python's datetime range.
MIN_DATETIME = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
MAX_DATETIME = dt.datetime(9999, 12, 30, 23, 59, 59, 999000, tzinfo=dt.UTC)
DATETIME_BOUNDS = ("0001-01-02T00:00:00Z", "9999-12-30T23:59:59.999Z")


def _parse_datetime(value: object) -> dt.datetime:
    """Strawberry's ``DateTime`` parsing (ISO-8601), limited to instants the gateway can
    shift into any timezone."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". Expected a string.'
        )
    try:
        parsed = dateutil.parser.isoparse(value)
    except ValueError as exc:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". {exc}'
        ) from None
    try:
        utc = parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
        within = MIN_DATETIME <= utc <= MAX_DATETIME
    except OverflowError:
        within = False
    if not within:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". It must lie between '
            f"{DATETIME_BOUNDS[0]} and {DATETIME_BOUNDS[1]}."
        )
    return parsed


DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=dt.datetime.isoformat,
    parse_value=_parse_datetime,
    parse_literal=None,
    origin=dt.datetime,
)


class _Schema(strawberry.Schema):
    """Strawberry's schema, without its ERROR log (and traceback) for every error.

    Client mistakes (syntax, validation, bad input, limits) are not server errors, and
    ``ErrorContract`` logs unexpected field errors itself, once, with the request id; only
    an unexpected error outside any field (which it cannot see) is left to strawberry."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            error
            for error in errors
            if error.original_error is not None
            and error.path is None
            and not isinstance(error.original_error, OmnigateError | StrawberryInputCoercionError)
        ]
        super().process_errors(unexpected, execution_context)


def create_schema(limits: Limits) -> strawberry.Schema:
    """The schema with the abuse limits of ``limits`` (extensions are per-request factories);
    prefetched metric fields are completed as plain data (see ``resolvers.plain``)."""
    return _Schema(
        query=Query,
        types=[Department],
        config=StrawberryConfig(relay_max_results=limits.max_page_size),
        scalar_overrides={dt.datetime: DATETIME},
        extensions=[
            ErrorContract,
            partial(AddValidationRules, limit_rules(limits)),
            partial(TokenLimit, max_token_count=limits.max_tokens),
            partial(ParserCache, maxsize=256),
            partial(ValidationCache, maxsize=256),
        ],
        execution_context_class=PlainExecutionContext,
    )


schema = create_schema(Limits())
