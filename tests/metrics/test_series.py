"""Series: every bucket of every granularity equals the plain-Python reference, in UTC,
Europe/Berlin across both DST changes, America/Sao_Paulo (with and without DST) and
Asia/Kolkata; grouped by department and by agent; in a monitor's scope."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from omnigate.db import Store
from omnigate.metrics.calendar import Granularity
from omnigate.metrics.grouping import BY_AGENT, BY_DEPARTMENT, WORKSPACE, Grouping
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.series import Series, SeriesQuery, series_by_group
from omnigate.metrics.timezones import parse_timezone
from omnigate.scope import UNRESTRICTED, Scope

from . import trends_reference as reference
from .documents import Document, at, random_room, room

THRESHOLDS = (0, 30, 120)
DEPARTMENTS = ["d1", "d2", "d3", None]
AGENTS = ["a1", "a2", "a3"]
# Ranges for hours and days (ends off every boundary), per zone; months and weeks over LONG.
SHORT = {
    "UTC": [(at("2024-03-01T05:06:07.089"), at("2024-03-03T01:02:03.004"))],
    "Europe/Berlin": [
        (at("2024-03-30T17:23:45.678"), at("2024-04-01T06:07:08.009")),  # 02:00 → 03:00
        (at("2024-10-26T17:23:45.678"), at("2024-10-28T06:07:08.009")),  # 03:00 → 02:00
    ],
    "America/Sao_Paulo": [
        (at("2018-11-03T17:00"), at("2018-11-05T06:00")),  # no midnight on 11-04
        (at("2019-02-16T01:00"), at("2019-02-17T22:00")),  # 23:00-00:00 twice
        (at("2024-06-01T00:00"), at("2024-06-02T23:59:59.999")),  # no DST since 2019
    ],
    "Asia/Kolkata": [(at("2024-06-01T00:00"), at("2024-06-02T23:59:59.999"))],
}
LONG = (at("2024-01-10T05:00"), at("2024-11-20T05:00"))
ZONES = list(SHORT)


def _rooms() -> list[Document]:
    rng = random.Random(9)
    spans = [span for spans in SHORT.values() for span in spans]
    rooms = [
        random_room(rng, f"s{i}-{j}", start, end, DEPARTMENTS)
        for i, (start, end) in enumerate(spans)
        for j in range(90)
    ]
    rooms += [random_room(rng, f"l{j}", *LONG, DEPARTMENTS) for j in range(250)]
    for document in rooms:
        if "servedBy" in document:
            document["servedBy"] = {**document["servedBy"], "_id": rng.choice(AGENTS)}
            document["responseBy"] = {**document["responseBy"], "_id": rng.choice(AGENTS)}
        if rng.random() < 0.2:
            document["departmentAncestors"] = ["u1"]
    # on the boundaries themselves: the first instant of Berlin's second 02:00, the last of
    # a Kolkata hour, São Paulo's first instant of 2018-11-04
    rooms += [
        room("edge1", at("2024-10-27T01:00"), "d1", msgs=3),
        room("edge2", at("2024-06-01T00:29:59.999"), "d2", msgs=4),
        room("edge3", at("2018-11-04T03:00"), None, msgs=5),
    ]
    # service level thresholds are inclusive; unanswered rooms never count
    at_noon = at("2024-03-02T12:00")
    rooms += [
        room("ft0", at_noon, "d1", metrics={"response": {"ft": 0}}),
        room("ft30", at_noon, "d1", metrics={"response": {"ft": 30.0}}),
        room("waiting", at_noon, "d1", waitingResponse=True, metrics={"response": {"ft": 1}}),
        room("no-ft", at_noon, "d1", metrics={"response": {"avg": 3}, "reaction": {}}),
    ]
    return rooms


ROOMS = _rooms()


@pytest.fixture(scope="module")
def trend_db(sync_client: MongoClient) -> Iterator[Database]:
    db = sync_client["trend_series"]
    db.rocketchat_room.insert_many([dict(r) for r in ROOMS])
    yield db
    sync_client.drop_database(db.name)


@pytest.fixture
def trend_store(trend_db: Database, store_for: Callable[[Database], Store]) -> Store:
    return store_for(trend_db)


def assert_series(found: Series, expected: list[dict[str, Any]]) -> None:
    """Same buckets; counts exactly, averages closely, ``None`` where the reference has none."""
    assert [p.bucket.label for p in found] == [b["label"] for b in expected]
    for point, bucket in zip(found, expected, strict=True):
        got: dict[str, Any] = {
            "start": point.bucket.start,
            "end": point.bucket.end,
            "label": point.bucket.label,
            "chats": point.chats,
            "answeredChats": point.answered_chats,
            "messages": point.messages,
            "abandonedChatsPercentage": point.abandoned_chats_percentage,
            "averageWaitingTime": point.average_waiting_time,
            "averageChatDuration": point.average_chat_duration,
            "averageResponseTime": point.average_response_time,
            "averageFirstResponseTime": point.average_first_response_time,
            "averageReactionTime": point.average_reaction_time,
            **{f"serviceLevel{t}": point.service_level(t) for t in THRESHOLDS},
        }
        for name, value in bucket.items():
            if isinstance(value, float):
                assert got[name] == pytest.approx(value), (bucket["label"], name)
                assert type(got[name]) is float
            else:
                assert got[name] == value, (bucket["label"], name)
                assert type(got[name]) is type(value), (bucket["label"], name)


async def _series(
    store: Store,
    bounds: tuple[datetime, datetime],
    granularity: Granularity,
    zone: str,
    grouping: Grouping = WORKSPACE,
    groups: list[Any] | None = None,
    scope: Scope = UNRESTRICTED,
) -> dict[Any, Series]:
    query = SeriesQuery(
        TimeRange.of(*bounds), scope, grouping, granularity, parse_timezone(zone), 1000
    )
    return await series_by_group(
        store, query, [None] if groups is None else groups, THRESHOLDS, timeout=3600
    )


def _expected(
    bounds: tuple[datetime, datetime],
    granularity: Granularity,
    zone: str,
    rooms: list[Document] = ROOMS,
) -> list[dict[str, Any]]:
    tzinfo = parse_timezone(zone).tzinfo
    return reference.series(rooms, *bounds, granularity.name, tzinfo, THRESHOLDS)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("granularity", [Granularity.HOUR, Granularity.DAY])
async def test_hours_and_days(trend_store: Store, zone: str, granularity: Granularity) -> None:
    for bounds in SHORT[zone]:
        found = await _series(trend_store, bounds, granularity, zone)
        expected = _expected(bounds, granularity, zone)
        assert sum(b["chats"] for b in expected) > 50
        assert_series(found[None], expected)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("granularity", [Granularity.WEEK, Granularity.MONTH])
async def test_weeks_and_months(trend_store: Store, zone: str, granularity: Granularity) -> None:
    found = await _series(trend_store, LONG, granularity, zone)
    assert_series(found[None], _expected(LONG, granularity, zone))


async def test_dst_days_have_23_and_25_hourly_buckets(trend_store: Store) -> None:
    spring = (at("2024-03-30T23:00"), at("2024-03-31T21:59:59.999"))
    fall = (at("2024-10-26T22:00"), at("2024-10-27T22:59:59.999"))
    for bounds, hours in ((spring, 23), (fall, 25)):
        found = (await _series(trend_store, bounds, Granularity.HOUR, "Europe/Berlin"))[None]
        assert len(found) == hours
        assert_series(found, _expected(bounds, Granularity.HOUR, "Europe/Berlin"))
    # edge1 opened at the first instant of the second 02:00 (+01:00)
    second = next(p for p in found if p.bucket.label == "2024-10-27T02:00+01:00")
    assert second.bucket.start == at("2024-10-27T01:00") and second.messages >= 3


@pytest.mark.parametrize("granularity", list(Granularity))
async def test_departments_in_one_aggregation(trend_store: Store, granularity: Granularity) -> None:
    bounds = LONG if granularity in (Granularity.WEEK, Granularity.MONTH) else SHORT["UTC"][0]
    groups = ["d1", "d2", None, "nobody"]
    found = await _series(trend_store, bounds, granularity, "Europe/Berlin", BY_DEPARTMENT, groups)
    assert set(found) == set(groups)
    for group in groups:
        rooms = [r for r in ROOMS if r.get("departmentId") == group]
        assert_series(found[group], _expected(bounds, granularity, "Europe/Berlin", rooms))


async def test_agents_by_the_rooms_they_served(trend_store: Store) -> None:
    found = await _series(trend_store, LONG, Granularity.MONTH, "UTC", BY_AGENT, ["a1", "a2"])
    for agent in ("a1", "a2"):
        rooms = [r for r in ROOMS if r.get("servedBy", {}).get("_id") == agent]
        assert_series(found[agent], _expected(LONG, Granularity.MONTH, "UTC", rooms))


async def test_a_monitor_sees_only_the_rooms_of_its_scope(trend_store: Store) -> None:
    scope = Scope.monitor(units=["u1"], departments=["d1"])
    workspace = await _series(trend_store, LONG, Granularity.MONTH, "UTC", scope=scope)
    visible = [r for r in ROOMS if r.get("departmentId") == "d1" or r.get("departmentAncestors")]
    assert_series(workspace[None], _expected(LONG, Granularity.MONTH, "UTC", visible))
    grouped = await _series(
        trend_store, LONG, Granularity.MONTH, "UTC", BY_DEPARTMENT, ["d1", "d2"], scope
    )
    d1 = [r for r in visible if r.get("departmentId") == "d1"]
    assert_series(grouped["d1"], _expected(LONG, Granularity.MONTH, "UTC", d1))
    assert all(point.chats == 0 for point in grouped["d2"])  # hidden: as if it did not exist


async def test_nothing_visible_costs_no_query(no_query_store: Store) -> None:
    bounds = SHORT["UTC"][0]
    nobody = Scope.monitor(units=[], departments=[])
    found = await _series(no_query_store, bounds, Granularity.DAY, "UTC", scope=nobody)
    assert [p.chats for p in found[None]] == [0, 0, 0]
    assert [p.average_waiting_time for p in found[None]] == [None] * 3
    hidden = await _series(
        no_query_store,
        bounds,
        Granularity.DAY,
        "UTC",
        BY_DEPARTMENT,
        ["d2"],
        Scope.monitor(units=["u1"], departments=["d1"]),
    )
    assert [p.service_level(30) for p in hidden["d2"]] == [0.0] * 3
