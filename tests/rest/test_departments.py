"""The eight department lists: full bodies against ``data``'s plain-Python expectations,
key order and JSON types, the ``null`` group first, paging, filters and empty ranges."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from pymongo import MongoClient
from starlette.testclient import TestClient

from omnigate.http.rest.departments import REST_METRICS
from omnigate.metrics.rows import OpenedRow
from omnigate.seed import SeedReport
from tests.conftest import SEED_NOW, SEEDED_DB

from . import data

BASE = "/api/v1/livechat/analytics/departments"
RANGE = {"start": "2024-05-01", "end": "2024-05-31T23:59:59.999Z"}
PATHS = [
    "amount-of-chats",
    "average-service-time",
    "average-chat-duration-time",
    "total-service-time",
    "average-waiting-time",
    "total-transferred-chats",
    "total-abandoned-chats",
    "percentage-abandoned-chats",
]
VALUE_KEYS = {
    "amount-of-chats": ["rooms"],
    "average-service-time": ["averageServiceTimeInSeconds"],
    "average-chat-duration-time": ["averageChatDurationTimeInSeconds"],
    "total-service-time": ["chats", "serviceTimeDuration"],
    "average-waiting-time": ["averageWaitingTimeInSeconds"],
    "total-transferred-chats": ["numberOfTransferredRooms"],
    "total-abandoned-chats": ["abandonedRooms"],
    "percentage-abandoned-chats": ["percentageOfAbandonedChats"],
}


def body(
    items: list[dict[str, Any]], *, offset: int = 0, total: int | None = None
) -> dict[str, Any]:
    return {
        "departments": items,
        "count": len(items),
        "offset": offset,
        "total": len(items) if total is None else total,
        "success": True,
    }


def get(client: TestClient, path: str, headers: dict[str, str], **query: str) -> dict[str, Any]:
    response = client.get(f"{BASE}/{path}", params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_the_table_serves_every_path_of_the_spec() -> None:
    assert sorted(m.rest.path for m in REST_METRICS if m.rest) == sorted(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_full_body(rest_client: TestClient, headers: dict[str, str], path: str) -> None:
    answer = get(rest_client, path, headers, **RANGE)
    assert answer == body(data.department_items(path))
    # Rocket.Chat's shapes: body keys in this order, each item's values before its _id,
    # every value a JSON integer, the null group first.
    assert list(answer) == ["departments", "count", "offset", "total", "success"]
    assert answer["departments"], path
    for item in answer["departments"]:
        assert list(item) == [*VALUE_KEYS[path], "_id"]
        assert all(type(item[key]) is int for key in VALUE_KEYS[path])
    ids = [item["_id"] for item in answer["departments"]]
    assert ids[0] is None
    assert ids[1:] == sorted(ids[1:])


def test_literal_values(rest_client: TestClient, headers: dict[str, str]) -> None:
    """A few values worked out by hand, guarding ``data``'s computation itself."""

    def values(path: str) -> dict[str | None, list[int]]:
        answer = get(rest_client, path, headers, **RANGE)["departments"]
        return {item["_id"]: [item[key] for key in VALUE_KEYS[path]] for item in answer}

    assert values("amount-of-chats") == {None: [2], "dA": [3], "dB": [2], "dC": [2], "dD": [1]}
    # dA: (1.5 + 2.25) / 2 = 1.875 → 2; dB: (0 + 4.001) / 2 → 3; null: 10
    assert values("average-service-time") == {None: [10], "dA": [2], "dB": [3]}
    # an average of 0 is still listed (dB), only present groups are
    assert values("average-chat-duration-time") == {None: [28], "dA": [151], "dB": [0], "dC": [3]}
    assert values("total-service-time") == {None: [1, 13], "dA": [2, 81], "dC": [1, 1]}
    assert values("average-waiting-time") == {None: [2], "dA": [8], "dB": [2], "dC": [4]}
    assert values("total-transferred-chats") == {None: [1], "dA": [3], "dB": [1]}
    # the setting's timeout 3599 is used: r5 (3599) counts, r2 (100) does not
    assert values("total-abandoned-chats") == {None: [2], "dA": [1], "dB": [1]}
    assert values("percentage-abandoned-chats") == {
        None: [100], "dA": [33], "dB": [100], "dC": [0], "dD": [0],
    }  # fmt: skip


@pytest.mark.parametrize("answered", [True, False])
def test_amount_of_chats_answered(
    rest_client: TestClient, headers: dict[str, str], answered: bool
) -> None:
    answer = get(rest_client, "amount-of-chats", headers, **RANGE, answered=str(answered).lower())
    assert answer == body(data.department_items("amount-of-chats", answered=answered))
    expected = {None: 1, "dA": 2, "dB": 2, "dC": 2} if answered else {None: 1, "dA": 1, "dD": 1}
    assert {item["_id"]: item["rooms"] for item in answer["departments"]} == expected


