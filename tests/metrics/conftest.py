"""Fixtures of the metric tests: a ``Store`` over the test's own empty database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pymongo.database import Database

from omnigate.db import Store


@pytest.fixture
def store(fresh_db: Database, store_for: Callable[[Database], Store]) -> Store:
    return store_for(fresh_db)


@pytest.fixture
def no_query_store(store: Store) -> Store:
    """A store that fails on any aggregation: proves that a function did not query."""
    return store.with_budget(0)
