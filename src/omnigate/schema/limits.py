"""The abuse limits of a GraphQL request: depth, aliases and tokens, refused with messages
that name the limit and its ``OMNIGATE_MAX_*`` variable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.extensions import MaxTokensLimiter
from strawberry.extensions.max_aliases import create_validator as create_alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as create_depth_validator

from omnigate.config import Limits
from omnigate.errors import LimitExceeded

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
