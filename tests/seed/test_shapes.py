"""The seeded documents have Rocket.Chat's shapes and BSON types."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

import bson

from omnigate.db import names
from tests.seed.conftest import SeedRun

ALPHABET = set("23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz")
TOKEN_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
COLLECTIONS = (
    names.ROOMS,
    names.MESSAGES,
    names.DEPARTMENTS,
    names.USERS,
    names.PERMISSIONS,
    names.SETTINGS,
    names.AGENT_ACTIVITY,
)


def is_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 17 and set(value) <= ALPHABET


def is_date(value: Any) -> bool:
    """A BSON date read back as an aware UTC datetime with millisecond precision."""
    return (
        isinstance(value, datetime)
        and value.utcoffset() == timedelta(0)
        and value.microsecond % 1000 == 0
    )


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def dates_in(document: Any) -> list[Any]:
    """Every datetime anywhere in ``document``."""
    if isinstance(document, dict):
        return [date for value in document.values() for date in dates_in(value)]
    if isinstance(document, list):
        return [date for value in document for date in dates_in(value)]
    return [document] if isinstance(document, datetime) else []


def test_every_date_is_utc_with_millisecond_precision(seed_run: SeedRun) -> None:
    for collection in COLLECTIONS:
        dates = [date for doc in seed_run.db[collection].find() for date in dates_in(doc)]
        assert dates, collection
        assert all(is_date(date) for date in dates), collection


def test_livechat_room_shape(seed_run: SeedRun) -> None:
    rooms = list(seed_run.db[names.ROOMS].find({"t": "l"}))
    assert len(rooms) == seed_run.report.rooms
    for room in rooms:
        assert is_id(room["_id"])
        assert isinstance(room["fname"], str) and room["fname"]
        for field in ("ts", "_updatedAt", "lm", "queuedAt"):
            assert is_date(room[field]), field
        assert set(room["v"]) == {"_id", "username", "token", "status", "lastMessageTs"}
        assert is_id(room["v"]["_id"]) and room["v"]["username"].startswith("guest-")
        assert room["source"] == {"type": "widget"}
        assert room["cl"] is False
        assert isinstance(room["msgs"], int) and isinstance(room["usersCount"], int)
        assert room["priorityWeight"] == 100
        assert room["estimatedWaitingTimeQueue"] == 9_999_999
        assert is_id(room["contactId"])
        assert "departmentId" not in room or is_id(room["departmentId"])
        if "servedBy" in room:
            assert set(room["servedBy"]) == {"_id", "username", "ts"}
        if "responseBy" in room:
            assert set(room["responseBy"]) == {
                "_id",
                "username",
                "firstResponseTs",
                "lastMessageTs",
            }
        if "closedAt" in room:
            assert room["closer"] in {"user", "visitor"}
            assert set(room["closedBy"]) == {"_id", "username"}
        metrics = room.get("metrics", {})
        for field in ("chatDuration", "serviceTimeDuration", "visitorInactivity"):
            assert field not in metrics or is_number(metrics[field]), field
        if "response" in metrics:
            response, reaction = metrics["response"], metrics["reaction"]
            assert is_date(response["fd"]) and is_date(reaction["fd"])
            assert isinstance(response["total"], int) and response["total"] >= 1
            assert all(is_number(response[key]) for key in ("avg", "ft", "tt"))
            assert all(is_number(reaction[key]) for key in ("ft", "tt"))


def test_message_shapes(seed_run: SeedRun) -> None:
    messages = list(seed_run.db[names.MESSAGES].find())
    transfers = [m for m in messages if m.get("t") == "livechat_transfer_history"]
    ordinary = [m for m in messages if "t" not in m]
    assert transfers and ordinary and len(transfers) + len(ordinary) == len(messages)
    assert len(messages) == seed_run.report.messages
    for message in messages:
        assert is_id(message["_id"]) and is_id(message["rid"])
        assert is_date(message["ts"]) and message["_updatedAt"] == message["ts"]
    for message in transfers:
        assert message["msg"] == "" and message["groupable"] is False
        assert set(message["u"]) == {"_id", "username"}
        data = message["transferData"]
        assert data["scope"] in {"department", "agent"}
        assert data["ts"] == message["ts"]
        assert data["transferredBy"]["userType"] in {"agent", "user"}
        assert data["transferredBy"]["_id"] == message["u"]["_id"]
        if data["scope"] == "department":
            assert set(data["nextDepartment"]) == {"_id", "name"}
            assert "transferredTo" not in data
        else:
            assert "nextDepartment" not in data
            assert set(data["transferredTo"]) == {"_id", "username", "name"}
        assert "comment" not in data or isinstance(data["comment"], str)
    for message in ordinary:
        assert isinstance(message["msg"], str) and message["msg"]
        assert set(message["u"]) == {"_id", "username", "name"}
        assert message["md"][0]["value"][0]["value"] == message["msg"]
    assert any("token" in m for m in ordinary) and any("token" not in m for m in ordinary)


def test_departments(seed_run: SeedRun) -> None:
    departments = list(seed_run.db[names.DEPARTMENTS].find({"type": "d"}))
    assert len(departments) == seed_run.report.departments >= 10
    assert len({d["name"] for d in departments}) == len(departments)
    for department in departments:
        assert is_id(department["_id"])
        assert department["type"] == "d"
        assert isinstance(department["enabled"], bool)
        assert isinstance(department["description"], str)
        assert isinstance(department["showOnRegistration"], bool)
        assert isinstance(department["showOnOfflineForm"], bool)
        assert department["email"].endswith("@example.com") and department["email"].isascii()
        assert isinstance(department["numAgents"], int)
        assert is_date(department["_updatedAt"])
        assert "archived" not in department or isinstance(department["archived"], bool)
    assert any(not d["enabled"] for d in departments)
    assert sum(d.get("archived") is True for d in departments) == 1
    assert any("archived" not in d for d in departments)
    assert {"Sales", "Billing"} <= {d["name"] for d in departments}


def _hash(token: str) -> str:
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()


def test_users_and_the_reported_login(seed_run: SeedRun) -> None:
    users = {user["_id"]: user for user in seed_run.db[names.USERS].find()}
    report = seed_run.report
    manager = users[report.manager_id]
    assert manager["roles"] == ["user", "livechat-manager"] and manager["active"] is True
    assert is_number(manager["utcOffset"])
    assert len(report.manager_token) == 43 and set(report.manager_token) <= TOKEN_ALPHABET
    [login] = manager["services"]["resume"]["loginTokens"]
    assert login["hashedToken"] == _hash(report.manager_token)
    assert is_date(login["when"])

    by_roles = [sorted(user["roles"]) for user in users.values()]
    assert ["admin", "user"] in by_roles and ["user"] in by_roles
    agents = [user for user in users.values() if "livechat-agent" in user["roles"]]
    assert len(agents) >= 10
    for agent in agents:
        assert agent["roles"] == ["user", "livechat-agent"]
        assert agent["statusLivechat"] in {"available", "not-available"}
        assert isinstance(agent["livechat"]["maxNumberSimultaneousChat"], int)
    inactive = [u for u in users.values() if u.get("active") is False]
    # an inactive manager, and an agent who left (its role removed) and was deactivated
    assert sorted(u["roles"] for u in inactive) == [["user"], ["user", "livechat-manager"]]
    with_tokens = [u for u in users.values() if u.get("services", {}).get("resume")]
    # manager, admin, plain user, inactive manager, two monitors
    assert len(with_tokens) == 6
    hashes = {u["services"]["resume"]["loginTokens"][0]["hashedToken"] for u in with_tokens}
    assert len(hashes) == 6 and all(len(h) == 44 and h.endswith("=") for h in hashes)
    assert all(is_id(user_id) for user_id in users if user_id != "rocket.cat")


def test_no_plain_token_is_stored(seed_run: SeedRun) -> None:
    token = seed_run.report.manager_token.encode()
    for collection in COLLECTIONS:
        for document in seed_run.db[collection].find():
            assert token not in bson.encode(document), collection


def test_permissions_and_settings(seed_run: SeedRun) -> None:
    permissions = {p["_id"]: p for p in seed_run.db[names.PERMISSIONS].find()}
    assert permissions["view-livechat-manager"]["roles"] == [
        "livechat-manager",
        "livechat-monitor",
        "admin",
    ]
    assert len(permissions) >= 3 and all(is_date(p["_updatedAt"]) for p in permissions.values())
    settings = {s["_id"]: s for s in seed_run.db[names.SETTINGS].find()}
    assert settings["Livechat_visitor_inactivity_timeout"]["value"] == 3600
    assert settings["Default_Timezone_For_Reporting"]["value"] == "server"
    assert settings["Default_Custom_Timezone"]["value"] == ""
    for setting in settings.values():
        assert setting["packageValue"] == setting["value"]
        assert setting["valueSource"] == "packageValue"
        assert isinstance(setting["type"], str) and isinstance(setting["group"], str)
        assert isinstance(setting["public"], bool)
        assert is_date(setting["ts"]) and is_date(setting["_updatedAt"])


def test_rocket_chat_indexes(seed_run: SeedRun) -> None:
    def indexes(collection: str) -> dict[tuple[tuple[str, int], ...], dict[str, Any]]:
        return {
            tuple(index["key"].items()): index for index in seed_run.db[collection].list_indexes()
        }

    rooms = indexes(names.ROOMS)
    assert {(("t", 1), ("ts", 1)), (("ts", 1),), (("closedAt", 1),), (("open", 1),)} <= set(rooms)
    by_department = rooms[(("departmentId", 1), ("ts", 1))]
    assert by_department["partialFilterExpression"] == {"departmentId": {"$exists": True}, "t": "l"}
    assert (("t", 1), ("departmentId", 1), ("closedAt", 1)) in rooms
    assert rooms[(("metrics.visitorInactivity", 1),)]["sparse"] is True
    messages = indexes(names.MESSAGES)
    assert messages[(("t", 1),)]["sparse"] is True
    assert {(("rid", 1), ("ts", 1), ("_updatedAt", 1)), (("ts", 1),)} <= set(messages)
    assert (("services.resume.loginTokens.hashedToken", 1),) in indexes(names.USERS)
    assert (("name", 1),) in indexes(names.DEPARTMENTS)
