"""``series``, ``percentiles`` and ``serviceLevel`` through GraphQL: the workspace, a
department filter and ``Department`` agree with the plain-Python reference; bad input is
``BAD_USER_INPUT``; a monitor sees its scope only."""

from __future__ import annotations

import logging
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pymongo.database import Database

from omnigate.auth import Principal
from omnigate.config import Limits, Settings
from omnigate.scope import Scope
from tests.metrics import trends_reference as reference
from tests.metrics.documents import Document, at, random_room
from tests.schema.conftest import MANAGER, Execute, codes

START, END = at("2024-05-01T00:00"), at("2024-05-07T23:59:59.999")
RANGE = {"start": "2024-05-01T00:00:00Z", "end": "2024-05-07T23:59:59.999Z"}
DEPARTMENTS = ["dA", "dB"]
BUCKET = """start end label chats answeredChats messages abandonedChatsPercentage
  averageWaitingTime averageChatDuration averageResponseTime averageFirstResponseTime
  averageReactionTime"""
MONITOR = Principal(
    user_id="monitor",
    username="monitor",
    utc_offset=0,
    roles=("livechat-monitor",),
    scope=Scope.monitor(units=["u1"], departments=["dA"]),
)


@pytest.fixture
def rooms(fresh_db: Database) -> list[Document]:
    rng = random.Random(3)
    documents = [random_room(rng, f"r{i}", START, END, [*DEPARTMENTS, None]) for i in range(150)]
    fresh_db.rocketchat_room.insert_many(documents)
    fresh_db.rocketchat_livechat_department.insert_many(
        [{"_id": d, "name": f"Department {d}"} for d in DEPARTMENTS]
    )
    return documents


def _expected(rooms: list[Document], zone: str, granularity: str) -> list[dict[str, Any]]:
    """The reference's buckets, instants as the DateTime scalar writes them."""
    buckets = reference.series(rooms, START, END, granularity, ZoneInfo(zone), (30, 120))
    return [{**b, "start": b["start"].isoformat(), "end": b["end"].isoformat()} for b in buckets]


