"""Batching: a page of 100 departments × 8 metrics for one range costs at most three
aggregations, and MongoDB answers with one row per department, never one per room."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient
from pymongo.database import Database
from pymongo.monitoring import CommandListener, CommandStartedEvent, CommandSucceededEvent

from omnigate.config import Limits, Settings
from omnigate.db import Store, create_client
from omnigate.scope import Scope
from tests.conftest import mongo_url
from tests.metrics.documents import at
from tests.schema.conftest import MANAGER, Execute

START, END = at("2024-03-01T00:00"), at("2024-03-31T23:59:59.999")
RANGE = {"start": "2024-03-01T00:00:00Z", "end": "2024-03-31T23:59:59.999Z"}
ALL_METRICS = """chats(range: $r) transferredChats(range: $r) abandonedChats(range: $r)
  abandonedChatsPercentage(range: $r) averageServiceTime(range: $r)
  averageChatDuration(range: $r) averageWaitingTime(range: $r)
  totalServiceTime(range: $r) { chats seconds }"""


class Recorder(CommandListener):
    """Records the aggregations sent and the rows of their first batches."""

    def __init__(self) -> None:
        self.aggregations: list[str] = []
        self.rows: list[int] = []
        self._ids: set[int] = set()

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "aggregate":
            self.aggregations.append(event.command["aggregate"])
            self._ids.add(event.request_id)
            assert "maxTimeMS" in event.command

    def succeeded(self, event: CommandSucceededEvent) -> None:
        if event.request_id in self._ids:
            self.rows.append(len(event.reply["cursor"]["firstBatch"]))

    def failed(self, event: object) -> None:
        pass

    def reset(self) -> None:
        self.aggregations.clear()
        self.rows.clear()


@pytest.fixture
async def recorded(fresh_db: Database, mongo_port: int) -> AsyncIterator[tuple[Store, Recorder]]:
    recorder = Recorder()
    client: AsyncMongoClient = create_client(
        mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000, event_listeners=[recorder]
    )
    yield Store(client[fresh_db.name], 15_000), recorder
    await client.close()


def _insert(db: Database, departments: int = 120, rooms_each: int = 5) -> None:
    db.rocketchat_livechat_department.insert_many(
        [{"_id": f"d{i:03}", "name": f"Department {i:03}"} for i in range(departments)]
    )
    rooms = []
    for i in range(departments):
        for j in range(rooms_each):
            ts = START + timedelta(hours=i + j)
            rooms.append(
                {
                    "_id": f"r{i}-{j}",
                    "t": "l",
                    "ts": ts,
                    "closedAt": ts + timedelta(minutes=30),
                    "departmentId": f"d{i:03}",
                    "metrics": {"chatDuration": 1800.0, "serviceTimeDuration": 900.0},
                }
            )
    db.rocketchat_room.insert_many(rooms)
    db.rocketchat_message.insert_many(
        [
            {"_id": f"m{i}", "t": "livechat_transfer_history", "rid": f"r{i}-0", "ts": START}
            for i in range(departments)
        ]
    )


async def test_100_departments_8_metrics_cost_three_aggregations(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    query = f"""query($r: DateRange!) {{ departments(first: 100) {{ totalCount
      edges {{ node {{ name {ALL_METRICS} }} }} }} }}"""
    result = await execute(query, {"r": RANGE}, store=store)
    assert result.errors is None
    edges = result.data["departments"]["edges"]
    assert len(edges) == 100
    assert all(
        e["node"]["chats"] == 5 and e["node"]["averageChatDuration"] == 1800.0 for e in edges
    )
    assert all(e["node"]["transferredChats"] == 1 for e in edges)
    assert len(recorder.aggregations) <= 3, recorder.aggregations
    assert sorted(recorder.aggregations) == [
        "rocketchat_message",
        "rocketchat_room",
        "rocketchat_room",
    ]
    assert max(recorder.rows) <= 100  # one row per department of the page, not 500 rooms


async def test_metric_order_reuses_its_aggregation(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    query = f"""query($r: DateRange!) {{
      departments(first: 100, orderBy: {{field: CHATS, direction: DESC, range: $r}}) {{
        edges {{ node {{ {ALL_METRICS} }} }} }} }}"""
    result = await execute(query, {"r": RANGE}, store=store)
    assert result.errors is None
    assert len(recorder.aggregations) <= 3, recorder.aggregations
    assert max(recorder.rows) <= 120  # every department once, for the ordering


async def test_aliases_and_two_ranges_cost_one_aggregation_per_family_and_range(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    _insert(fresh_db, departments=10)
    store, recorder = recorded
    query = f"""query($r: DateRange!, $s: DateRange!) {{
      a: departments(first: 5) {{ edges {{ node {{ {ALL_METRICS} }} }} }}
      b: departments(first: 5) {{ edges {{ node {{ {ALL_METRICS.replace("$r", "$s")} }} }} }}
      c: department(departmentId: "d007") {{ chats(range: $r) x: chats(range: $s) }}
    }}"""
    other = {"start": "2024-02-01T00:00:00Z", "end": "2024-02-29T23:59:59.999Z"}
    result = await execute(query, {"r": RANGE, "s": other}, store=store)
    assert result.errors is None
    # three families × two ranges, whatever the number of fields, aliases and lists
    assert len(recorder.aggregations) <= 9, recorder.aggregations


async def test_overview_is_one_aggregation_with_one_row_per_day_and_hour(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    _insert(fresh_db, departments=30, rooms_each=10)
    store, recorder = recorded
    result = await execute(
        """query($r: DateRange!) { overview(range: $r, timezone: "UTC") {
          conversations { total messages busiestDay { date } busiestHour { hour } }
          productivity { averageResponseTime } } }""",
        {"r": RANGE},
        store=store,
    )
    assert result.errors is None
    assert result.data["overview"]["conversations"]["total"] == 300
    assert recorder.aggregations == ["rocketchat_room"]
    assert recorder.rows[0] <= 31 * 24


async def test_department_overviews_of_a_page_are_one_aggregation(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    _insert(fresh_db, departments=20, rooms_each=3)
    store, recorder = recorded
    result = await execute(
        """query($r: DateRange!) { departments(first: 20) { edges { node { departmentId
          overview(range: $r, timezone: "+02:00") { timezone conversations { total } } } } }
          overview(range: $r, timezone: "+02:00") { conversations { total } } }""",
        {"r": RANGE},
        store=store,
    )
    assert result.errors is None
    nodes = [edge["node"] for edge in result.data["departments"]["edges"]]
    assert [n["overview"]["conversations"]["total"] for n in nodes] == [3] * 20
    assert {n["overview"]["timezone"] for n in nodes} == {"+02:00"}
    assert result.data["overview"]["conversations"]["total"] == 60
    # one aggregation for the twenty departments (grouped by department, day, hour), one
    # for the workspace
    assert recorder.aggregations == ["rocketchat_room", "rocketchat_room"]


async def test_skipped_metrics_launch_no_aggregation_and_spend_no_budget(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    """``@skip``/``@include`` are applied before prefetching: only the families of the
    fields that will be answered are aggregated, counted on the wire."""
    _insert(fresh_db, departments=10)
    store, recorder = recorded
    query = """query($r: DateRange!, $yes: Boolean!, $no: Boolean!) { departments(first: 10) {
      edges { node { name chats(range: $r)
        transferredChats(range: $r) @skip(if: $yes)
        ...Closed @include(if: $no)
        overview(range: $r) @include(if: $no) { conversations { total } } } } } }
      fragment Closed on Department { averageChatDuration(range: $r) abandonedChats(range: $r) }"""
    variables = {"r": RANGE, "yes": True, "no": False}
    result = await execute(query, variables, store=store)
    assert result.errors is None
    node = result.data["departments"]["edges"][0]["node"]
    assert node == {"name": "Department 000", "chats": 5}
    assert recorder.aggregations == ["rocketchat_room"]  # the opened family alone
    # with a budget of one aggregation the same request still passes
    one = Settings(limits=Limits(max_aggregations=1))
    recorder.reset()
    assert (await execute(query, variables, store=store, settings=one)).errors is None
    assert recorder.aggregations == ["rocketchat_room"]
    # and flipping the directives brings the other three families in
    recorder.reset()
    flipped = await execute(query, {"r": RANGE, "yes": False, "no": True}, store=store)
    assert flipped.errors is None
    assert sorted(recorder.aggregations) == [
        "rocketchat_message",
        "rocketchat_room",
        "rocketchat_room",
        "rocketchat_room",
    ]


async def test_a_scoped_dashboard_costs_what_an_unscoped_one_does(
    fresh_db: Database, execute: Execute, recorded: tuple[Store, Recorder]
) -> None:
    """A monitor whose unit holds the 120 departments: the same three aggregations, each
    with the scope's ``$match``, and the same answers as the manager's."""
    _insert(fresh_db)
    fresh_db.rocketchat_livechat_department.update_many({}, {"$set": {"ancestors": ["u1"]}})
    fresh_db.rocketchat_livechat_department.insert_one({"_id": "u1", "type": "u", "name": "U"})
    fresh_db.rocketchat_room.update_many({}, {"$set": {"departmentAncestors": ["u1"]}})
    store, recorder = recorded
    query = f"""query($r: DateRange!) {{ departments(first: 100) {{ totalCount
      edges {{ node {{ name {ALL_METRICS} }} }} }} }}"""
    manager = await execute(query, {"r": RANGE}, store=store)
    unscoped = list(recorder.aggregations)
    recorder.reset()
    departments = {f"d{i:03}" for i in range(120)}
    monitor = dataclasses.replace(MANAGER, scope=Scope.monitor({"u1"}, departments))
    scoped = await execute(query, {"r": RANGE}, store=store, principal=monitor)
    assert scoped.errors is None and scoped.data == manager.data
    assert sorted(recorder.aggregations) == sorted(unscoped) and len(unscoped) == 3
    assert max(recorder.rows) <= 100
