"""Random Rocket.Chat-shaped data: every metric equals the plain-Python reference."""

from __future__ import annotations

import random
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.overview import overview
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.settings import read_settings
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.metrics.transfers import transfers_by_department
from omnigate.scope import UNRESTRICTED

from . import reference
from .documents import Document, at, random_room, setting, transfer

DEPARTMENTS = ["d1", "d2", "d3", None]
FIRST, LAST = at("2024-03-25T00:00"), at("2024-04-05T00:00")  # Europe's DST starts on 03-31
ZONES = [
    ReportingTimezone("UTC", ZoneInfo("UTC")),
    ReportingTimezone("+05:30", timezone(timedelta(hours=5, minutes=30))),
    ReportingTimezone("America/New_York", ZoneInfo("America/New_York")),
    ReportingTimezone("Europe/Berlin", ZoneInfo("Europe/Berlin")),
]
FILTERS = [None, ["d1"], ["d2", None], ["d3", "nobody"], [None]]

Data = tuple[list[Document], list[Document]]


def random_data(seed: int, rooms: int = 200, transfers: int = 80) -> Data:
    rng = random.Random(seed)
    room_docs = [random_room(rng, f"r{i}", FIRST, LAST, DEPARTMENTS) for i in range(rooms)]
    rids = [r["_id"] for r in room_docs] + ["gone1", "gone2"]
    messages = [
        transfer(f"m{i}", rng.choice(rids), room_docs[rng.randrange(rooms)]["ts"])
        for i in range(transfers)
    ]
    messages.append({"_id": "other", "t": "uj", "rid": rids[0], "ts": room_docs[0]["ts"]})
    return room_docs, messages


@pytest.fixture(params=[7, 2024])
def data(request: pytest.FixtureRequest, fresh_db: Database) -> Data:
    rooms, messages = random_data(request.param)
    fresh_db.rocketchat_room.insert_many(rooms)
    fresh_db.rocketchat_message.insert_many(messages)
    return rooms, messages


def _ranges(rooms: list[Document]) -> list[TimeRange]:
    """The whole period, an odd slice, and one whose both ends are some room's ``ts``."""
    stamps = sorted(r["ts"] for r in rooms)
    return [
        TimeRange.of(FIRST - timedelta(days=3), LAST + timedelta(days=3)),
        TimeRange.of(at("2024-03-28T13:17:05.123"), at("2024-04-02T08:00")),
        TimeRange.of(stamps[20], stamps[-20]),
    ]


async def test_department_families(store: Store, data: Data) -> None:
    rooms, messages = data
    for time_range in _ranges(rooms):
        start, end = time_range.start, time_range.end
        for departments in FILTERS:
            for timeout in (3600, 3599):
                reference.assert_rows(
                    await opened_by_department(
                        store, GroupQuery.of(time_range, UNRESTRICTED, departments), timeout=timeout
                    ),
                    reference.opened(rooms, start, end, departments, timeout),
                )
                reference.assert_rows(
                    await closed_by_department(
                        store, GroupQuery.of(time_range, UNRESTRICTED, departments), timeout=timeout
                    ),
                    reference.closed(rooms, start, end, departments, timeout),
                )
            assert await transfers_by_department(
                store, GroupQuery.of(time_range, UNRESTRICTED, departments)
            ) == (reference.transfers(rooms, messages, start, end, departments))


async def test_overview(store: Store, data: Data) -> None:
    rooms, _ = data
    for time_range in _ranges(rooms):
        for zone in ZONES:
            for department in (None, "d1"):
                found = await overview(store, time_range, UNRESTRICTED, department, zone)
                expected = reference.overview(
                    rooms, time_range.start, time_range.end, department, zone.tzinfo
                )
                reference.assert_overview(found, expected)


async def test_inactivity_timeout_setting(fresh_db: Database, store: Store, data: Data) -> None:
    rooms, _ = data
    fresh_db.rocketchat_settings.insert_one(setting("Livechat_visitor_inactivity_timeout", 3601))
    timeout = (await read_settings(store)).visitor_inactivity_timeout
    time_range = _ranges(rooms)[0]
    start, end = time_range.start, time_range.end
    opened = await opened_by_department(
        store, GroupQuery.of(time_range, UNRESTRICTED, None), timeout=timeout
    )
    reference.assert_rows(opened, reference.opened(rooms, start, end, timeout=3601))
    closed = await closed_by_department(
        store, GroupQuery.of(time_range, UNRESTRICTED, None), timeout=timeout
    )
    reference.assert_rows(closed, reference.closed(rooms, start, end, timeout=3601))
    default = reference.opened(rooms, start, end)
    assert sum(r.abandoned for r in opened.values()) < sum(r.abandoned for r in default.values())
