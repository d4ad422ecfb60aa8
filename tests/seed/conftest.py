"""One seeded database shared by the seed tests (seeding is the slow part).

Its fixture is ``seed_run``: ``seeded`` belongs to the root conftest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from omnigate.seed import SeedReport, seed
from tests.conftest import mongo_url

ROOMS = 600
SEED = 20261110
NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)
BATCH = 150


@dataclass(frozen=True, slots=True)
class SeedRun:
    db: Database[dict[str, Any]]
    url: str
    report: SeedReport
    progress: list[int]


@pytest.fixture(scope="session")
def seed_run(sync_client: MongoClient, mongo_port: int) -> Iterator[SeedRun]:
    """``ROOMS`` rooms seeded once with ``SEED`` at ``NOW``, progress calls recorded."""
    name = "seed_shared"
    url = mongo_url(mongo_port, name)
    calls: list[int] = []
    report = seed(url, rooms=ROOMS, seed=SEED, now=NOW, batch_size=BATCH, progress=calls.append)
    yield SeedRun(sync_client[name], url, report, calls)
    sync_client.drop_database(name)