def _compare(found: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(found) == len(expected)
    for bucket, wanted in zip(found, expected, strict=True):
        got = {**bucket, "serviceLevel30": bucket["sl30"], "serviceLevel120": bucket["sl120"]}
        for name, value in wanted.items():
            expected = pytest.approx(value) if isinstance(value, float) else value
            assert got[name] == expected, (wanted["label"], name)


SERIES = f"""query($r: DateRange!, $g: Granularity!, $tz: String, $d: ID, $t: Int!) {{
  series(range: $r, granularity: $g, timezone: $tz, departmentId: $d) {{
    {BUCKET} sl30: serviceLevel(thresholdSeconds: 30) sl120: serviceLevel(thresholdSeconds: $t)
  }}
}}"""


@pytest.mark.parametrize(
    ("zone", "granularity"), [("Europe/Berlin", "DAY"), ("Asia/Kolkata", "HOUR")]
)
async def test_workspace_series(
    rooms: list[Document], execute: Execute, zone: str, granularity: str
) -> None:
    variables = {"r": RANGE, "g": granularity, "tz": zone, "t": 120}
    result = await execute(SERIES, variables)
    assert result.errors is None
    _compare(result.data["series"], _expected(rooms, zone, granularity))
    if granularity == "DAY":
        assert [b["label"] for b in result.data["series"]] == [
            f"2024-05-0{day}"
            for day in range(1, 9)  # the last range instant is 05-08 in Berlin
        ]


async def test_department_filter_and_department_agree(
    rooms: list[Document], execute: Execute
) -> None:
    query = f"""query($r: DateRange!) {{
      filtered: series(range: $r, granularity: DAY, timezone: "UTC", departmentId: "dA") {{
        {BUCKET} sl30: serviceLevel(thresholdSeconds: 30) sl120: serviceLevel(thresholdSeconds: 120)
      }}
      department(departmentId: "dA") {{
        series(range: $r, granularity: DAY, timezone: "UTC") {{
          {BUCKET} sl30: serviceLevel(thresholdSeconds: 30)
          sl120: serviceLevel(thresholdSeconds: 120)
        }}
      }}
    }}"""
    result = await execute(query, {"r": RANGE})
    assert result.errors is None
    mine = [r for r in rooms if r.get("departmentId") == "dA"]
    _compare(result.data["filtered"], _expected(mine, "UTC", "DAY"))
    assert result.data["department"]["series"] == result.data["filtered"]


async def test_percentiles_and_service_level(rooms: list[Document], execute: Execute) -> None:
    query = """query($r: DateRange!) {
      percentiles(range: $r, metric: CHAT_DURATION, ps: [0.5, 0.9, 1])
      dA: percentiles(range: $r, metric: WAITING_TIME, ps: [0.99, 0.5], departmentId: "dA")
      serviceLevel(range: $r, thresholdSeconds: 60)
      department(departmentId: "dA") {
        percentiles(range: $r, metric: WAITING_TIME, ps: [0.99, 0.5])
        serviceLevel(range: $r, thresholdSeconds: 60)
        none: percentiles(range: $r, metric: SERVICE_TIME, ps: [])
      }
    }"""
    result = await execute(query, {"r": RANGE})
    assert result.errors is None
    opened = reference.opened(rooms, START, END)
    mine = [r for r in opened if r.get("departmentId") == "dA"]
    durations = reference.durations(opened, "CHAT_DURATION")
    waits = reference.durations(mine, "WAITING_TIME")
    data = result.data
    assert data["percentiles"] == [reference.nearest_rank(durations, p) for p in (0.5, 0.9, 1)]
    assert data["dA"] == [reference.nearest_rank(waits, p) for p in (0.99, 0.5)]
    assert data["department"]["percentiles"] == data["dA"]
    assert data["department"]["none"] == []
    assert data["serviceLevel"] == pytest.approx(reference.service_level(opened, 60))
    assert data["department"]["serviceLevel"] == pytest.approx(reference.service_level(mine, 60))


async def test_a_monitor_sees_its_scope_only(rooms: list[Document], execute: Execute) -> None:
    query = """query($r: DateRange!) {
      hidden: series(range: $r, granularity: WEEK, departmentId: "dB") { chats }
      mine: series(range: $r, granularity: WEEK, departmentId: "dA") { chats }
      all: series(range: $r, granularity: WEEK) { chats }
      p: percentiles(range: $r, metric: CHAT_DURATION, ps: [1], departmentId: "dB")
      s: serviceLevel(range: $r, thresholdSeconds: 60, departmentId: "dB")
      department(departmentId: "dB") { name }
    }"""
    result = await execute(query, {"r": RANGE}, principal=MONITOR)
    assert result.errors is None
    data = result.data
    assert [b["chats"] for b in data["hidden"]] == [0, 0]  # 2024-W18 and 2024-W19
    assert data["all"] == data["mine"]  # no room of the test is in unit u1
    assert sum(b["chats"] for b in data["mine"]) == len(
        [r for r in reference.opened(rooms, START, END) if r.get("departmentId") == "dA"]
    )
    assert (data["p"], data["s"], data["department"]) == ([None], 0.0, None)


async def test_too_many_buckets(rooms: list[Document], execute: Execute) -> None:
    query = """query($r: DateRange!) { series(range: $r, granularity: DAY) { chats } }"""
    settings = Settings(limits=Limits(max_buckets=6))
    result = await execute(query, {"r": RANGE}, settings=settings)
    assert codes(result) == ["BAD_USER_INPUT"]
    assert "OMNIGATE_MAX_BUCKETS" in result.errors[0].message
    year = {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T00:00:00Z"}
    hourly = """query($r: DateRange!) { department(departmentId: "dA") {
      series(range: $r, granularity: HOUR) { chats } } }"""
    result = await execute(hourly, {"r": year})
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result.errors[0].path == ["department", "series"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ('series(range: $r, granularity: DAY, timezone: "Mars/Olympus") { chats }', "timezone"),
        (
            "series(range: $r, granularity: DAY) { serviceLevel(thresholdSeconds: -1) }",
            "0 or more",
        ),
        ("serviceLevel(range: $r, thresholdSeconds: -5)", "0 or more"),
        ("percentiles(range: $r, metric: WAITING_TIME, ps: [0.5, 0])", "(0, 1]"),
        ("percentiles(range: $r, metric: WAITING_TIME, ps: [1.5])", "(0, 1]"),
        ("series(range: $r, granularity: HOUR) { chats }", "after"),
    ],
)
async def test_bad_arguments_are_bad_user_input(
    rooms: list[Document], execute: Execute, field: str, message: str
) -> None:
    query = f"query($r: DateRange!) {{ {field} }}"
    backwards = {"start": RANGE["end"], "end": RANGE["start"]}
    result = await execute(query, {"r": backwards if message == "after" else RANGE})
    assert codes(result) == ["BAD_USER_INPUT"]
    assert message in result.errors[0].message


async def test_an_unknown_granularity_is_refused_by_the_schema(
    execute: Execute, caplog: pytest.LogCaptureFixture
) -> None:
    """``Granularity`` is an enum: GraphQL itself refuses other values, before any resolver
    (the error contract leaves validation and variable errors as GraphQL reports them),
    and does not log the client's mistake."""
    query = (
        "query($r: DateRange!, $g: Granularity!) { series(range: $r, granularity: $g) { chats } }"
    )
    variable = await execute(query, {"r": RANGE, "g": "year"})
    assert variable.data is None
    assert variable.errors[0].message == (
        "Variable '$g' has invalid value: Value 'year' does not exist in 'Granularity' enum."
    )
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    literal = await execute(
        "query($r: DateRange!) { series(range: $r, granularity: YEAR) { chats } }", {"r": RANGE}
    )
    assert literal.data is None
    assert "Value 'YEAR' does not exist in 'Granularity' enum" in literal.errors[0].message


async def test_the_reporting_setting_is_the_default_timezone(
    fresh_db: Database, rooms: list[Document], execute: Execute
) -> None:
    fresh_db.rocketchat_settings.insert_many(
        [
            {"_id": "Default_Timezone_For_Reporting", "value": "custom"},
            {"_id": "Default_Custom_Timezone", "value": "Asia/Kolkata"},
        ]
    )
    query = """query($r: DateRange!) { series(range: $r, granularity: DAY) { start label } }"""
    result = await execute(query, {"r": RANGE}, principal=MANAGER)
    assert result.errors is None
    assert result.data["series"][0] == {
        "start": "2024-04-30T18:30:00+00:00",
        "label": "2024-05-01",
    }
