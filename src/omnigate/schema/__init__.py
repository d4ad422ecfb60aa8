"""The GraphQL schema of SPEC §3: types, inputs, connections."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from omnigate.config import Limits
from omnigate.schema.errors import ErrorContract
from omnigate.schema.query import Query
from omnigate.schema.types import Department


def create_schema(limits: Limits) -> strawberry.Schema:
    """The schema with the abuse limits of ``limits`` (extensions are per-request factories)."""
    return strawberry.Schema(
        query=Query,
        types=[Department],
        config=StrawberryConfig(relay_max_results=limits.max_page_size),
        extensions=[
            ErrorContract,
            partial(QueryDepthLimiter, max_depth=limits.max_depth),
            partial(MaxAliasesLimiter, max_alias_count=limits.max_aliases),
            partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
            partial(ParserCache, maxsize=256),
            partial(ValidationCache, maxsize=256),
        ],
    )


schema = create_schema(Limits())
