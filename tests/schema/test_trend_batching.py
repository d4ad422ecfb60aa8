"""Trend batching, counted on the wire: a page of 20 departments × 30 daily buckets × every
series metric is ONE aggregation, answered with one row per (department, day), never one
per room; percentiles cost one per metric, service levels one for every threshold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient
from pymongo.database import Database

from omnigate.db import Store, create_client
from tests.conftest import mongo_url
from tests.metrics.documents import at
from tests.schema.conftest import Execute
from tests.schema.test_batching import Recorder

START = at("2024-04-01T00:00")
RANGE = {"start": "2024-04-01T00:00:00Z", "end": "2024-04-30T23:59:59.999Z"}
DEPARTMENTS, ROOMS_PER_DAY = 20, 2
SERIES_METRICS = """start end label chats answeredChats messages abandonedChatsPercentage
  averageWaitingTime averageChatDuration averageResponseTime averageFirstResponseTime
  averageReactionTime sl: serviceLevel(thresholdSeconds: 60)
  slow: serviceLevel(thresholdSeconds: $t) ...More"""
FRAGMENT = "fragment More on SeriesBucket { other: serviceLevel(thresholdSeconds: 5) }"


@pytest.fixture
async def recorded(fresh_db: Database, mongo_port: int) -> AsyncIterator[tuple[Store, Recorder]]:
    recorder = Recorder()
    client: AsyncMongoClient = create_client(
        mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000, event_listeners=[recorder]
    )
    yield Store(client[fresh_db.name], 15_000), recorder
    await client.close()


def _insert(db: Database) -> int:
    db.rocketchat_livechat_department.insert_many(
        [{"_id": f"d{i:02}", "name": f"Department {i:02}"} for i in range(DEPARTMENTS)]
    )
    rooms = [
        {
            "_id": f"r{i}-{day}-{j}",
            "t": "l",
            "ts": START + timedelta(days=day, hours=3 + 7 * j, minutes=i),
            "departmentId": f"d{i:02}",
            "msgs": 4,
            "metrics": {
                "chatDuration": 600.0 + day,
                "response": {"ft": 30.0 * j, "avg": 40.0},
                "reaction": {"ft": 5.0},
                "serviceTimeDuration": 300.0,
            },
        }
        for i in range(DEPARTMENTS)
        for day in range(30)
        for j in range(ROOMS_PER_DAY)
    ]
    db.rocketchat_room.insert_many(rooms)
    return len(rooms)


async def test_20_departments_30_days_every_series_metric_is_one_aggregation(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    rooms = _insert(fresh_db)
    store, recorder = recorded
    query = f"""query($r: DateRange!, $t: Int!) {{ departments(first: 20) {{ edges {{ node {{
      departmentId series(range: $r, granularity: DAY, timezone: "Europe/Berlin") {{
        {SERIES_METRICS} }} }} }} }} }} {FRAGMENT}"""
    result = await execute(query, {"r": RANGE, "t": 10}, store=store)
    assert result.errors is None
    nodes = [edge["node"] for edge in result.data["departments"]["edges"]]
    assert len(nodes) == DEPARTMENTS
    for node in nodes:
        series = node["series"]
        # Berlin's days of April, plus the one holding 04-30T23:59:59.999Z (05-01 there)
        assert [b["label"] for b in series] == [f"2024-04-{d:02}" for d in range(1, 31)] + [
            "2024-05-01"
        ]
        assert [b["chats"] for b in series] == [ROOMS_PER_DAY] * 30 + [0]
        assert {b["sl"] for b in series[:30]} == {100.0}
        assert {b["slow"] for b in series[:30]} == {50.0}  # ft 0 and 30
        assert {b["other"] for b in series[:30]} == {50.0}
        assert series[-1]["averageWaitingTime"] is None
    assert recorder.aggregations == ["rocketchat_room"]
    assert recorder.rows == [DEPARTMENTS * 30] and rooms == 2 * DEPARTMENTS * 30


async def test_percentiles_and_service_levels_of_a_page(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    query = """query($r: DateRange!) { departments(first: 20) { edges { node {
      departmentId
      median: percentiles(range: $r, metric: CHAT_DURATION, ps: [0.5])
      tail: percentiles(range: $r, metric: CHAT_DURATION, ps: [0.9, 0.99, 1])
      waiting: percentiles(range: $r, metric: WAITING_TIME, ps: [0.5])
      fast: serviceLevel(range: $r, thresholdSeconds: 0)
      slow: serviceLevel(range: $r, thresholdSeconds: 60) } } } }"""
    result = await execute(query, {"r": RANGE}, store=store)
    assert result.errors is None
    for edge in result.data["departments"]["edges"]:
        node = edge["node"]
        # chat durations 600..629, each twice: ranks 30, 54, 60, 60 of 60
        assert node["median"] == [614.0]
        assert node["tail"] == [626.0, 629.0, 629.0]
        assert node["waiting"] == [0.0]
        assert (node["fast"], node["slow"]) == (50.0, 100.0)
    # one per percentile metric (both CHAT_DURATION fields share theirs), one for both
    # service-level thresholds, whatever the number of departments
    assert sorted(recorder.aggregations) == ["rocketchat_room"] * 3
    assert max(recorder.rows) == DEPARTMENTS
