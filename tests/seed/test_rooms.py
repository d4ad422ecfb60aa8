"""Every seeded room is internally consistent; the data set holds every case the analytics meet."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from omnigate.db import names
from tests.seed.conftest import NOW, SeedRun

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TRANSFER = "livechat_transfer_history"
TIMEOUT = 3600

Room = dict[str, Any]


def ms(value: datetime) -> int:
    return (value - EPOCH) // timedelta(milliseconds=1)


def seconds_between(start: datetime, end: datetime) -> float:
    return (ms(end) - ms(start)) / 1000


@pytest.fixture(scope="module")
def rooms(seed_run: SeedRun) -> list[Room]:
    return list(seed_run.db[names.ROOMS].find({"t": "l"}))


@pytest.fixture(scope="module")
def messages_by_room(seed_run: SeedRun) -> dict[str, list[Room]]:
    by_room: dict[str, list[Room]] = defaultdict(list)
    for message in seed_run.db[names.MESSAGES].find().sort([("ts", 1), ("_id", 1)]):
        by_room[message["rid"]].append(message)
    return by_room


def test_open_and_closed_rooms(rooms: list[Room]) -> None:
    for room in rooms:
        assert room["ts"] < NOW and room["lm"] >= room["ts"] and room["msgs"] >= 1
        if "closedAt" in room:
            assert room.get("open") in (None, False)
            assert room["closedAt"] >= room["ts"] and room["closedAt"] < NOW
            assert room["metrics"]["chatDuration"] == seconds_between(room["ts"], room["closedAt"])
            assert room["lm"] <= room["closedAt"]
            assert room["v"]["status"] == "offline"
        else:
            assert room["open"] is True
            assert room["_updatedAt"] < NOW


def test_service_and_response_times(rooms: list[Room]) -> None:
    for room in rooms:
        metrics = room.get("metrics", {})
        if room.get("waitingResponse") is True:
            assert "servedBy" not in room and "responseBy" not in room
            assert "response" not in metrics and "serviceTimeDuration" not in metrics
            continue
        assert "waitingResponse" not in room
        served, response = room["servedBy"], room["responseBy"]
        assert served["ts"] >= room["ts"]
        assert response["firstResponseTs"] >= room["ts"]
        assert response["lastMessageTs"] >= response["firstResponseTs"]
        assert response["lastMessageTs"] >= served["ts"]
        assert metrics["response"]["fd"] == response["firstResponseTs"]
        assert metrics["servedBy"]["lr"] == response["lastMessageTs"]
        assert metrics["response"]["tt"] >= metrics["response"]["ft"] > 0
        avg = metrics["response"]["tt"] / metrics["response"]["total"]
        assert metrics["response"]["avg"] == pytest.approx(avg)
        if "closedAt" in room:
            duration = seconds_between(served["ts"], room["closedAt"])
            assert metrics["serviceTimeDuration"] == duration
            assert metrics["serviceTimeDuration"] <= metrics["chatDuration"]


def test_first_response_matches_the_messages(
    rooms: list[Room], messages_by_room: dict[str, list[Room]]
) -> None:
    transferred = {rid for rid, ms_ in messages_by_room.items() if any("t" in m for m in ms_)}
    for room in rooms:
        ordinary = [m for m in messages_by_room[room["_id"]] if "t" not in m]
        first_visitor = ordinary[0]
        assert first_visitor["token"] == room["v"]["token"]
        assert first_visitor["u"]["_id"] == room["v"]["_id"]
        assert first_visitor["ts"] >= room["ts"]
        if "responseBy" not in room:
            assert len(ordinary) == 1
            continue
        first_answer = ordinary[1]
        assert "token" not in first_answer
        assert first_answer["u"]["_id"] == room["responseBy"]["_id"]
        assert first_answer["ts"] == room["responseBy"]["firstResponseTs"]
        metrics = room["metrics"]
        expected_ft = seconds_between(first_visitor["ts"], first_answer["ts"])
        assert metrics["response"]["ft"] == expected_ft
        if room["_id"] not in transferred:  # a transfer re-assigns servedBy
            assert room["servedBy"]["_id"] == room["responseBy"]["_id"]
            assert first_answer["ts"] >= room["servedBy"]["ts"]
            reaction = seconds_between(room["servedBy"]["ts"], first_answer["ts"])
            assert metrics["reaction"]["ft"] == reaction


def test_abandonment(rooms: list[Room]) -> None:
    for room in rooms:
        inactivity = room.get("metrics", {}).get("visitorInactivity")
        if inactivity is None:
            continue
        assert "closedAt" in room and room["closer"] == "user"
        assert room["lm"] == room["responseBy"]["lastMessageTs"]  # the agent spoke last
        expected = (ms(room["closedAt"]) - ms(room["responseBy"]["lastMessageTs"])) // 1000
        assert inactivity == expected


def test_transfers_follow_the_rooms_departments(
    seed_run: SeedRun, rooms: list[Room], messages_by_room: dict[str, list[Room]]
) -> None:
    by_id = {room["_id"]: room for room in rooms}
    departments = {d["_id"] for d in seed_run.db[names.DEPARTMENTS].find({"type": "d"})}
    for rid, messages in messages_by_room.items():
        transfers = [m["transferData"] for m in messages if m.get("t") == TRANSFER]
        if not transfers or rid not in by_id:
            continue
        room = by_id[rid]
        assert "servedBy" in room and "departmentId" in room
        department = transfers[0]["previousDepartment"]
        for transfer in transfers:
            assert transfer["previousDepartment"] == department
            assert room["ts"] <= transfer["ts"] <= room.get("closedAt", NOW)
            if transfer["scope"] == "department":
                assert transfer["nextDepartment"]["_id"] != department
                department = transfer["nextDepartment"]["_id"]
        assert room["departmentId"] == department
    assert {room["departmentId"] for room in rooms if "departmentId" in room} <= departments


def test_every_case_is_present(
    seed_run: SeedRun, rooms: list[Room], messages_by_room: dict[str, list[Room]]
) -> None:
    closed = [room for room in rooms if "closedAt" in room]
    open_ = [room for room in rooms if room.get("open") is True]
    assert len(closed) > len(rooms) / 2
    assert any(room.get("onHold") is not True for room in open_)
    assert any(room.get("onHold") is True for room in open_)
    assert all(room.get("onHold") is not True for room in closed)
    unanswered = [room for room in rooms if room.get("waitingResponse") is True]
    assert any("closedAt" in room for room in unanswered)
    assert any(room.get("open") is True for room in unanswered)
    abandoned = [room for room in closed if room["metrics"].get("visitorInactivity", 0) >= TIMEOUT]
    assert abandoned
    assert any(room["metrics"].get("visitorInactivity", TIMEOUT) < TIMEOUT for room in closed)
    assert any("departmentId" not in room for room in rooms)
    assert any("metrics" not in room for room in rooms)

    room_ids = {room["_id"] for room in rooms}
    transfers = Counter(
        m["rid"] for ms_ in messages_by_room.values() for m in ms_ if m.get("t") == TRANSFER
    )
    assert any(count == 1 and rid in room_ids for rid, count in transfers.items())
    assert any(count == 2 and rid in room_ids for rid, count in transfers.items())
    assert any(rid not in room_ids for rid in transfers)
    assert len([rid for rid in transfers if rid in room_ids]) / len(rooms) == pytest.approx(
        0.07, abs=0.04
    )
    scopes = {
        m["transferData"]["scope"] for ms_ in messages_by_room.values() for m in ms_ if "t" in m
    }
    assert scopes == {"department", "agent"}

    others = Counter(room["t"] for room in seed_run.db[names.ROOMS].find({"t": {"$ne": "l"}}))
    assert set(others) <= {"c", "p", "d"} and others["c"] and others["p"]
    assert sum(others.values()) / len(rooms) == pytest.approx(0.05, abs=0.02)


def test_departments_without_rooms_and_stopped_departments(
    seed_run: SeedRun, rooms: list[Room]
) -> None:
    departments = list(seed_run.db[names.DEPARTMENTS].find({"type": "d"}))
    used = Counter(room.get("departmentId") for room in rooms)
    assert any(d["_id"] not in used for d in departments)
    for department in departments:
        if not department["enabled"] or department.get("archived"):
            mine = [room for room in rooms if room.get("departmentId") == department["_id"]]
            assert all(room["ts"] < department["_updatedAt"] for room in mine)


def test_weekdays_and_office_hours_are_busier(rooms: list[Room]) -> None:
    days = [(NOW - timedelta(days=n)).date() for n in range(1, 91)]
    weekdays = sum(day.weekday() < 5 for day in days)
    per_day = Counter(room["ts"].weekday() < 5 for room in rooms)
    assert per_day[True] / weekdays > 2 * per_day[False] / (len(days) - weekdays)
    per_hour = Counter(room["ts"].hour for room in rooms)
    office = sum(per_hour[hour] for hour in range(9, 17)) / 8
    night = sum(per_hour[hour] for hour in range(6)) / 6
    assert office > 4 * night
