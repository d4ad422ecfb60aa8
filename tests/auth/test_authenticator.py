"""The credential and permission rules of SPEC §5, against real documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pymongo.database import Database

from omnigate.auth import Authenticator, Principal
from omnigate.db import Store
from omnigate.errors import Forbidden, Unauthenticated
from omnigate.scope import UNRESTRICTED
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, hashed, set_permission


@pytest.fixture
def db(fresh_db: Database) -> Database:
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    return fresh_db


@pytest.fixture
def auth(db: Database, store_for: Callable[[Database], Store]) -> Authenticator:
    return Authenticator(store_for(db))


async def test_manager_with_own_token_gets_a_principal(db: Database, auth: Authenticator) -> None:
    token = add_user(db, "u1", utcOffset=2)
    assert await auth.authenticate("u1", token) == Principal(
        user_id="u1",
        username="name-u1",
        utc_offset=2.0,
        roles=("user", "livechat-manager"),
        scope=UNRESTRICTED,
    )


async def test_any_of_several_tokens_works(db: Database, auth: Authenticator) -> None:
    add_user(db, "u1", tokens=("first", "second", "third"))
    assert (await auth.authenticate("u1", "third")).user_id == "u1"


async def test_active_true_or_absent_is_fine(db: Database, auth: Authenticator) -> None:
    add_user(db, "on", active=True, utcOffset=-3.5)
    add_user(db, "unset")
    assert (await auth.authenticate("on", "tok-on")).utc_offset == -3.5
    assert (await auth.authenticate("unset", "tok-unset")).utc_offset is None


@pytest.mark.parametrize(
    ("user_id", "token"),
    [
        pytest.param(None, None, id="no headers"),
        pytest.param("u1", None, id="user id only"),
        pytest.param(None, "tok-u1", id="token only"),
        pytest.param("", "", id="empty headers"),
        pytest.param("u1", "", id="empty token"),
        pytest.param("u1", "wrong", id="wrong token"),
        pytest.param("u1", "tok-u2", id="another user's token"),
        pytest.param("u1", hashed("tok-u1"), id="stored hash sent as token"),
        pytest.param("U1", "tok-u1", id="user id is case-sensitive"),
        pytest.param("ghost", "tok-u1", id="unknown user id"),
        pytest.param("inactive", "tok-inactive", id="inactive user"),
        pytest.param("tokenless", "tok-tokenless", id="user without login tokens"),
        pytest.param("noperm", "wrong", id="bad token is 401 even without the role"),
    ],
)
async def test_unauthenticated(
    db: Database, auth: Authenticator, user_id: str | None, token: str | None
) -> None:
    add_user(db, "u1")
    add_user(db, "u2")
    add_user(db, "inactive", active=False)
    add_user(db, "tokenless", tokens=())
    add_user(db, "noperm", roles=("user",))
    with pytest.raises(Unauthenticated, match=r"^You must be logged in to do this\.$"):
        await auth.authenticate(user_id, token)


async def test_user_without_the_role_is_forbidden(db: Database, auth: Authenticator) -> None:
    add_user(db, "agent", roles=("user", "livechat-agent"))
    add_user(db, "roleless", roles=())
    for user_id in ("agent", "roleless"):
        with pytest.raises(Forbidden) as raised:
            await auth.authenticate(user_id, f"tok-{user_id}")
        assert str(raised.value) == (
            "User does not have the permissions required for this action [error-unauthorized]"
        )


@pytest.mark.parametrize("role", ["admin", "livechat-monitor", "livechat-manager"])
async def test_roles_listed_by_default_grant_access(
    db: Database, auth: Authenticator, role: str
) -> None:
    add_user(db, "u", roles=("user", role))
    assert (await auth.authenticate("u", "tok-u")).roles == ("user", role)


async def test_the_permission_document_decides(db: Database, auth: Authenticator) -> None:
    set_permission(db, ["supervisor"])
    add_user(db, "custom", roles=("supervisor",))
    add_user(db, "admin", roles=("admin",))
    assert (await auth.authenticate("custom", "tok-custom")).user_id == "custom"
    with pytest.raises(Forbidden):  # admin only gets it because it is listed by default
        await auth.authenticate("admin", "tok-admin")


async def test_without_a_permission_document_rocket_chat_defaults_apply(
    fresh_db: Database, store_for: Callable[[Database], Store]
) -> None:
    auth = Authenticator(store_for(fresh_db))
    for role in ("admin", "livechat-manager", "livechat-monitor"):
        add_user(fresh_db, role, roles=(role,))
        assert (await auth.authenticate(role, f"tok-{role}")).user_id == role
    add_user(fresh_db, "agent", roles=("livechat-agent",))
    with pytest.raises(Forbidden):
        await auth.authenticate("agent", "tok-agent")


async def test_a_permission_document_without_roles_grants_nobody(
    fresh_db: Database, store_for: Callable[[Database], Store]
) -> None:
    fresh_db.rocketchat_permissions.insert_one({"_id": "view-livechat-manager"})
    add_user(fresh_db, "admin", roles=("admin",))
    with pytest.raises(Forbidden):
        await Authenticator(store_for(fresh_db)).authenticate("admin", "tok-admin")
