"""The caller's scope, resolved with the credentials (SPEC §7) and cached with them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pymongo.database import Database

from omnigate.auth import Authenticator
from omnigate.db import Store
from omnigate.scope import UNRESTRICTED, Scope
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.auth.test_cache import Clock

MONITOR = ("user", "livechat-monitor")


@pytest.fixture
def db(fresh_db: Database) -> Database:
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    fresh_db.rocketchat_livechat_department.insert_many(
        [
            {"_id": "u1", "type": "u", "name": "Unit 1"},
            {"_id": "u2", "type": "u", "name": "Unit 2"},
            {"_id": "d1", "type": "d", "name": "D1", "ancestors": ["u1"], "parentId": "u1"},
            {"_id": "d2", "name": "D2", "ancestors": ["u1"], "parentId": "u1"},  # no type
            {"_id": "d3", "type": "d", "name": "D3", "ancestors": ["u2"], "parentId": "u2"},
            {"_id": "d4", "type": "d", "name": "D4", "ancestors": None},
            {"_id": "d5", "type": "d", "name": "D5"},
        ]
    )
    return fresh_db


def _watch(db: Database, monitor: str, *units: str) -> None:
    db.rocketchat_livechat_unit_monitors.insert_many(
        [
            {"_id": f"{monitor}-{u}", "monitorId": monitor, "unitId": u, "username": monitor}
            for u in units
        ]
    )


@pytest.fixture
def auth(db: Database, store_for: Callable[[Database], Store]) -> Authenticator:
    return Authenticator(store_for(db))


@pytest.mark.parametrize(
    "roles",
    [
        ("user", "admin"),
        ("user", "livechat-manager"),
        ("user", "livechat-monitor", "livechat-manager"),
        ("user", "livechat-monitor", "admin"),
    ],
)
async def test_managers_and_admins_are_unrestricted(
    db: Database, auth: Authenticator, roles: tuple[str, ...]
) -> None:
    token = add_user(db, "boss", roles=roles)
    _watch(db, "boss", "u1")
    assert (await auth.authenticate("boss", token)).scope == UNRESTRICTED


async def test_a_non_monitor_holding_the_permission_is_unrestricted(
    db: Database, auth: Authenticator
) -> None:
    set_permission(db, ["analyst"])
    token = add_user(db, "ann", roles=("user", "analyst"))
    assert (await auth.authenticate("ann", token)).scope == UNRESTRICTED


async def test_monitors_see_the_departments_of_their_units(
    db: Database, auth: Authenticator
) -> None:
    one, both, none = (add_user(db, user, roles=MONITOR) for user in ("one", "both", "none"))
    _watch(db, "one", "u1")
    _watch(db, "both", "u1", "u2", "u-gone")
    assert (await auth.authenticate("one", one)).scope == Scope.monitor({"u1"}, {"d1", "d2"})
    assert (await auth.authenticate("both", both)).scope == Scope.monitor(
        {"u1", "u2", "u-gone"}, {"d1", "d2", "d3"}
    )
    nothing = (await auth.authenticate("none", none)).scope
    assert nothing == Scope.monitor((), ()) and nothing.sees_nothing


async def test_without_any_unit_a_monitor_is_unrestricted(
    fresh_db: Database, store_for: Callable[[Database], Store]
) -> None:
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    fresh_db.rocketchat_livechat_department.insert_one({"_id": "d1", "name": "D1"})
    token = add_user(fresh_db, "mon", roles=MONITOR)
    assert (
        await Authenticator(store_for(fresh_db)).authenticate("mon", token)
    ).scope == UNRESTRICTED


async def test_leaving_a_unit_takes_effect_within_the_cache_time(
    db: Database, store_for: Callable[[Database], Store]
) -> None:
    clock = Clock()
    auth = Authenticator(store_for(db), cache_seconds=5, clock=clock)
    token = add_user(db, "mon", roles=MONITOR)
    _watch(db, "mon", "u1", "u2")
    assert (await auth.authenticate("mon", token)).scope.departments == {"d1", "d2", "d3"}
    db.rocketchat_livechat_unit_monitors.delete_one({"_id": "mon-u2"})
    clock.now += 4.9
    assert (await auth.authenticate("mon", token)).scope.departments == {"d1", "d2", "d3"}
    clock.now += 0.2
    assert (await auth.authenticate("mon", token)).scope.departments == {"d1", "d2"}


def test_scope_room_match_and_visibility() -> None:
    scope = Scope.monitor({"u2", "u1"}, {"d3", "d1"})
    assert scope.room_match() == {
        "$or": [
            {"departmentAncestors": {"$in": ["u1", "u2"]}},
            {"departmentId": {"$in": ["d1", "d3"]}},
        ]
    }
    assert scope.room_match("room.") == {
        "$or": [
            {"room.departmentAncestors": {"$in": ["u1", "u2"]}},
            {"room.departmentId": {"$in": ["d1", "d3"]}},
        ]
    }
    assert UNRESTRICTED.room_match() is None
    assert scope.sees_department("d1") and not scope.sees_department("d2")
    assert not scope.sees_department(None) and UNRESTRICTED.sees_department(None)
    assert hash(scope) == hash(Scope.monitor(["u1", "u2"], ["d1", "d3"]))
