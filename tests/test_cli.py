"""The ``omnigate`` command: ``seed`` (and its refusal) and ``export-schema``."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from pymongo.database import Database

from omnigate.cli import main
from tests.conftest import mongo_url


def test_seed_writes_then_refuses_a_database_with_rooms(
    fresh_db: Database, mongo_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    url = mongo_url(mongo_port, fresh_db.name)
    assert main(["seed", "--mongo-url", url, "--rooms", "250", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "seeded 250 rooms" in out and f"into {fresh_db.name}" in out
    assert fresh_db.rocketchat_room.count_documents({"t": "l"}) == 250
    user_id = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("X-User-Id"))
    token = next(
        line.split(": ")[1] for line in out.splitlines() if line.startswith("X-Auth-Token")
    )
    hashed = base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()
    user = fresh_db.users.find_one({"_id": user_id})
    assert user is not None
    assert hashed in [t["hashedToken"] for t in user["services"]["resume"]["loginTokens"]]
    rooms = fresh_db.rocketchat_room.count_documents({})
    assert main(["seed", "--mongo-url", url, "--rooms", "10", "--seed", "6"]) == 1
    assert "already holds rooms" in capsys.readouterr().err
    assert fresh_db.rocketchat_room.count_documents({}) == rooms


def test_export_schema_prints_the_checked_in_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-schema"]) == 0
    assert capsys.readouterr().out == (Path(__file__).parents[1] / "schema.graphql").read_text()
