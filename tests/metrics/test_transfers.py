"""``transfers_by_department``: transfer events by their room's current department."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.transfers import transfers_by_department
from omnigate.scope import UNRESTRICTED

from . import reference
from .documents import Document, at, room, transfer

START, END = at("2024-05-01T00:00"), at("2024-05-31T23:59:59.999")
RANGE = TimeRange.of(START, END)
MS = timedelta(milliseconds=1)
NOON = at("2024-05-10T12:00")


@pytest.fixture
def data(fresh_db: Database) -> tuple[list[Document], list[Document]]:
    rooms = [
        room("moved", NOON, "support"),  # moved sales → billing → support
        room("stayed", NOON, "sales"),
        room("homeless", NOON),
        room("quiet", NOON, "billing"),
    ]
    messages = [
        transfer("m1", "moved", START, previousDepartment="sales", nextDepartment="billing"),
        transfer("m2", "moved", END, previousDepartment="billing", nextDepartment="support"),
        transfer("m3", "moved", START - MS),
        transfer("m4", "moved", END + MS),
        transfer("m5", "stayed", NOON, scope="agent"),
        transfer("m6", "gone", NOON),  # its room was deleted
        transfer("m7", "gone", NOON + MS),
        transfer("m8", "homeless", NOON),
        {"_id": "m9", "t": "uj", "rid": "quiet", "ts": NOON},
        {"_id": "m10", "rid": "quiet", "ts": NOON, "msg": "hello"},
    ]
    fresh_db.rocketchat_room.insert_many(rooms)
    fresh_db.rocketchat_message.insert_many(messages)
    return rooms, messages


async def test_counts_each_event_by_current_department(
    store: Store, data: tuple[list[Document], list[Document]]
) -> None:
    found = await transfers_by_department(store, GroupQuery.of(RANGE, UNRESTRICTED, None))
    assert found == reference.transfers(*data, START, END)
    assert found == {"support": 2, "sales": 1, None: 3}
    assert all(type(count) is int for count in found.values())


@pytest.mark.parametrize(
    "departments", [[None], ["sales", "billing"], ["nobody"], ["support", None, "nobody"]]
)
async def test_department_filter(
    store: Store, data: tuple[list[Document], list[Document]], departments: list[str | None]
) -> None:
    found = await transfers_by_department(store, GroupQuery.of(RANGE, UNRESTRICTED, departments))
    assert found == reference.transfers(*data, START, END, departments)
    assert "billing" not in found and "nobody" not in found


async def test_empty_range_and_empty_filter_do_not_query(no_query_store: Store) -> None:
    assert (
        await transfers_by_department(
            no_query_store, GroupQuery.of(TimeRange.of(END, START), UNRESTRICTED)
        )
        == {}
    )
    assert (
        await transfers_by_department(no_query_store, GroupQuery.of(RANGE, UNRESTRICTED, [])) == {}
    )
