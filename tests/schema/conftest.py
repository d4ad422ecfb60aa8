"""Fixtures of the schema tests: ``schema.execute`` with a real context over ``fresh_db``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from pymongo.database import Database
from strawberry.types import ExecutionResult

from omnigate.auth import Principal
from omnigate.config import Settings
from omnigate.context import Context
from omnigate.db import Store
from omnigate.schema import schema
from omnigate.scope import UNRESTRICTED

DEFAULT_SETTINGS = Settings()
MANAGER = Principal(
    user_id="manager",
    username="manager",
    utc_offset=-3,
    roles=("livechat-manager",),
    scope=UNRESTRICTED,
)


class Execute(Protocol):
    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        principal: Principal = ...,
        settings: Settings = ...,
        store: Store | None = ...,
        now: datetime | None = ...,
    ) -> Awaitable[ExecutionResult]: ...


@pytest.fixture
def store(fresh_db: Database, store_for: Callable[[Database], Store]) -> Store:
    return store_for(fresh_db)


def executor(default_store: Store) -> Execute:
    """``schema.execute`` with a real context over ``default_store``, as ``principal``."""

    async def run(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        principal: Principal = MANAGER,
        settings: Settings = DEFAULT_SETTINGS,
        store: Store | None = None,
        now: datetime | None = None,
    ) -> ExecutionResult:
        context = Context(
            store=(store or default_store).with_budget(settings.limits.max_aggregations),
            settings=settings,
            principal=principal,
            request_id="test",
            now=now or datetime.now(UTC),
        )
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run


@pytest.fixture
def execute(store: Store) -> Execute:
    return executor(store)


def codes(result: ExecutionResult) -> list[str | None]:
    """The ``extensions.code`` of each error of ``result``."""
    return [(error.extensions or {}).get("code") for error in result.errors or []]
