"""The nine ``dashboards/...`` endpoints: every body (key order and number types included)
equal to the plain-Python reference, for a manager, department filters, an empty range,
monitors, a reporting timezone; by-hand figures; Rocket.Chat's errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timezone
from datetime import timedelta as td
from typing import Any

import pytest
from pymongo import MongoClient
from starlette.testclient import TestClient

from tests.conftest import mongo_url
from tests.metrics.documents import setting
from tests.rest.conftest import add_manager, serve

from . import documents as docs
from . import reference
from .conftest import headers_of
from .reference import View

DASHBOARDS = "/api/v1/livechat/analytics/dashboards"
RANGE = {"start": "2024-05-06T08:00:00.000Z", "end": "2024-05-06T18:00:00.000Z"}
U1 = {"units": frozenset({"u1"}), "departments": frozenset({"dA", "dB"})}

CASES: list[tuple[str, dict[str, str], View]] = [
    ("manager", {}, View()),
    ("manager", {"departmentId": "dA"}, View(department="dA")),
    ("manager", {"departmentId": "dC"}, View(department="dC")),
    ("manager", {"departmentId": "dGone"}, View(department="dGone")),
    ("manager", {"departmentId": ""}, View()),
    (
        "manager",
        {"start": RANGE["end"], "end": RANGE["start"]},
        View(start=docs.END, end=docs.START),
    ),
    ("monitor", {}, View(**U1)),
    ("monitor", {"departmentId": "dB"}, View(**U1, department="dB")),
    ("monitor", {"departmentId": "dC"}, View(**U1, department="dC")),
    ("idle-monitor", {}, View(units=frozenset({"u2"}))),
    ("lost-monitor", {}, View(units=frozenset())),
]
IDS = [
    "manager",
    "department",
    "other department",
    "deleted department",
    "empty departmentId",
    "empty range",
    "monitor",
    "monitor's department",
    "department outside the monitor's units",
    "monitor of a unit without departments",
    "monitor of no unit",
]


def get(client: TestClient, path: str, user: str = "manager", **query: str) -> Any:
    response = client.get(f"{DASHBOARDS}/{path}", params=query, headers=headers_of(user))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def assert_same(actual: Any, expected: Any) -> None:
    """Equal, with the same key order and the same JSON number types throughout."""
    assert actual == expected
    assert json.dumps(actual) == json.dumps(expected)


@pytest.mark.parametrize(("user", "query", "view"), CASES, ids=IDS)
@pytest.mark.parametrize("path", list(reference.BODIES))
def test_body(client: TestClient, path: str, user: str, query: dict[str, str], view: View) -> None:
    before = datetime.now(UTC)
    body = get(client, path, user, **{**RANGE, **query})
    after = datetime.now(UTC)
    # only the available time moves with the clock: one of both ends' bodies
    expected = [
        reference.BODIES[path](View(**{**vars(view), "now": now})) for now in (before, after)
    ]
    assert body in expected
    assert_same(body, expected[expected.index(body)])


def test_figures_by_hand(client: TestClient) -> None:
    """Checked against the documents by hand (see ``documents``)."""
    conversations = get(client, "conversation-totalizers", **RANGE)["totalizers"]
    assert conversations == [
        {"title": "Total_conversations", "value": 14},
        {"title": "Open_conversations", "value": 6},
        {"title": "On_Hold_conversations", "value": 1},
        {"title": "Total_messages", "value": 55},
        {"title": "Total_visitors", "value": 4},
    ]
    productivity = get(client, "productivity-totalizers", **RANGE)["totalizers"]
    # per department 250, 2, 50, ceil(7 / 3) = 3 and 0 s: 61 s (over every room: 96.45 s)
    assert productivity[-1] == {"title": "Avg_of_waiting_time", "value": "00:01:01"}
    assert [item["title"] for item in productivity[:3]] == [
        "Avg_response_time",
        "Avg_first_response_time",
        "Avg_reaction_time",
    ]
    assert get(client, "chats-totalizers", **RANGE)["totalizers"] == [
        {"title": "Total_abandoned_chats", "value": 2},
        {"title": "Avg_of_abandoned_chats", "value": "30.6%"},  # (20 + 0 + 100 + 33 + 0) / 5
        {"title": "Avg_of_chat_duration_time", "value": "00:43:45"},  # 2625.25 s
    ]
    agents = get(client, "agents-productivity-totalizers", **RANGE)["totalizers"]
    assert agents[0] == {"title": "Busiest_time", "value": "9AM- 10AM"}
    assert agents[2] == {"title": "Avg_of_service_time", "value": "00:15:34"}  # 933.67 s
    assert get(client, "charts/chats", **RANGE) == {
        "open": 4,
        "closed": 6,
        "queued": 1,
        "onhold": 1,
        "success": True,
    }
    assert get(client, "charts/chats-per-agent", **RANGE) == {
        "ana": {"open": 1, "closed": 2, "onhold": 0},
        "bruno": {"open": 1, "closed": 1, "onhold": 1},
        "chloe": {"open": 2, "closed": 1, "onhold": 0},
        "david": {"open": 0, "closed": 1, "onhold": 0},
        "success": True,
    }
    assert get(client, "charts/agents-status") == {
        "offline": 3,
        "away": 1,
        "busy": 2,
        "available": 1,
        "success": True,
    }
    assert get(client, "charts/chats-per-department", **RANGE) == {
        "Alpha": {"open": 3, "closed": 2},
        "Beta": {"open": 1, "closed": 1},
        "Gamma": {"open": 2, "closed": 1},
        "success": True,
    }
    assert get(client, "charts/timings", **RANGE) == {
        "response": {"avg": 13, "longest": 400},
        "reaction": {"avg": 45, "longest": 90},
        "chatDuration": {"avg": 3700, "longest": 7200},
        "success": True,
    }


def test_available_time_on_a_day_without_open_sessions(client: TestClient) -> None:
    """dA's agents a1 and a2 were available 3600 s and 1800 s on the start's day."""
    found = get(client, "agents-productivity-totalizers", **RANGE, departmentId="dA")["totalizers"]
    assert found[1] == {"title": "Avg_of_available_service_time", "value": "00:45:00"}


def test_a_reporting_timezone_moves_the_whole_days(
    sync_client: MongoClient, mongo_port: int
) -> None:
    """At +05:00 the range's day runs from 19:00Z the day before: r11 in, r15 out."""
    db = sync_client["monitoring_timezone"]
    try:
        docs.insert(db, {**docs.COLLECTIONS, "rocketchat_settings": []})
        db.rocketchat_settings.insert_many(
            [
                *docs.SETTINGS,
                setting("Default_Timezone_For_Reporting", "custom"),
                setting("Default_Custom_Timezone", "+05:00"),
            ]
        )
        add_manager(db)
        view = View(zone=timezone(td(hours=5)))
        with serve(mongo_url(mongo_port, db.name)) as client:
            for path in ("conversation-totalizers", "productivity-totalizers"):
                assert_same(get(client, path, **RANGE), reference.BODIES[path](view))
            busiest = get(client, "agents-productivity-totalizers", **RANGE)["totalizers"][0]
            assert busiest == reference.agents_productivity_totalizers(view)["totalizers"][0]
        totals = reference.conversation_totalizers(view)["totalizers"]
        assert totals[0] == {"title": "Total_conversations", "value": 14}  # r11 in, r15 out
    finally:
        sync_client.drop_database(db.name)


