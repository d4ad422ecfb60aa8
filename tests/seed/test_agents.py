"""What the agent analytics read: assignments, presence, agents who left, first answers by
another agent, and realistic activity documents (shifts, breaks, an open session at now)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, timedelta
from itertools import pairwise
from typing import Any

from omnigate.db import names
from tests.seed.conftest import NOW, SeedRun
from tests.seed.test_shapes import is_date, is_id

Document = dict[str, Any]


def _users(seed_run: SeedRun) -> dict[str, Document]:
    return {user["_id"]: user for user in seed_run.db[names.USERS].find()}


def _is_agent(user: Document) -> bool:
    return "livechat-agent" in user["roles"]


def test_department_assignments(seed_run: SeedRun) -> None:
    users = _users(seed_run)
    departments = {d["_id"]: d for d in seed_run.db[names.DEPARTMENTS].find({"type": "d"})}
    assignments = list(seed_run.db[names.DEPARTMENT_AGENTS].find())
    assert len(assignments) >= len(departments)
    per_department: Counter[str] = Counter()
    for assignment in assignments:
        assert set(assignment) == {
            "_id", "agentId", "departmentId", "departmentEnabled", "username", "count", "order",
        }  # fmt: skip
        assert is_id(assignment["_id"])
        agent, department = users[assignment["agentId"]], departments[assignment["departmentId"]]
        assert _is_agent(agent) and assignment["username"] == agent["username"]
        assert assignment["departmentEnabled"] is department["enabled"]
        per_department[department["_id"]] += 1
    assert len({(a["agentId"], a["departmentId"]) for a in assignments}) == len(assignments)
    assert {d: department["numAgents"] for d, department in departments.items()} == {
        d: per_department[d] for d in departments
    }
    # agents in several departments
    assert max(Counter(a["agentId"] for a in assignments).values()) >= 2


def test_agents_have_rocketchat_presence(seed_run: SeedRun) -> None:
    agents = [user for user in _users(seed_run).values() if _is_agent(user)]
    assert {agent["status"] for agent in agents} >= {"online", "offline", "away"}
    for agent in agents:
        assert agent["status"] in {"online", "away", "busy", "offline"}
        assert agent["statusLivechat"] in {"available", "not-available"}
        if agent["status"] == "offline":
            assert agent["statusLivechat"] == "not-available"
            assert agent["statusConnection"] == "offline"
    assert any(agent["statusLivechat"] == "available" for agent in agents)


def test_agents_who_left_served_rooms_before_leaving_only(seed_run: SeedRun) -> None:
    users = _users(seed_run)
    assigned = {a["agentId"] for a in seed_run.db[names.DEPARTMENT_AGENTS].find()}
    served_by: defaultdict[str, list[Document]] = defaultdict(list)
    for room in seed_run.db[names.ROOMS].find({"t": "l", "servedBy": {"$exists": True}}):
        served_by[room["servedBy"]["_id"]].append(room)
    left = [users[agent] for agent in served_by if not _is_agent(users[agent])]
    assert len(left) == 2
    for user in left:
        assert user["roles"] == ["user"] and user["_id"] not in assigned
        assert user["statusLivechat"] == "not-available"
        # nothing served in the last 12 days (the later one left 12 days ago)
        assert max(r["ts"] for r in served_by[user["_id"]]) < NOW - timedelta(days=12)
    assert sorted(user.get("active", True) for user in left) == [False, True]


def test_rooms_answered_first_by_another_agent(seed_run: SeedRun) -> None:
    rooms = seed_run.db[names.ROOMS].find({"t": "l", "servedBy": {"$exists": True}})
    others = [
        r for r in rooms if "responseBy" in r and r["responseBy"]["_id"] != r["servedBy"]["_id"]
    ]
    assert len(others) >= 5


def _day_number(moment: Any) -> int:
    day = moment.astimezone(UTC)
    return day.year * 10_000 + day.month * 100 + day.day


def test_activity_documents_are_realistic_shifts(seed_run: SeedRun) -> None:
    users = _users(seed_run)
    documents = list(seed_run.db[names.AGENT_ACTIVITY].find())
    today = _day_number(NOW)
    by_agent: defaultdict[str, list[Document]] = defaultdict(list)
    open_sessions = 0
    for document in documents:
        assert is_id(document["_id"]) and document["agentId"] in users
        by_agent[document["agentId"]].append(document)
        history = document.get("serviceHistory", [])
        for session in history:
            assert set(session) == {"startedAt", "stoppedAt"}
            assert is_date(session["startedAt"]) and session["startedAt"] < session["stoppedAt"]
            assert _day_number(session["startedAt"]) == document["date"]
        for earlier, later in pairwise(history):
            assert earlier["stoppedAt"] < later["startedAt"]  # breaks between sessions
        seconds = sum(int((s["stoppedAt"] - s["startedAt"]).total_seconds()) for s in history)
        assert document.get("availableTime", 0) == seconds
        if "lastStoppedAt" in document:
            assert history and document["lastStoppedAt"] == history[-1]["stoppedAt"]
            assert document["lastStartedAt"] == history[-1]["startedAt"]
            if document["date"] != today:
                assert 4 * 3600 <= seconds <= 10 * 3600  # a working day
        else:  # a session running at now
            open_sessions += 1
            assert document["date"] == today and document["lastStartedAt"] <= NOW
            assert users[document["agentId"]]["statusLivechat"] == "available"
    assert open_sessions >= 1
    agents = [user for user in users.values() if _is_agent(user)]
    assert all(len(by_agent[agent["_id"]]) >= 50 for agent in agents)  # most days of 90
    assert len({(d["agentId"], d["date"]) for d in documents}) == len(documents)
    for user in users.values():
        if not _is_agent(user) and user["_id"] in by_agent:  # left: nothing in the last 12 days
            assert max(d["date"] for d in by_agent[user["_id"]]) < _day_number(
                NOW - timedelta(days=12)
            )
