"""The seeded visitors, agents' presence, department assignments and activity: consistent
with the rooms and users, and covering what the monitoring page reads."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from omnigate.db import names
from omnigate.seed.activity import ACTIVITY_DAYS, PRESENCE
from tests.seed.conftest import NOW, SeedRun
from tests.seed.test_shapes import is_date, is_id

Document = dict[str, Any]


def test_every_visitor_of_a_room_has_its_latest_chat(seed_run: SeedRun) -> None:
    rooms: defaultdict[str, list[Document]] = defaultdict(list)
    for room in seed_run.db[names.ROOMS].find({"t": "l"}):
        rooms[room["v"]["_id"]].append(room)
    visitors = {v["_id"]: v for v in seed_run.db[names.VISITORS].find()}
    assert set(visitors) == set(rooms)
    assert any(len(chats) > 1 for chats in rooms.values())  # some came back
    for visitor_id, chats in rooms.items():
        visitor, latest = visitors[visitor_id], max(chats, key=lambda r: r["ts"])
        assert visitor["username"] == latest["v"]["username"]
        assert visitor["token"] == latest["v"]["token"]
        assert visitor["ts"] == min(r["ts"] for r in chats)
        assert visitor["_updatedAt"] == max(r["_updatedAt"] for r in chats)
        assert visitor["lastChat"] == {"_id": latest["_id"], "ts": latest["ts"]}
        assert visitor.get("department") == latest.get("departmentId")
        assert visitor["status"] == latest["v"]["status"]
    assert any("department" not in v for v in visitors.values())


def test_agents_have_every_presence(seed_run: SeedRun) -> None:
    agents = list(seed_run.db[names.USERS].find({"roles": "livechat-agent"}))
    presence = Counter((a["status"], a["statusLivechat"]) for a in agents)
    assert set(presence) == set(PRESENCE)
    for agent in agents:
        connected = "offline" if agent["status"] == "offline" else "online"
        assert agent["statusConnection"] == connected


def test_assignments_match_the_departments(seed_run: SeedRun) -> None:
    users = {u["_id"]: u for u in seed_run.db[names.USERS].find()}
    departments = {d["_id"]: d for d in seed_run.db[names.DEPARTMENTS].find()}
    assignments = list(seed_run.db[names.DEPARTMENT_AGENTS].find())
    per_department = Counter(a["departmentId"] for a in assignments)
    assert {d: per_department[d] for d in departments} == {
        d: department["numAgents"] for d, department in departments.items()
    }
    for assignment in assignments:
        assert is_id(assignment["_id"])
        assert assignment["username"] == users[assignment["agentId"]]["username"]
        assert "livechat-agent" in users[assignment["agentId"]]["roles"]
        assert assignment["departmentEnabled"] is departments[assignment["departmentId"]]["enabled"]


def test_activity_records_sessions_as_rocket_chat_does(seed_run: SeedRun) -> None:
    agents = {a["_id"]: a for a in seed_run.db[names.USERS].find({"roles": "livechat-agent"})}
    activity = list(seed_run.db[names.AGENT_ACTIVITY].find())
    today = int(NOW.strftime("%Y%m%d"))
    first = int((NOW - timedelta(days=ACTIVITY_DAYS - 1)).strftime("%Y%m%d"))
    assert len({(a["agentId"], a["date"]) for a in activity}) == len(activity)
    running = set()
    for document in activity:
        assert document["agentId"] in agents and first <= document["date"] <= today
        day = document["lastStartedAt"].strftime("%Y%m%d")
        assert int(day) == document["date"] and document["lastStartedAt"] < NOW
        history = document["serviceHistory"]
        seconds = [(s["stoppedAt"] - s["startedAt"]) // timedelta(seconds=1) for s in history]
        assert document["availableTime"] == sum(seconds) and all(s > 0 for s in seconds)
        assert all(is_date(s["startedAt"]) and s["stoppedAt"] < NOW for s in history)
        if "lastStoppedAt" in document:
            assert history[-1]["stoppedAt"] == document["lastStoppedAt"]
        else:
            running.add(document["agentId"])
            assert document["date"] == today
            assert not history or history[-1]["stoppedAt"] <= document["lastStartedAt"]
    available = {i for i, a in agents.items() if a["statusLivechat"] == "available"}
    assert running == available and running
