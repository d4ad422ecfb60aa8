"""Results travel as one row per group: each function sends one ``aggregate`` whose reply
holds one document per department (or one for the workspace), never one per room."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pymongo.database import Database
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from omnigate.db import Store, create_client
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.overview import department_overviews, overview
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.transfers import transfers_by_department
from omnigate.scope import UNRESTRICTED
from tests.conftest import mongo_url

from .test_random import FIRST, LAST, ZONES, Data, TimeRange, random_data

WHOLE = TimeRange.of(FIRST, LAST)


@dataclass
class Recorder(CommandListener):
    """The commands sent (by name) and the documents their cursors returned."""

    commands: list[str] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name not in ("ping", "hello", "ismaster", "endSessions"):
            self.commands.append(event.command_name)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        cursor = event.reply.get("cursor", {})
        self.documents.extend(cursor.get("firstBatch", cursor.get("nextBatch", [])))

    def failed(self, event: CommandFailedEvent) -> None:
        self.commands.append(f"failed {event.command_name}")

    def one_aggregation(self) -> list[dict[str, Any]]:
        """The documents of the only aggregation sent since the last call (and its getMores)."""
        aggregate, *more = self.commands
        assert aggregate == "aggregate" and set(more) <= {"getMore"}
        documents = self.documents
        self.commands, self.documents = [], []
        return documents


@pytest.fixture
async def recorded(
    fresh_db: Database, mongo_port: int
) -> AsyncIterator[tuple[Store, Recorder, Data]]:
    rooms, messages = random_data(11)
    fresh_db.rocketchat_room.insert_many(rooms)
    fresh_db.rocketchat_message.insert_many(messages)
    recorder = Recorder()
    client = create_client(
        mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000, event_listeners=[recorder]
    )
    try:
        yield Store(client[fresh_db.name]), recorder, (rooms, messages)
    finally:
        await client.close()


async def test_department_families_return_one_row_per_department(
    recorded: tuple[Store, Recorder, Data],
) -> None:
    store, recorder, (rooms, _) = recorded
    opened = await opened_by_department(
        store, GroupQuery.of(WHOLE, UNRESTRICTED, None), timeout=3600
    )
    assert len(recorder.one_aggregation()) == len(opened) == 4 < len(rooms)
    closed = await closed_by_department(
        store, GroupQuery.of(WHOLE, UNRESTRICTED, ["d1", None, "nobody"]), timeout=3600
    )
    assert len(recorder.one_aggregation()) == len(closed) == 2
    transfers = await transfers_by_department(store, GroupQuery.of(WHOLE, UNRESTRICTED, None))
    assert len(recorder.one_aggregation()) == len(transfers) == 4


@pytest.mark.parametrize("zone", ZONES, ids=lambda zone: zone.name)
async def test_overview_returns_one_row_per_department(
    recorded: tuple[Store, Recorder, Data], zone
) -> None:
    """Twelve days of rooms, but the workspace overview is one document and the department
    overviews one per department that has rooms (never one per day or hour)."""
    store, recorder, (rooms, _) = recorded
    data = await overview(store, WHOLE, UNRESTRICTED, None, zone)
    assert len(recorder.one_aggregation()) == 1 < data.total
    wanted = ["d1", "d2", "d3", "nobody"]
    overviews = await department_overviews(store, WHOLE, UNRESTRICTED, wanted, zone)
    with_rooms = {
        r["departmentId"]
        for r in rooms
        if r.get("t") == "l" and WHOLE.start <= r["ts"] <= WHOLE.end and r.get("departmentId")
    }
    assert with_rooms == {"d1", "d2", "d3"}
    assert len(recorder.one_aggregation()) == len(with_rooms)
    assert set(overviews) == set(wanted) and overviews["nobody"].total == 0
