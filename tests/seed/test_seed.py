"""``seed`` itself: reproducibility, refusal of a non-empty database, progress, the report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo.database import Database

from omnigate.db import names
from omnigate.seed import DatabaseNotEmpty, seed
from tests.conftest import mongo_url
from tests.seed.conftest import NOW, ROOMS, SEED, SeedRun

COLLECTIONS = (
    names.ROOMS,
    names.MESSAGES,
    names.DEPARTMENTS,
    names.USERS,
    names.PERMISSIONS,
    names.SETTINGS,
    names.VISITORS,
    names.DEPARTMENT_AGENTS,
    names.AGENT_ACTIVITY,
)
RAW = CodecOptions(document_class=RawBSONDocument)


def dump(db: Database[Any]) -> dict[str, list[bytes]]:
    """Each collection's documents as raw BSON, sorted by ``_id``."""
    return {
        collection: [
            document.raw
            for document in db.get_collection(collection, codec_options=RAW).find().sort("_id")
        ]
        for collection in COLLECTIONS
    }


def test_same_seed_and_now_write_identical_documents(
    seed_run: SeedRun, fresh_db: Database, mongo_port: int
) -> None:
    report = seed(mongo_url(mongo_port, fresh_db.name), rooms=ROOMS, seed=SEED, now=NOW)
    assert report.manager_token == seed_run.report.manager_token
    assert report.manager_id == seed_run.report.manager_id
    assert dump(fresh_db) == dump(seed_run.db)


def test_another_seed_writes_other_documents(
    seed_run: SeedRun, fresh_db: Database, mongo_port: int
) -> None:
    report = seed(mongo_url(mongo_port, fresh_db.name), rooms=50, seed=SEED + 1, now=NOW)
    assert report.manager_token != seed_run.report.manager_token
    mine, theirs = dump(fresh_db), dump(seed_run.db)
    for collection in (
        names.ROOMS,
        names.MESSAGES,
        names.DEPARTMENTS,
        names.DEPARTMENT_AGENTS,
        names.AGENT_ACTIVITY,
    ):
        assert not set(mine[collection]) & set(theirs[collection]), collection
    [shared] = set(mine[names.USERS]) & set(theirs[names.USERS])
    assert RawBSONDocument(shared)["_id"] == "rocket.cat"
    # Permissions and settings depend on ``now`` only.
    for collection in (names.PERMISSIONS, names.SETTINGS):
        assert mine[collection] == theirs[collection]


def test_a_database_with_rooms_is_refused_untouched(seed_run: SeedRun) -> None:
    before = {c: seed_run.db[c].count_documents({}) for c in COLLECTIONS}
    with pytest.raises(DatabaseNotEmpty, match="already holds rooms"):
        seed(seed_run.url, rooms=10, seed=1, now=NOW)
    assert {c: seed_run.db[c].count_documents({}) for c in COLLECTIONS} == before


def test_progress_and_report(seed_run: SeedRun) -> None:
    report = seed_run.report
    assert seed_run.progress == sorted(set(seed_run.progress))
    assert len(seed_run.progress) >= 3 and seed_run.progress[-1] == ROOMS
    assert report.rooms == ROOMS == seed_run.db[names.ROOMS].count_documents({"t": "l"})
    assert report.messages == seed_run.db[names.MESSAGES].count_documents({})
    assert report.departments == seed_run.db[names.DEPARTMENTS].count_documents({"type": "d"})
    assert report.database == seed_run.db.name
    assert report.now == NOW and report.seconds > 0


def test_defaults_to_the_current_hour(fresh_db: Database, mongo_port: int) -> None:
    calls: list[int] = []
    report = seed(mongo_url(mongo_port, fresh_db.name), rooms=0, seed=3, progress=calls.append)
    assert report.now.tzinfo is not None and report.now.utcoffset().total_seconds() == 0
    assert (report.now.minute, report.now.second, report.now.microsecond) == (0, 0, 0)
    assert abs((datetime.now(UTC) - report.now).total_seconds()) < 2 * 3600
    assert report.rooms == 0 and calls == []
    assert fresh_db[names.ROOMS].count_documents({}) == 0
    assert fresh_db[names.USERS].count_documents({"_id": report.manager_id}) == 1


def test_bad_arguments(fresh_db: Database, mongo_port: int) -> None:
    url = mongo_url(mongo_port, fresh_db.name)
    with pytest.raises(ValueError, match="rooms"):
        seed(url, rooms=-1, seed=1)
    with pytest.raises(ValueError, match="batch_size"):
        seed(url, rooms=1, seed=1, batch_size=0)
    assert fresh_db.list_collection_names() == []
