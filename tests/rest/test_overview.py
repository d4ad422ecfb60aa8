"""``/overview``: both item lists in full, against ``data``'s plain-Python expectations;
calendar days in the reporting timezone; ``Conversations_per_day`` and ``HH:MM:SS``."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.config import Limits
from tests.conftest import mongo_url
from tests.metrics.documents import at, room, setting

from . import data
from .conftest import add_manager, serve

OVERVIEW = "/api/v1/livechat/analytics/overview"
UTC = ZoneInfo("UTC")
MAY = {"from": "2024-05-01", "to": "2024-05-31"}
# The order of Rocket.Chat's overview document (SPEC §4)
CONVERSATIONS = [
    "Total_conversations",
    "Open_conversations",
    "On_Hold_conversations",
    "Total_messages",
    "Busiest_day",
    "Conversations_per_day",
    "Busiest_time",
]


def get(client: TestClient, headers: dict[str, str], **query: str) -> list[dict[str, Any]]:
    response = client.get(OVERVIEW, params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def expected_conversations(first: date, last: date, department: str | None = None) -> list:
    rooms = data.overview_rooms(data.ROOMS, first, last, UTC, department)
    return data.conversations(rooms, (last - first).days + 1, UTC)


def test_conversations(rest_client: TestClient, headers: dict[str, str]) -> None:
    answer = get(rest_client, headers, name="Conversations", **MAY)
    assert answer == expected_conversations(date(2024, 5, 1), date(2024, 5, 31))
    # by hand: r1..r6 and r9..r12; r7 is no livechat room, r8 was opened on April 30th
    assert answer == [
        {"title": "Total_conversations", "value": 10},
        {"title": "Open_conversations", "value": 2},
        {"title": "On_Hold_conversations", "value": 1},
        {"title": "Total_messages", "value": 32},
        {"title": "Busiest_day", "value": "Friday"},
        {"title": "Conversations_per_day", "value": "0.32"},
        {"title": "Busiest_time", "value": "3PM- 4PM"},
    ]
    for item in answer:
        assert list(item) == ["title", "value"]
    assert [type(item["value"]) for item in answer] == [int] * 4 + [str] * 3


@pytest.mark.parametrize("department", [None, "dA", "nobody"])
def test_conversations_items_follow_rocketchats_document(
    rest_client: TestClient, headers: dict[str, str], department: str | None
) -> None:
    query = {"name": "Conversations", **MAY} | ({"departmentId": department} if department else {})
    answer = get(rest_client, headers, **query)
    for position, title in enumerate(CONVERSATIONS):
        assert answer[position]["title"] == title, position
    assert len(answer) == len(CONVERSATIONS)


def test_productivity(rest_client: TestClient, headers: dict[str, str]) -> None:
    answer = get(rest_client, headers, name="Productivity", **MAY)
    productive = data.overview_rooms(data.ROOMS, date(2024, 5, 1), date(2024, 5, 31), UTC)
    assert answer == data.productivity(productive)
    # r1 and r11 have response and reaction metrics: means 3663.2 s, 6.125 s and 59.5 s,
    # whose seconds are rounded after the minutes are floored
    assert answer == [
        {"title": "Avg_response_time", "value": "01:01:03"},
        {"title": "Avg_first_response_time", "value": "00:00:06"},
        {"title": "Avg_reaction_time", "value": "00:00:60"},
    ]


def test_department_filter(rest_client: TestClient, headers: dict[str, str]) -> None:
    answer = get(rest_client, headers, name="Conversations", departmentId="dA", **MAY)
    assert answer == expected_conversations(date(2024, 5, 1), date(2024, 5, 31), "dA")
    assert answer[0] == {"title": "Total_conversations", "value": 3}
    productivity = get(rest_client, headers, name="Productivity", departmentId="dB", **MAY)
    assert [item["value"] for item in productivity] == ["00:00:00"] * 3  # no metrics in dB


@pytest.mark.parametrize(
    ("first", "last", "per_day"),
    [
        ("2024-05-10", "2024-05-17", "0.13"),  # 1 / 8 = 0.125 rounds up, as toFixed(2) does
        ("2024-05-10", "2024-05-10", "1.00"),
        ("2024-05-11", "2024-05-19", "0.00"),  # no rooms
        ("2024-05-10", "2024-05-09", "0.00"),  # from after to: nothing
    ],
)
def test_conversations_per_day(
    rest_client: TestClient, headers: dict[str, str], first: str, last: str, per_day: str
) -> None:
    answer = get(rest_client, headers, name="Conversations", **{"from": first, "to": last})
    assert answer[5] == {"title": "Conversations_per_day", "value": per_day}
    if per_day == "0.00":
        assert [item["value"] for item in answer] == [0, 0, 0, 0, "-", "0.00", "-"]


def test_only_the_first_ten_characters_are_the_day(
    rest_client: TestClient, headers: dict[str, str]
) -> None:
    """Rocket.Chat's example sends instants; their time of day is ignored."""
    days = {"from": "2024-05-01T12:11:45.392Z", "to": "2024-05-31T00:00:00.000Z"}
    assert get(rest_client, headers, name="Conversations", **days) == expected_conversations(
        date(2024, 5, 1), date(2024, 5, 31)
    )