def test_departments_sharing_a_name_share_an_entry(
    sync_client: MongoClient, mongo_port: int
) -> None:
    db = sync_client["monitoring_names"]
    try:
        docs.insert(db)
        db.rocketchat_livechat_department.insert_one({"_id": "dX", "name": "Alpha"})
        db.rocketchat_room.insert_one(
            {"_id": "x1", "t": "l", "ts": docs.START, "departmentId": "dX", "open": True}
        )
        add_manager(db)
        with serve(mongo_url(mongo_port, db.name)) as client:
            body = get(client, "charts/chats-per-department", **RANGE)
        assert body["Alpha"] == {"open": 4, "closed": 2}
        assert list(body) == ["Alpha", "Beta", "Gamma", "success"]
    finally:
        sync_client.drop_database(db.name)


@pytest.mark.parametrize("path", [p for p in reference.BODIES if p != "charts/agents-status"])
def test_errors(client: TestClient, path: str) -> None:
    url = f"{DASHBOARDS}/{path}"
    assert client.get(url, params=RANGE).status_code == 401
    missing = client.get(url, params={"end": RANGE["end"]}, headers=headers_of("manager"))
    assert missing.status_code == 400
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'start' [invalid-params]",
        "errorType": "invalid-params",
    }
    bad = client.get(url, params={**RANGE, "end": "soon"}, headers=headers_of("manager"))
    assert bad.status_code == 400
    assert bad.json() == {
        "success": False,
        "error": 'The "end" query parameter must be a valid date.',
    }


def test_agents_status_needs_no_range_but_credentials(client: TestClient) -> None:
    url = f"{DASHBOARDS}/charts/agents-status"
    assert client.get(url).json() == {
        "status": "error",
        "message": "You must be logged in to do this.",
    }
    assert get(client, "charts/agents-status", departmentId="dC") == {
        "offline": 1,  # a5, not available
        "away": 0,
        "busy": 1,  # a3
        "available": 0,
        "success": True,
    }
