"""``opened_by_department``: the "opened in range" family against the reference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.errors import LimitExceeded
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.scope import UNRESTRICTED

from . import reference
from .documents import Document, at, room, served

START, END = at("2024-05-01T00:00"), at("2024-05-31T23:59:59.999")
RANGE = TimeRange.of(START, END)
MS = timedelta(milliseconds=1)


def _rooms() -> list[Document]:
    noon = at("2024-05-10T12:00")
    return [
        # boundaries: both ends included, 1 ms outside excluded
        room("at-start", START, "sales", waitingResponse=True),
        room("at-end", END, "sales", metrics={"visitorInactivity": 3600}),
        room("before", START - MS, "sales"),
        room("after", END + MS, "sales"),
        # not livechat
        room("channel", noon, "sales", t="c"),
        # waitingResponse true / false / absent, served or not, metrics complete or partial
        served(
            room("s1", noon, "sales", metrics={"response": {"ft": 12.5, "avg": 3}}),
            noon + timedelta(seconds=5),
            noon + timedelta(seconds=65, milliseconds=250),
        ),
        served(
            room("s2", noon, "sales", metrics={"response": {"avg": 3}, "visitorInactivity": 7200}),
            noon,
            noon + timedelta(minutes=10),
        ),
        room("s3", noon, "sales", waitingResponse=False, metrics={"visitorInactivity": 3599}),
        room("s4", noon, "sales", waitingResponse=True, metrics={"response": {"ft": 99}}),
        # service needs both responseBy.lastMessageTs and servedBy._id
        room("s5", noon, "sales", servedBy={"_id": "a1", "ts": noon}),
        room("s6", noon, "sales", responseBy={"lastMessageTs": noon}),
        # other departments, rooms without department (missing and null)
        served(room("p1", noon, "support", metrics={"response": {"ft": 4}}), noon, noon),
        room("n1", noon, metrics={"response": {"ft": 7.25}, "visitorInactivity": 4000}),
        room("n2", noon, departmentId=None, waitingResponse=True),
    ]


@pytest.fixture
def rooms(fresh_db: Database) -> list[Document]:
    documents = _rooms()
    fresh_db.rocketchat_room.insert_many(documents)
    return documents


async def test_all_departments(store: Store, rooms: list[Document]) -> None:
    found = await opened_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, None), timeout=3600
    )
    reference.assert_rows(found, reference.opened(rooms, START, END))
    assert set(found) == {"sales", "support", None}
    sales = found["sales"]
    assert sales.rooms == 8  # at-start, at-end, s1..s6
    assert (sales.answered, sales.unanswered) == (6, 2)
    assert sales.service_rooms == 2
    assert sales.service_seconds == pytest.approx(60.25 + 600)
    assert sales.waiting_seconds == pytest.approx(12.5)  # s4 waits: its ft is not counted
    assert sales.abandoned == 2  # at-end (== timeout) and s2
    assert found[None].rooms == 2 and found[None].answered == 1


@pytest.mark.parametrize(
    "departments",
    [["sales", None], [None], ["support", "nobody"], ("sales", "sales"), {"support"}],
)
async def test_department_filter(
    store: Store, rooms: list[Document], departments: list[str | None]
) -> None:
    found = await opened_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, departments), timeout=3600
    )
    reference.assert_rows(found, reference.opened(rooms, START, END, departments))
    assert "nobody" not in found


@pytest.mark.parametrize("answered", [None, True, False])
async def test_chats_answered_variants(
    store: Store, rooms: list[Document], answered: bool | None
) -> None:
    found = await opened_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, None), timeout=3600
    )
    for department, row in found.items():
        expected = [
            r
            for r in reference.opened_rooms(rooms, START, END, [department])
            if answered is None or (r.get("waitingResponse") is not True) == answered
        ]
        assert row.chats(answered) == len(expected)


async def test_custom_inactivity_timeout(store: Store, rooms: list[Document]) -> None:
    found = await opened_by_department(
        store, GroupQuery.of(RANGE, UNRESTRICTED, None), timeout=3599
    )
    reference.assert_rows(found, reference.opened(rooms, START, END, timeout=3599))
    assert found["sales"].abandoned == 3
    assert found["sales"].abandoned_percentage == pytest.approx(100 * 3 / 8)


async def test_range_without_rooms(store: Store, rooms: list[Document]) -> None:
    later = TimeRange.of(at("2025-01-01T00:00"), at("2025-02-01T00:00"))
    assert (
        await opened_by_department(store, GroupQuery.of(later, UNRESTRICTED, None), timeout=3600)
        == {}
    )


async def test_empty_range_and_empty_filter_do_not_query(no_query_store: Store) -> None:
    backwards = TimeRange.of(END, START)
    assert (
        await opened_by_department(
            no_query_store, GroupQuery.of(backwards, UNRESTRICTED, None), timeout=3600
        )
        == {}
    )
    assert (
        await opened_by_department(
            no_query_store, GroupQuery.of(RANGE, UNRESTRICTED, []), timeout=3600
        )
        == {}
    )
    with pytest.raises(LimitExceeded):  # the store really refuses to query
        await opened_by_department(
            no_query_store, GroupQuery.of(RANGE, UNRESTRICTED, None), timeout=3600
        )