# In New York (UTC-4 in May) 2024-05-02 runs from 04:00Z to 2024-05-03T03:59:59.999Z.
NEAR_MIDNIGHT = [
    room("a", at("2024-05-02T02:00"), msgs=50),  # May 1st, 22:00 local
    room("b", at("2024-05-02T05:00"), msgs=1),  # May 2nd, 01:00
    room("c", at("2024-05-03T02:30"), msgs=3),  # May 2nd, 22:30
    room("d", at("2024-05-03T03:59:59.999"), msgs=0),  # May 2nd, 23:59:59.999
    room("e", at("2024-05-03T04:00"), msgs=100),  # May 3rd, 00:00
]


@pytest.mark.parametrize(
    ("documents", "user_fields"),
    [
        (
            [
                setting("Default_Timezone_For_Reporting", "custom"),
                setting("Default_Custom_Timezone", "America/New_York"),
            ],
            {},
        ),
        ([setting("Default_Timezone_For_Reporting", "user")], {"utcOffset": -4}),
    ],
    ids=["custom", "user"],
)
def test_days_are_calendar_days_of_the_reporting_timezone(
    fresh_db: Database, mongo_port: int, documents: list, user_fields: dict[str, Any]
) -> None:
    fresh_db.rocketchat_room.insert_many(NEAR_MIDNIGHT)
    fresh_db.rocketchat_settings.insert_many(documents)
    headers = add_manager(fresh_db, **user_fields)
    zone = ZoneInfo("America/New_York")
    day = date(2024, 5, 2)
    selected = data.overview_rooms(NEAR_MIDNIGHT, day, day, zone)
    with serve(mongo_url(mongo_port, fresh_db.name)) as client:
        answer = get(
            client, headers, name="Conversations", **{"from": "2024-05-02", "to": "2024-05-02"}
        )
    assert answer == data.conversations(selected, 1, zone)
    assert answer == [
        {"title": "Total_conversations", "value": 3},
        {"title": "Open_conversations", "value": 3},
        {"title": "On_Hold_conversations", "value": 0},
        {"title": "Total_messages", "value": 4},
        {"title": "Busiest_day", "value": "Thursday"},
        {"title": "Conversations_per_day", "value": "3.00"},
        {"title": "Busiest_time", "value": "10PM- 11PM"},
    ]


@pytest.mark.parametrize("name", ["Conversations", "Productivity"])
def test_a_range_over_the_day_limit_is_400(
    rest_client: TestClient, headers: dict[str, str], name: str
) -> None:
    """2023-01-01 to 2025-01-02 spans 733 days, one more than OMNIGATE_MAX_OVERVIEW_DAYS."""
    query = {"name": name, "from": "2023-01-01", "to": "2025-01-02", "departmentId": "dA"}
    response = rest_client.get(OVERVIEW, params=query, headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "The overview range spans 733 days, more than the limit of 732 "
        "(OMNIGATE_MAX_OVERVIEW_DAYS): ask for a shorter range.",
        "errorType": "invalid-params",
    }
    within = {**query, "to": "2025-01-01"}
    assert rest_client.get(OVERVIEW, params=within, headers=headers).status_code == 200


def test_the_day_limit_is_configurable(rest_db: Database, mongo_port: int) -> None:
    headers = {"X-User-Id": "manager", "X-Auth-Token": "tok-manager"}
    with serve(mongo_url(mongo_port, rest_db.name), limits=Limits(max_overview_days=31)) as client:
        assert get(client, headers, name="Conversations", **MAY)[0]["value"] == 10
        june = {"from": "2024-05-01", "to": "2024-06-01"}
        response = client.get(OVERVIEW, params={"name": "Conversations", **june}, headers=headers)
    assert response.status_code == 400
    assert (
        "spans 32 days, more than the limit of 31 (OMNIGATE_MAX_OVERVIEW_DAYS)"
        in (response.json()["error"])
    )
