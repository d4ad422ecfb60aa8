"""``omnigate doctor`` against the seeded database, one missing its indexes, an empty one
and no server at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from omnigate.cli import main
from omnigate.doctor import docs_examined, plan_of, suggested_index
from omnigate.seed import SeedReport, seed
from tests.conftest import SEEDED_DB, mongo_url


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str], str]:
    """Exit status, each check's line by name, and the whole output."""
    status = main(["doctor", *args])
    out = capsys.readouterr().out
    lines = {}
    for line in out.splitlines():
        name, _, rest = line.partition("  ")
        if rest.strip():
            lines[name.strip()] = rest.strip()
    return status, lines, out


def test_the_seeded_database_is_healthy(
    seeded: SeedReport,
    mongo_port: int,
    sync_client: MongoClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, lines, out = doctor(capsys, "--mongo-url", mongo_url(mongo_port, SEEDED_DB))
    assert status == 0, out
    assert lines["connection"].startswith("OK")
    assert lines["server version"].startswith("OK")
    assert lines["credentials"].startswith("WARN    not authenticated")  # the test server
    for collection in ("rocketchat_room", "users", "rocketchat_settings"):
        assert lines[f"collection {collection}"] == "OK      present"
    assert lines["setting Livechat_visitor_inactivity_timeout"].startswith("OK")
    # the opened family: Rocket.Chat's {t: 1, ts: 1}, one row per department with rooms
    # opened in the last 30 days of the data, counted here
    db = sync_client[SEEDED_DB]
    end = db.rocketchat_room.find_one({"t": "l"}, sort=[("ts", -1)])["ts"]
    opened = db.rocketchat_room.find({"t": "l", "ts": {"$gte": end - timedelta(days=30)}})
    rooms = list(opened)
    groups = {room.get("departmentId") for room in rooms}
    assert lines["family opened"].startswith("OK      rocketchat_room: IXSCAN t_1_ts_1, ")
    assert f"{len(rooms)} documents examined for {len(groups)} rows" in lines["family opened"]
    assert lines["family overview"].startswith("OK      rocketchat_room: IXSCAN t_1_ts_1")
    assert lines["operator $lookup with localField and pipeline"] == (
        "OK      available, used by omnigate"
    )
    assert "0 failed" in out and "omnigate can answer correctly" in out


def test_a_database_missing_an_index(
    fresh_db: Database, mongo_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    url = mongo_url(mongo_port, fresh_db.name)
    seed(url, rooms=60, seed=3)
    fresh_db.rocketchat_room.drop_indexes()
    status, lines, out = doctor(capsys, "--mongo-url", url)
    assert status == 0, out  # slower, not wrong
    assert lines["family opened"].startswith("WARN    rocketchat_room: COLLSCAN, ")
    assert 'fix: db.getCollection("rocketchat_room").createIndex({"t": 1, "ts": 1})' in out
    assert [i["name"] for i in fresh_db.rocketchat_room.list_indexes()] == ["_id_"]  # never fixed
    assert doctor(capsys, "--mongo-url", url, "--strict")[0] == 1


def test_what_blocks_correct_answers_fails(
    fresh_db: Database, mongo_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_db.rocketchat_settings.insert_one({"_id": "Livechat_visitor_inactivity_timeout"})
    status, lines, out = doctor(capsys, "--mongo-url", mongo_url(mongo_port, fresh_db.name))
    assert status == 1
    assert lines["collection rocketchat_room"].startswith("FAIL    missing")
    assert lines["collection users"].startswith("FAIL    missing")
    assert lines["setting Livechat_visitor_inactivity_timeout"].startswith("WARN    None is not")
    assert "something blocks correct answers" in out


def test_no_server(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, out = doctor(
        capsys, "--mongo-url", "mongodb://u:pw@127.0.0.1:1/rc?serverSelectionTimeoutMS=200"
    )
    assert status == 1 and lines["connection"].startswith("FAIL    cannot reach 'rc'")
    assert "mongodb://u:***@127.0.0.1:1/rc" in out and "pw" not in out


def test_explains_of_the_slot_based_engine_are_read() -> None:
    """MongoDB 7's shape (the plan under ``queryPlan``, stats at the top), as documented."""
    explained = {
        "queryPlanner": {
            "winningPlan": {
                "queryPlan": {
                    "stage": "GROUP",
                    "inputStage": {
                        "stage": "FETCH",
                        "inputStage": {"stage": "IXSCAN", "indexName": "t_1_ts_1"},
                    },
                },
                "slotBasedPlan": {"stages": "..."},
            }
        },
        "executionStats": {"nReturned": 12, "totalDocsExamined": 840},
    }
    assert plan_of(explained) == (["GROUP", "FETCH", "IXSCAN"], ["t_1_ts_1"])
    assert docs_examined(explained) == 840
    classic = {
        "stages": [
            {"$cursor": {"executionStats": {"totalDocsExamined": 100}}},
            {"$lookup": {}, "totalDocsExamined": 7},
            {"$group": {}},
        ]
    }
    assert docs_examined(classic) == 107


def test_suggested_index_puts_equalities_before_ranges() -> None:
    pipeline = [
        {"$match": {"ts": {"$gte": 1}, "t": "l", "departmentId": {"$in": ["a"]}}},
        {"$match": {"closedAt": {"$lte": 2}}},
    ]
    assert list(suggested_index(pipeline).items()) == [("t", 1), ("departmentId", 1), ("ts", 1)]