@pytest.mark.parametrize("path", PATHS)
def test_department_filter(rest_client: TestClient, headers: dict[str, str], path: str) -> None:
    full = data.department_items(path)
    for department in ("dA", "dD", "nope"):
        expected = [item for item in full if item["_id"] == department]
        assert get(rest_client, path, headers, **RANGE, departmentId=department) == body(expected)
    # an empty departmentId is no filter, as in Rocket.Chat
    assert get(rest_client, path, headers, **RANGE, departmentId="") == body(full)


@pytest.mark.parametrize("path", PATHS)
def test_start_after_end_is_an_empty_list(
    rest_client: TestClient, headers: dict[str, str], path: str
) -> None:
    answer = get(rest_client, path, headers, start="2024-05-31", end="2024-05-01")
    assert answer == {"departments": [], "count": 0, "offset": 0, "total": 0, "success": True}


def test_range_ends_are_inclusive_and_dates_parse_as_utc(
    rest_client: TestClient, headers: dict[str, str]
) -> None:
    # r9 was opened at END exactly; r8 one millisecond before START
    last_ms = {"start": "2024-05-31T23:59:59.999", "end": "2024-05-31T23:59:59.999Z"}
    assert get(rest_client, "amount-of-chats", headers, **last_ms) == body(
        [{"rooms": 1, "_id": "dD"}]
    )
    before = {"start": "2024-04-30T23:59:59.999Z", "end": "2024-04-30T23:59:59.999Z"}
    assert get(rest_client, "amount-of-chats", headers, **before) == body(
        [{"rooms": 1, "_id": "dA"}]
    )
    # an offset is honoured: 2024-05-02T12:00+02:00 is 10:00Z, when r1 was opened
    at_r1 = {"start": "2024-05-02T12:00:00+02:00", "end": "2024-05-02T10:00:00Z"}
    assert get(rest_client, "amount-of-chats", headers, **at_r1) == body(
        [{"rooms": 1, "_id": "dA"}]
    )


@pytest.mark.parametrize("count", [1, 2, 3, 5, 100])
def test_paging_returns_every_group_once(
    rest_client: TestClient, headers: dict[str, str], count: int
) -> None:
    full = data.department_items("amount-of-chats")
    seen: list[dict[str, Any]] = []
    offset = 0
    while True:
        answer = get(
            rest_client, "amount-of-chats", headers, **RANGE, offset=str(offset), count=str(count)
        )
        page = answer["departments"]
        assert answer == body(page, offset=offset, total=len(full))
        assert len(page) == min(count, max(len(full) - offset, 0))
        if not page:
            break
        seen.extend(page)
        offset += count
    assert seen == full


def test_default_paging_and_past_the_end(rest_client: TestClient, headers: dict[str, str]) -> None:
    full = data.department_items("percentage-abandoned-chats")
    assert get(rest_client, "percentage-abandoned-chats", headers, **RANGE) == body(full)
    for offset in ("5", "6", str(2**53 - 1)):
        answer = get(rest_client, "percentage-abandoned-chats", headers, **RANGE, offset=offset)
        assert answer == body([], offset=int(offset), total=len(full))


def test_percentage_floors_without_float_artefacts() -> None:
    """29 of 100 is 29 %, although 29 / 100 * 100 is 28.999999999999996 in floats."""
    [metric] = [m for m in REST_METRICS if m.name == "abandonedChatsPercentage"]
    assert metric.rest is not None
    assert 29 / 100 * 100 < 29
    for rooms, abandoned, expected in ((100, 29, 29), (3, 2, 66)):
        value = metric.value(OpenedRow(rooms=rooms, abandoned=abandoned), {})
        assert metric.rest.item(value) == {"percentageOfAbandonedChats": expected}


def test_seed_documentation_call(
    http_client: TestClient,
    manager_headers: dict[str, str],
    seeded: SeedReport,
    sync_client: MongoClient,
) -> None:
    """The example call of Rocket.Chat's documentation, then one over the seeded months."""
    response = http_client.get(
        f"{BASE}/amount-of-chats?start=2020-01-10T23:59:22.345Z&end=2021-02-10T23:59:22.345Z",
        headers=manager_headers,
    )
    assert response.status_code == 200
    assert response.json() == body([])

    start = SEED_NOW - timedelta(days=30)
    rooms = sync_client[SEEDED_DB].rocketchat_room.find(
        {"t": "l", "ts": {"$gte": start, "$lte": SEED_NOW}}, {"departmentId": 1}
    )
    counts = Counter(room.get("departmentId") for room in rooms)
    expected = [
        {"rooms": counts[key], "_id": key}
        for key in sorted(counts, key=lambda key: (key is not None, key or ""))
    ]
    answer = get(
        http_client,
        "amount-of-chats",
        manager_headers,
        start=start.isoformat(),
        end=SEED_NOW.isoformat(),
        count="100",
    )
    assert answer == body(expected)
