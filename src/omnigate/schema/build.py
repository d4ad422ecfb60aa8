"""Building the schema: types, limits, the error contract, caches, the execution context."""

from __future__ import annotations

import datetime as dt
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext

from omnigate.config import Limits
from omnigate.errors import OmnigateError
from omnigate.internals import PlainExecutionContext
from omnigate.schema.agents import Agent
from omnigate.schema.errors import ErrorContract
from omnigate.schema.limits import TokenLimit, limit_rules
from omnigate.schema.query import Query
from omnigate.schema.scalars import DATETIME
from omnigate.schema.subscription import Subscription
from omnigate.schema.types import Department


class _Schema(strawberry.Schema):
    """Strawberry's schema, passing to its ERROR log only unexpected errors outside any
    field (which ``schema/errors.py`` then filters, as ``ErrorContract`` logs them with the
    request id). Client mistakes (syntax, validation, bad input, limits) are not server
    errors and never reach it."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            error
            for error in errors
            if error.original_error is not None
            and error.path is None
            # a GraphQLError as the original: graphql-core coercing a variable (an enum value)
            and not isinstance(
                error.original_error,
                OmnigateError | StrawberryInputCoercionError | GraphQLError,
            )
        ]
        super().process_errors(unexpected, execution_context)


def create_schema(limits: Limits) -> strawberry.Schema:
    """The schema with the abuse limits of ``limits`` (extensions are per-request factories);
    prefetched metric fields are completed as plain data (see ``omnigate.internals``)."""
    return _Schema(
        query=Query,
        subscription=Subscription,
        types=[Department, Agent],
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
