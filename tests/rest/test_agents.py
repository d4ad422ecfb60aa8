"""The agent overview and the three agent lists: full bodies against ``agent_data``'s
plain-Python expectations (Rocket.Chat's rounding and orders), every name and filter,
paging, the monitor's scope, the reporting timezone's days, and Rocket.Chat's errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, timedelta, timezone
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from starlette.testclient import TestClient

from tests.auth.documents import add_user
from tests.conftest import mongo_url
from tests.metrics.agent_documents import ASSIGNMENTS, END, MONITOR, START, UNIT, insert
from tests.metrics.documents import at, setting

from . import agent_data
from .conftest import add_manager, serve

BASE = "/api/v1/livechat/analytics"
RANGE = {"start": "2024-05-01T00:00:00.000Z", "end": "2024-05-31T23:59:59.999Z"}
DAYS = {"from": "2024-05-01", "to": "2024-05-31"}
NAMES = list(agent_data.OVERVIEW)
LISTS = ["average-service-time", "total-service-time"]
IN_UNIT = {a["agentId"] for a in ASSIGNMENTS if a["departmentId"] in MONITOR.departments}


@pytest.fixture(scope="module")
def agents_db(sync_client: MongoClient) -> Iterator[Database]:
    """The agent documents, a manager, a monitor of unit u1 and a user without the permission."""
    db = sync_client["rest_agents"]
    insert(db)
    add_manager(db)
    add_user(db, "monitor", roles=("user", "livechat-monitor"))
    db.rocketchat_livechat_unit_monitors.insert_one(
        {"_id": "um1", "monitorId": "monitor", "unitId": UNIT, "username": "name-monitor"}
    )
    add_user(db, "plain", roles=("user",))
    yield db
    sync_client.drop_database(db.name)


@pytest.fixture(scope="module")
def client(agents_db: Database, mongo_port: int) -> Iterator[TestClient]:
    with serve(mongo_url(mongo_port, agents_db.name)) as test_client:
        yield test_client


def login(user: str) -> dict[str, str]:
    return {"X-User-Id": user, "X-Auth-Token": f"tok-{user}"}


MANAGER, MONITOR_LOGIN = login("manager"), login("monitor")


def get(client: TestClient, path: str, headers: dict[str, str], **query: str) -> Any:
    response = client.get(f"{BASE}/{path}", params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("name", NAMES)
def test_agent_overview_of_every_name(client: TestClient, name: str) -> None:
    body = get(client, "agent-overview", MANAGER, name=name, **DAYS)
    assert body == agent_data.agent_overview(name, START, END)
    assert list(body) == ["head", "data", "success"]
    assert body["data"], name  # every name has rows on these documents


def test_agent_overview_values(client: TestClient) -> None:
    """A few of the values spelled out: shares to 2 decimals, times as HH:MM:SS, the
    agent who left listed (rooms are grouped), ties by username."""
    shares = get(client, "agent-overview", MANAGER, name="Total_conversations", **DAYS)
    assert shares["head"] == [{"name": "Agent"}, {"name": "%_of_conversations"}]
    assert shares["data"] == [
        {"name": "alice", "value": "50.00%"},
        {"name": "bruno", "value": "40.00%"},
        {"name": "xavier", "value": "10.00%"},
    ]
    messages = get(client, "agent-overview", MANAGER, name="Total_messages", **DAYS)
    assert messages["data"] == [
        {"name": "alice", "value": 20},
        {"name": "bruno", "value": 16},
        {"name": "xavier", "value": 4},
    ]
    best = get(client, "agent-overview", MANAGER, name="Best_first_response_time", **DAYS)
    assert best["data"] == [
        {"name": "xavier", "value": "00:00:02"},
        {"name": "alice", "value": "00:00:05"},  # 4.75 s
        {"name": "bruno", "value": "00:00:07"},
    ]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("department", ["dA", "dC", "nowhere"])
def test_agent_overview_of_a_department(client: TestClient, name: str, department: str) -> None:
    body = get(client, "agent-overview", MANAGER, name=name, departmentId=department, **DAYS)
    assert body == agent_data.agent_overview(name, START, END, department=department)


@pytest.mark.parametrize("name", NAMES)
def test_agent_overview_in_a_monitors_scope(client: TestClient, name: str) -> None:
    body = get(client, "agent-overview", MONITOR_LOGIN, name=name, **DAYS)
    assert body == agent_data.agent_overview(name, START, END, monitor=MONITOR)
    outside = get(client, "agent-overview", MONITOR_LOGIN, name=name, departmentId="dC", **DAYS)
    assert outside["data"] == []


def test_agent_overview_of_some_days(client: TestClient) -> None:
    start, end = agent_data.day_range(date(2024, 5, 3), date(2024, 5, 13), UTC)
    for name in NAMES:
        body = get(
            client,
            "agent-overview",
            MANAGER,
            name=name,
            **{"from": "2024-05-03", "to": "2024-05-13"},
        )
        assert body == agent_data.agent_overview(name, start, end)
    backwards = {"from": "2024-05-31", "to": "2024-05-01"}
    empty = get(client, "agent-overview", MANAGER, name="Total_messages", **backwards)
    assert empty["data"] == []


def _list_body(
    items: list[dict[str, Any]], offset: int = 0, total: int | None = None
) -> dict[str, Any]:
    return {
        "agents": items,
        "count": len(items),
        "offset": offset,
        "total": len(items) if total is None else total,
        "success": True,
    }


@pytest.mark.parametrize("path", LISTS)
def test_service_time_lists(client: TestClient, path: str) -> None:
    items = agent_data.service_items(path, START, END)
    assert get(client, f"agents/{path}", MANAGER, **RANGE) == _list_body(items)
    assert [item["username"] for item in items] == ["alice", "bruno", "xavier"]
    page = get(client, f"agents/{path}", MANAGER, offset="1", count="1", **RANGE)
    assert page == _list_body(items[1:2], offset=1, total=3)
    past = get(client, f"agents/{path}", MANAGER, offset="5", **RANGE)
    assert past == _list_body([], offset=5, total=3)
    mine = get(client, f"agents/{path}", MONITOR_LOGIN, **RANGE)
    assert mine == _list_body(agent_data.service_items(path, START, END, MONITOR))
    backwards = {"start": RANGE["end"], "end": RANGE["start"]}
    assert get(client, f"agents/{path}", MANAGER, **backwards) == _list_body([])


def test_service_time_values(client: TestClient) -> None:
    average = get(client, "agents/average-service-time", MANAGER, **RANGE)["agents"]
    # alice: 80.25, 0 and 10 s over three rooms (a service time of 0 counts): ceil(30.08)
    assert average[0] == {"_id": "a1", "username": "alice", "averageServiceTimeInSeconds": 31}
    total = get(client, "agents/total-service-time", MANAGER, **RANGE)["agents"]
    assert total[0] == {"_id": "a1", "username": "alice", "chats": 3, "serviceTimeDuration": 91}


@pytest.mark.parametrize("full_report", [None, "true", "false", "yes"])
def test_availability(client: TestClient, full_report: str | None) -> None:
    query = RANGE if full_report is None else {**RANGE, "fullReport": full_report}
    body = get(client, "agents/available-for-service-history", MANAGER, **query)
    items = agent_data.availability_items(START, END, full_report=full_report == "true")
    assert body == _list_body(items)
    # the first and the last day whole; the agent who left is a user still, the deleted one not
    assert [(i["username"], i["availableTimeInSeconds"]) for i in body["agents"]] == [
        ("alice", 14400),
        ("bruno", 5000),
        ("xavier", 900),
    ]
    if full_report == "true":
        assert body["agents"][0]["serviceHistory"][0] == {
            "startedAt": "2024-05-01T09:00:00.000Z",
            "stoppedAt": "2024-05-01T10:00:00.000Z",
        }
        assert len(body["agents"][0]["serviceHistory"]) == 4
    else:
        assert all("serviceHistory" not in item for item in body["agents"])


def test_availability_paging_and_scope(client: TestClient) -> None:
    path = "agents/available-for-service-history"
    items = agent_data.availability_items(START, END)
    assert get(client, path, MANAGER, count="2", **RANGE) == _list_body(items[:2], total=3)
    assert get(client, path, MANAGER, offset="2", **RANGE) == _list_body(items[2:], 2, 3)
    mine = get(client, path, MONITOR_LOGIN, **RANGE)
    assert mine == _list_body(
        agent_data.availability_items(START, END, visible=IN_UNIT.__contains__)
    )
    assert [item["username"] for item in mine["agents"]] == ["alice"]


def test_availability_days_follow_the_reporting_timezone(
    fresh_db: Database, mongo_port: int
) -> None:
    """With the reporting timezone +02:00, the range of May in that timezone reads the
    documents dated May 1 to May 31 (not April 30, though it starts on April 30 in UTC)."""
    insert(fresh_db)
    fresh_db.rocketchat_settings.insert_many(
        [
            setting("Default_Timezone_For_Reporting", "custom"),
            setting("Default_Custom_Timezone", "+02:00"),
        ]
    )
    headers = add_manager(fresh_db)
    plus_two = timezone(timedelta(hours=2))
    start, end = agent_data.day_range(date(2024, 5, 1), date(2024, 5, 31), plus_two)
    assert start == at("2024-04-30T22:00")
    with serve(mongo_url(mongo_port, fresh_db.name)) as test_client:
        body = get(
            test_client,
            "agents/available-for-service-history",
            headers,
            start="2024-04-30T22:00:00Z",
            end="2024-05-31T21:59:59.999Z",
        )
    assert body == _list_body(agent_data.availability_items(start, end, zone=plus_two))
    assert body["agents"][0]["availableTimeInSeconds"] == 14400  # not April 30's 8 hours


MISSING = [
    ("agent-overview", {"from": "2024-05-01", "to": "2024-05-31"}, "name"),
    ("agent-overview", {"name": "Total_conversations", "to": "2024-05-31"}, "from"),
    ("agents/average-service-time", {"end": "2024-05-31"}, "start"),
    ("agents/available-for-service-history", {"start": "2024-05-01"}, "end"),
]


@pytest.mark.parametrize(("path", "query", "missing"), MISSING)
def test_missing_parameters(
    client: TestClient, path: str, query: dict[str, str], missing: str
) -> None:
    response = client.get(f"{BASE}/{path}", params=query, headers=MANAGER)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": f"must have required property '{missing}' [invalid-params]",
        "errorType": "invalid-params",
    }


def test_an_unknown_name_is_invalid(client: TestClient) -> None:
    """A documented deviation: Rocket.Chat answers ``200 {"success": true}``."""
    response = client.get(
        f"{BASE}/agent-overview", params={"name": "Nope", **DAYS}, headers=MANAGER
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errorType"] == "invalid-params" and '"name" query parameter' in body["error"]
    assert "Best_first_response_time" in body["error"]


BAD_DATES = [
    ("agent-overview", {"name": "Total_messages", "from": "May 1", "to": "2024-05-31"}, "from"),
    ("agents/total-service-time", {"start": "2024-05-01", "end": "soon"}, "end"),
]


@pytest.mark.parametrize(("path", "query", "name"), BAD_DATES)
def test_bad_dates(client: TestClient, path: str, query: dict[str, str], name: str) -> None:
    response = client.get(f"{BASE}/{path}", params=query, headers=MANAGER)
    assert response.status_code == 400
    error = f'The "{name}" query parameter must be a valid date.'
    assert response.json() == {"success": False, "error": error}


@pytest.mark.parametrize(
    "path", ["agent-overview", *(f"agents/{p}" for p in [*LISTS, "available-for-service-history"])]
)
def test_authentication_then_permission(client: TestClient, path: str) -> None:
    unauthenticated = client.get(f"{BASE}/{path}", params=RANGE)
    assert unauthenticated.status_code == 401
    forbidden = client.get(f"{BASE}/{path}", params=RANGE, headers=login("plain"))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"].endswith("[error-unauthorized]")
