"""The live tests' database: two departments with a room each in May 2024, managers alice
and bob, an agent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pymongo.database import Database

from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.metrics.documents import at, room


@pytest.fixture
def live_db(fresh_db: Database) -> Iterator[Database]:
    """Two departments, rooms in May 2024, managers alice and bob, an agent."""
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    add_user(fresh_db, "alice")
    add_user(fresh_db, "bob")
    add_user(fresh_db, "agent", roles=("user", "livechat-agent"))
    fresh_db.rocketchat_livechat_department.insert_many(
        [{"_id": "d1", "name": "Sales"}, {"_id": "d2", "name": "Support"}]
    )
    fresh_db.rocketchat_room.insert_many(
        [room("r1", at("2024-05-02T10:00"), "d1"), room("r2", at("2024-05-03T10:00"), "d2")]
    )
    yield fresh_db
