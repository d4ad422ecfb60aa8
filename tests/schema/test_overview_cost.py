"""Department overviews cost one aggregation answering one row per department, however
long the range; a range over ``OMNIGATE_MAX_OVERVIEW_DAYS`` is bad input."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient
from pymongo.database import Database

from omnigate.config import Limits, Settings
from omnigate.db import Store, create_client
from tests.conftest import mongo_url
from tests.metrics.documents import at
from tests.schema.conftest import Execute, codes
from tests.schema.test_batching import Recorder

YEAR_START = at("2023-01-01T00:00")
YEAR = {"start": "2023-01-01T00:00:00Z", "end": "2023-12-31T23:59:59.999Z"}
PAGE = """query($r: DateRange!) { departments(first: 100) { edges { node { departmentId
  overview(range: $r, timezone: "UTC") { conversations { total messages
    busiestDay { date messages } busiestHour { hour messages } } } } } } }"""


@pytest.fixture
async def recorded(fresh_db: Database, mongo_port: int) -> AsyncIterator[tuple[Store, Recorder]]:
    recorder = Recorder()
    client: AsyncMongoClient = create_client(
        mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000, event_listeners=[recorder]
    )
    yield Store(client[fresh_db.name], 15_000), recorder
    await client.close()


def _insert_year(db: Database) -> list[dict]:
    """100 departments, each with 12 rooms on 12 different days and hours of 2023."""
    db.rocketchat_livechat_department.insert_many(
        [{"_id": f"d{i:03}", "name": f"Department {i:03}"} for i in range(100)]
    )
    rooms = [
        {
            "_id": f"r{i}-{j}",
            "t": "l",
            "ts": YEAR_START + timedelta(days=(i * 7 + j * 29) % 365, hours=(i + 5 * j) % 24),
            "departmentId": f"d{i:03}",
            "msgs": (i * j) % 9,
        }
        for i in range(100)
        for j in range(12)
    ]
    db.rocketchat_room.insert_many(rooms)
    return rooms


def _expected(rooms: list[dict]) -> dict[str, dict]:
    """Per department, computed room by room: total, messages, busiest day and hour."""
    by_department: defaultdict[str, list[dict]] = defaultdict(list)
    for r in rooms:
        by_department[r["departmentId"]].append(r)
    expected = {}
    for department, mine in by_department.items():
        days = Counter()
        for r in mine:
            days[r["ts"].date().isoformat()] += r["msgs"]
        day = min(days, key=lambda d: (-days[d], d))
        hours = Counter()
        for r in mine:
            if r["ts"].date().isoformat() == day:
                hours[r["ts"].hour] += r["msgs"]
        hour = min(hours, key=lambda h: (-hours[h], h))
        expected[department] = {
            "total": len(mine),
            "messages": sum(r["msgs"] for r in mine),
            "busiestDay": {"date": day, "messages": days[day]},
            "busiestHour": {"hour": hour, "messages": hours[hour]},
        }
    return expected


async def test_a_yearly_page_of_100_overviews_is_one_aggregation_of_100_rows(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    rooms = _insert_year(fresh_db)
    store, recorder = recorded
    result = await execute(PAGE, {"r": YEAR}, store=store)
    assert result.errors is None, result.errors
    found = {
        edge["node"]["departmentId"]: edge["node"]["overview"]["conversations"]
        for edge in result.data["departments"]["edges"]
    }
    assert found == _expected(rooms)
    assert recorder.aggregations == ["rocketchat_room"]
    assert recorder.rows == [100]  # the reply's firstBatch: one document per department


async def test_a_range_over_the_limit_is_bad_input(fresh_db: Database, execute: Execute) -> None:
    _insert_year(fresh_db)
    settings = Settings(limits=Limits(max_overview_days=364))
    message = (
        "The overview range spans 365 days, more than the limit of 364 "
        "(OMNIGATE_MAX_OVERVIEW_DAYS): ask for a shorter range."
    )
    workspace = await execute(
        "query($r: DateRange!) { overview(range: $r) { timezone } }", {"r": YEAR}, settings=settings
    )
    assert codes(workspace) == ["BAD_USER_INPUT"]
    assert [error.message for error in workspace.errors] == [message]
    department = await execute(
        'query($r: DateRange!) { department(departmentId: "d001") { overview(range: $r) '
        "{ timezone } } }",
        {"r": YEAR},
        settings=settings,
    )
    assert codes(department) == ["BAD_USER_INPUT"]
    assert [error.message for error in department.errors] == [message]
    page = await execute(PAGE, {"r": YEAR}, settings=settings)
    assert codes(page) == ["BAD_USER_INPUT"] and page.errors[0].message == message
    answered = await execute(PAGE, {"r": YEAR})  # the default limit, 732 days
    assert answered.errors is None


async def test_the_default_limit_refuses_a_733_day_range(execute: Execute) -> None:
    longer = {"start": "2023-01-01T00:00:00Z", "end": "2025-01-02T00:00:00Z"}
    result = await execute(
        'query($r: DateRange!) { overview(range: $r, timezone: "UTC") { timezone } }',
        {"r": longer},
    )
    assert codes(result) == ["BAD_USER_INPUT"]
    assert "spans 733 days, more than the limit of 732 (OMNIGATE_MAX_OVERVIEW_DAYS)" in (
        result.errors[0].message
    )
