"""``closed_by_department``: the "closed in range" family against the reference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.scope import UNRESTRICTED

from . import reference
from .documents import Document, at, closed, room

START, END = at("2024-05-01T00:00"), at("2024-05-31T23:59:59.999")
RANGE = TimeRange.of(START, END)
MS = timedelta(milliseconds=1)


def _rooms() -> list[Document]:
    noon = at("2024-05-10T12:00")
    return [
        # ts == start and closedAt == end are included
        closed(room("edges", START, "sales"), END, chatDuration=100.5, serviceTimeDuration=80),
        # created 1 ms before start, closed 1 ms after end: excluded
        closed(room("early", START - MS, "sales"), noon, chatDuration=1),
        closed(room("late", noon, "sales"), END + MS, chatDuration=1),
        # created in range, closed later than the range: excluded; open rooms too
        room("open", noon, "sales"),
        room("null-closed", noon, "sales", closedAt=None),
        closed(room("channel", noon, "sales", t="c"), noon, chatDuration=5),
        # metrics missing or partial
        closed(room("bare", noon, "sales"), noon),
        closed(room("no-metrics", noon, "sales"), noon) | {"metrics": None},
        closed(room("abandoned", noon, "sales"), noon, chatDuration=7200, visitorInactivity=3600),
        closed(room("busy", noon, "sales"), noon, visitorInactivity=3599, serviceTimeDuration=0),
        # other departments and none (missing and null)
        closed(room("p1", noon, "support"), noon, chatDuration=30, serviceTimeDuration=20.25),
        closed(room("n1", noon), noon, chatDuration=12, visitorInactivity=99_999),
        closed(room("n2", noon, departmentId=None), noon, serviceTimeDuration=1.5),
    ]


@pytest.fixture
def rooms(fresh_db: Database) -> list[Document]:
    documents = _rooms()
    fresh_db.rocketchat_room.insert_many(documents)
    return documents


async def test_all_departments(store: Store, rooms: list[Document]) -> None:
    found = await closed_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, None), timeout=3600
    )
    reference.assert_rows(found, reference.closed(rooms, START, END))
    sales = found["sales"]
    assert sales.rooms == 5  # edges, bare, no-metrics, abandoned, busy
    assert sales.duration_seconds == pytest.approx(7300.5)
    assert sales.average_chat_duration == pytest.approx(7300.5 / 5)
    assert (sales.service_rooms, sales.service_seconds) == (2, 80.0)  # busy has 0
    assert sales.abandoned == 1
    assert (found[None].rooms, found[None].service_rooms, found[None].abandoned) == (2, 1, 1)


@pytest.mark.parametrize("departments", [["support", None], [None], ["sales", "nobody"]])
async def test_department_filter(
    store: Store, rooms: list[Document], departments: list[str | None]
) -> None:
    found = await closed_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, departments), timeout=3600
    )
    reference.assert_rows(found, reference.closed(rooms, START, END, departments))
    assert "nobody" not in found


async def test_custom_inactivity_timeout(store: Store, rooms: list[Document]) -> None:
    found = await closed_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, None), timeout=3599
    )
    reference.assert_rows(found, reference.closed(rooms, START, END, timeout=3599))
    assert found["sales"].abandoned == 2


async def test_single_instant_range(store: Store, rooms: list[Document]) -> None:
    """A range of one instant keeps a room opened and closed at that very instant."""
    one_ms = TimeRange.of(at("2024-05-10T12:00"), at("2024-05-10T12:00"))
    found = await closed_by_department(
        store, GroupQuery.of(one_ms, UNRESTRICTED, ["support"]), timeout=3600
    )
    assert found["support"].rooms == 1


async def test_empty_range_and_empty_filter_do_not_query(no_query_store: Store) -> None:
    assert (
        await closed_by_department(
            no_query_store, GroupQuery.of(TimeRange.of(END, START), UNRESTRICTED), timeout=1
        )
        == {}
    )
    assert (
        await closed_by_department(
            no_query_store, GroupQuery.of(RANGE, UNRESTRICTED, ()), timeout=1
        )
        == {}
    )
