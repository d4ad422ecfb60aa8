"""Every department metric through GraphQL, against values computed here in plain Python."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.database import Database

from tests.metrics.documents import at, random_room, setting, transfer
from tests.schema.conftest import Execute, codes

START, END = at("2024-05-01T00:00"), at("2024-05-31T23:59:59.999")
DEPARTMENTS = ["dA", "dB", "dC", "dEmpty"]

METRICS = """
  chats(range: $r) answered: chats(range: $r, answered: true)
  unanswered: chats(range: $r, answered: false)
  transferredChats(range: $r) abandonedChats(range: $r) abandonedChatsPercentage(range: $r)
  averageServiceTime(range: $r) averageChatDuration(range: $r) averageWaitingTime(range: $r)
  totalServiceTime(range: $r) { chats seconds }
"""
QUERY = f"""query($r: DateRange!) {{ departments {{ edges {{ node {{
  departmentId name enabled archived {METRICS} }} }} }} }}"""


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _get(document: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(part)  # type: ignore[assignment]
    return document


def expected_metrics(
    rooms: list[dict[str, Any]], messages: list[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, dict[str, Any]]:
    """SPEC §2, computed straight from the documents."""
    result: dict[str, dict[str, Any]] = {}
    for department in DEPARTMENTS:
        mine = [r for r in rooms if r.get("t") == "l" and r.get("departmentId") == department]
        opened = [r for r in mine if start <= r["ts"] <= end]
        closed = [
            r for r in mine if r.get("closedAt") and r["ts"] >= start and r["closedAt"] <= end
        ]
        answered = [r for r in opened if r.get("waitingResponse") is not True]
        served = [
            r
            for r in opened
            if _get(r, "responseBy.lastMessageTs") and _get(r, "servedBy._id") is not None
        ]
        service = [
            (r["responseBy"]["lastMessageTs"] - r["servedBy"]["ts"]).total_seconds() for r in served
        ]
        timed = [
            r["metrics"]["serviceTimeDuration"]
            for r in closed
            if _get(r, "metrics.serviceTimeDuration") is not None
        ]
        inactive = [r for r in opened if (_get(r, "metrics.visitorInactivity") or 0) >= 3600]
        transfers = [
            m
            for m in messages
            if start <= m["ts"] <= end
            and next((r.get("departmentId") for r in rooms if r["_id"] == m["rid"]), None)
            == department
        ]
        result[department] = {
            "chats": len(opened),
            "answered": len(answered),
            "unanswered": len(opened) - len(answered),
            "transferredChats": len(transfers),
            "abandonedChats": sum(
                (_get(r, "metrics.visitorInactivity") or 0) >= 3600 for r in closed
            ),
            "abandonedChatsPercentage": 100 * len(inactive) / len(opened) if opened else 0.0,
            "averageServiceTime": sum(service) / len(service) if service else 0.0,
            "averageChatDuration": (
                sum(_get(r, "metrics.chatDuration") or 0 for r in closed) / len(closed)
                if closed
                else 0.0
            ),
            "averageWaitingTime": (
                sum(_get(r, "metrics.response.ft") or 0 for r in answered) / len(answered)
                if answered
                else 0.0
            ),
            "totalServiceTime": {"chats": len(timed), "seconds": sum(timed)},
        }
    return result


def _insert(db: Database, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    db.rocketchat_livechat_department.insert_many(
        [
            {"_id": "dA", "name": "Alpha", "enabled": True},
            {"_id": "dB", "name": "Beta", "enabled": False, "archived": True},
            {"_id": "dC", "name": "Gamma"},
            {"_id": "dEmpty", "name": "Zeta", "enabled": True, "archived": False},
        ]
    )
    window = (START - timedelta(days=3), END + timedelta(days=3))
    rooms = [random_room(rng, f"r{i}", *window, ["dA", "dB", "dC", None]) for i in range(240)]
    # boundaries: opened exactly at start and at end, and one millisecond outside
    rooms += [
        {"_id": "edge1", "t": "l", "ts": START, "departmentId": "dA", "msgs": 1},
        {"_id": "edge2", "t": "l", "ts": END, "departmentId": "dA", "msgs": 1},
        {"_id": "edge3", "t": "l", "ts": START - timedelta(milliseconds=1), "departmentId": "dA"},
        {"_id": "edge4", "t": "l", "ts": END + timedelta(milliseconds=1), "departmentId": "dA"},
    ]
    messages = [
        transfer(
            f"m{i}",
            rng.choice([r["_id"] for r in rooms] + ["gone"]),
            rng.choice(
                [START, END, START + (END - START) * rng.random(), END + timedelta(milliseconds=1)]
            ).replace(microsecond=0),
        )
        for i in range(60)
    ]
    db.rocketchat_room.insert_many(rooms)
    db.rocketchat_message.insert_many(messages)
    db.rocketchat_settings.insert_one(setting("Livechat_visitor_inactivity_timeout", 3600))
    return rooms, messages


def _approx(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert abs(actual[key] - value) < 1e-6, key
        elif isinstance(value, dict):
            _approx(actual[key], value)
        else:
            assert actual[key] == value, key


async def test_every_metric_of_every_department(fresh_db: Database, execute: Execute) -> None:
    rooms, messages = _insert(fresh_db)
    result = await execute(QUERY, {"r": {"start": _iso(START), "end": _iso(END)}})
    assert result.errors is None
    nodes = [edge["node"] for edge in result.data["departments"]["edges"]]
    assert [n["name"] for n in nodes] == ["Alpha", "Beta", "Gamma", "Zeta"]
    assert [(n["enabled"], n["archived"]) for n in nodes] == [
        (True, False),
        (False, True),
        (True, False),
        (True, False),
    ]
    expected = expected_metrics(rooms, messages, START, END)
    for node in nodes:
        _approx(node, expected[node["departmentId"]])
    assert nodes[3]["chats"] == 0 and nodes[3]["averageServiceTime"] == 0.0


async def test_aliases_ask_several_ranges_in_one_request(
    fresh_db: Database, execute: Execute
) -> None:
    rooms, messages = _insert(fresh_db, seed=11)
    week = (at("2024-05-13T00:00"), at("2024-05-19T23:59:59.999"))
    before = (at("2024-05-06T00:00"), at("2024-05-12T23:59:59.999"))
    query = """query($a: DateRange!, $b: DateRange!) { department(departmentId: "dA") {
      thisWeek: chats(range: $a) lastWeek: chats(range: $b)
      thisWeekWait: averageWaitingTime(range: $a) lastWeekWait: averageWaitingTime(range: $b)
      thisWeekTransfers: transferredChats(range: $a) lastWeekTransfers: transferredChats(range: $b)
    } }"""
    result = await execute(
        query,
        {
            "a": {"start": _iso(week[0]), "end": _iso(week[1])},
            "b": {"start": _iso(before[0]), "end": _iso(before[1])},
        },
    )
    assert result.errors is None
    got = result.data["department"]
    this, last = (
        expected_metrics(rooms, messages, *week)["dA"],
        expected_metrics(rooms, messages, *before)["dA"],
    )
    assert got["thisWeek"] == this["chats"] and got["lastWeek"] == last["chats"]
    assert abs(got["thisWeekWait"] - this["averageWaitingTime"]) < 1e-6
    assert abs(got["lastWeekWait"] - last["averageWaitingTime"]) < 1e-6
    assert got["thisWeekTransfers"] == this["transferredChats"]
    assert got["lastWeekTransfers"] == last["transferredChats"]


async def test_department_and_node_lookups(fresh_db: Database, execute: Execute) -> None:
    rooms, messages = _insert(fresh_db)
    variables = {"r": {"start": _iso(START), "end": _iso(END)}}
    listing = await execute("{ departments { edges { node { id departmentId } } } }")
    ids = {e["node"]["departmentId"]: e["node"]["id"] for e in listing.data["departments"]["edges"]}
    result = await execute(
        f"""query($r: DateRange!, $id: ID!) {{
          node(id: $id) {{ id ... on Department {{ departmentId ...M }} }}
          missing: department(departmentId: "nope") {{ name }}
          wrongType: node(id: "{_b64("Room:dA")}") {{ id }}
        }}
        fragment M on Department {{ chats(range: $r) abandonedChats(range: $r) }}""",
        {**variables, "id": ids["dC"]},
    )
    assert result.errors is None, result.errors
    expected = expected_metrics(rooms, messages, START, END)["dC"]
    assert result.data["node"] == {
        "id": ids["dC"],
        "departmentId": "dC",
        "chats": expected["chats"],
        "abandonedChats": expected["abandonedChats"],
    }
    assert result.data["missing"] is None and result.data["wrongType"] is None
    bad = await execute('{ node(id: "not a global id!") { id } }')
    assert codes(bad) == ["BAD_USER_INPUT"]


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


async def test_naive_datetimes_are_utc(fresh_db: Database, execute: Execute) -> None:
    fresh_db.rocketchat_livechat_department.insert_one({"_id": "d", "name": "D"})
    fresh_db.rocketchat_room.insert_one(
        {"_id": "r", "t": "l", "ts": datetime(2024, 1, 1, 12, tzinfo=UTC), "departmentId": "d"}
    )
    query = """query($r: DateRange!) { department(departmentId: "d") { chats(range: $r) } }"""
    naive = await execute(
        query, {"r": {"start": "2024-01-01T12:00:00", "end": "2024-01-01T12:00:00"}}
    )
    shifted = await execute(
        query, {"r": {"start": "2024-01-01T12:00:00+01:00", "end": "2024-01-01T12:30:00+01:00"}}
    )
    assert naive.data["department"]["chats"] == 1
    assert shifted.data["department"]["chats"] == 0


ORDERINGS = {
    "CHATS": "chats",
    "TRANSFERRED_CHATS": "transferredChats",
    "ABANDONED_CHATS": "abandonedChats",
    "ABANDONED_CHATS_PERCENTAGE": "abandonedChatsPercentage",
    "AVERAGE_SERVICE_TIME": "averageServiceTime",
    "AVERAGE_CHAT_DURATION": "averageChatDuration",
    "TOTAL_SERVICE_TIME": "totalServiceTime",
    "AVERAGE_WAITING_TIME": "averageWaitingTime",
}


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_every_metric_ordering_sorts_by_its_field(
    fresh_db: Database, execute: Execute, direction: str
) -> None:
    rooms, messages = _insert(fresh_db)
    expected = expected_metrics(rooms, messages, START, END)
    sign = -1 if direction == "DESC" else 1
    for ordering, field in ORDERINGS.items():
        result = await execute(
            """query($o: DepartmentOrder!) {
              departments(orderBy: $o) { edges { node { departmentId } } } }""",
            {
                "o": {
                    "field": ordering,
                    "direction": direction,
                    "range": {"start": _iso(START), "end": _iso(END)},
                },
            },
        )
        assert result.errors is None, result.errors
        ids = [e["node"]["departmentId"] for e in result.data["departments"]["edges"]]

        def value(department: str, field: str = field) -> float:
            metric = expected[department][field]
            return metric["seconds"] if isinstance(metric, dict) else metric

        assert ids == sorted(DEPARTMENTS, key=lambda d: (sign * value(d), d)), ordering
