"""Batching: the whole wall screen (every figure and chart) costs four aggregations, one per
collection, however many departments and agents; MongoDB answers one row per group.
Rocket.Chat's page makes nine HTTP calls for it, each running several queries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.database import Database
from pymongo.monitoring import CommandStartedEvent, CommandSucceededEvent
from starlette.testclient import TestClient

from omnigate.config import Operations, Settings
from omnigate.db import Store, create_client
from omnigate.http.app import create_app
from omnigate.playground import examples_dir
from tests.conftest import mongo_url
from tests.metrics.documents import at
from tests.rest.conftest import add_manager
from tests.schema.conftest import Execute
from tests.schema.test_batching import Recorder

from .conftest import headers_of

WALL_SCREEN = (examples_dir() / "09-real-time-monitoring.graphql").read_text(encoding="utf-8")
DAY = at("2024-05-06T00:00")
RANGE = {"start": "2024-05-06T00:00:00.000Z", "end": "2024-05-06T23:59:59.999Z"}
COLLECTIONS = [
    "rocketchat_livechat_agent_activity",
    "rocketchat_livechat_visitor",
    "rocketchat_room",
    "users",
]


class Commands(Recorder):
    """Also records every command's name and the facets of the rooms aggregation."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.facets: dict[str, int] = {}
        self._rooms: set[int] = set()

    def started(self, event: CommandStartedEvent) -> None:
        super().started(event)
        self.names.append(event.command_name)
        if event.command_name == "aggregate" and event.command["aggregate"] == "rocketchat_room":
            self._rooms.add(event.request_id)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        super().succeeded(event)
        if event.request_id in self._rooms:
            [document] = event.reply["cursor"]["firstBatch"]
            self.facets = {name: len(rows) for name, rows in document.items()}

    def reset(self) -> None:
        super().reset()
        self.names.clear()


def _insert(db: Database, departments: int, agents: int, rooms: int = 300) -> None:
    db.rocketchat_livechat_department.insert_many(
        [{"_id": f"d{i:03}", "name": f"Department {i:03}"} for i in range(departments)]
    )
    db.users.insert_many(
        [
            {
                "_id": f"a{i:03}",
                "username": f"agent{i:03}",
                "roles": ["user", "livechat-agent"],
                "status": ("online", "away", "busy", "offline")[i % 4],
                "statusLivechat": "available" if i % 3 else "not-available",
            }
            for i in range(agents)
        ]
    )
    db.rocketchat_livechat_department_agents.insert_many(
        [{"agentId": f"a{i:03}", "departmentId": f"d{i % departments:03}"} for i in range(agents)]
    )
    documents: list[dict[str, Any]] = []
    for i in range(rooms):
        ts = DAY + timedelta(minutes=4 * i + 1)
        room: dict[str, Any] = {
            "_id": f"r{i}",
            "t": "l",
            "ts": ts,
            "msgs": i % 7,
            "departmentId": f"d{i % departments:03}",
            "servedBy": {"_id": f"a{i % agents:03}", "username": f"agent{i % agents:03}", "ts": ts},
            "metrics": {"response": {"avg": 3, "ft": 4}, "reaction": {"ft": 5}},
        }
        if i % 2:
            room.update(closedAt=ts + timedelta(minutes=3))
            room["metrics"]["chatDuration"] = 180
        else:
            room.update(open=True, onHold=i % 4 == 0)
        documents.append(room)
    db.rocketchat_room.insert_many(documents)
    db.rocketchat_livechat_visitor.insert_many(
        [{"_id": f"v{i}", "_updatedAt": DAY + timedelta(minutes=i)} for i in range(rooms)]
    )
    db.rocketchat_livechat_agent_activity.insert_many(
        [
            {"agentId": f"a{i:03}", "date": 20240506, "availableTime": 60 * i,
             "lastStartedAt": DAY, "lastStoppedAt": DAY + timedelta(hours=1)}
            for i in range(agents)
        ]
    )  # fmt: skip


@pytest.fixture
async def recorded(fresh_db: Database, mongo_port: int) -> AsyncIterator[tuple[Store, Commands]]:
    commands = Commands()
    client: AsyncMongoClient = create_client(
        mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000, event_listeners=[commands]
    )
    yield Store(client[fresh_db.name], 15_000), commands
    await client.close()


@pytest.mark.parametrize(("departments", "agents"), [(3, 4), (40, 60)])
async def test_the_wall_screen_is_four_aggregations(
    fresh_db: Database,
    execute: Execute,
    recorded: tuple[Store, Commands],
    departments: int,
    agents: int,
) -> None:
    _insert(fresh_db, departments, agents)
    store, commands = recorded
    result = await execute(WALL_SCREEN, {"range": RANGE, "timezone": "UTC"}, store=store)
    assert result.errors is None, result.errors
    monitoring = result.data["monitoring"]
    assert monitoring["conversations"] == 300
    assert len(monitoring["chatsPerAgent"]) == agents
    assert len(monitoring["chatsPerDepartment"]) == departments
    # one aggregation per collection, each answering one document
    assert sorted(commands.aggregations) == COLLECTIONS
    assert commands.rows == [1, 1, 1, 1]
    # the rooms' facets: one row for the days, one per department and per agent; not per room
    assert commands.facets == {"days": 1, "departments": departments, "agents": agents}
    # besides: the settings, and the chart's departments
    assert sorted(commands.names) == ["aggregate"] * 4 + ["find"] * 2


def test_the_nine_endpoints(fresh_db: Database, mongo_port: int) -> None:
    """Each endpoint runs one aggregation per collection it reads: eleven for the nine."""
    _insert(fresh_db, departments=10, agents=12)
    add_manager(fresh_db)
    commands = Commands()
    app = create_app(
        # each endpoint's own aggregations: no result shared through the cache
        Settings(
            mongo_url=mongo_url(mongo_port, fresh_db.name),
            operations=Operations(cache_seconds=0),
        ),
        event_listeners=[commands],
    )
    paths = {
        "conversation-totalizers": ["rocketchat_livechat_visitor", "rocketchat_room"],
        "productivity-totalizers": ["rocketchat_room"],
        "chats-totalizers": ["rocketchat_room"],
        "agents-productivity-totalizers": ["rocketchat_livechat_agent_activity", "rocketchat_room"],
        "charts/chats": ["rocketchat_room"],
        "charts/chats-per-agent": ["rocketchat_room"],
        "charts/agents-status": ["users"],
        "charts/chats-per-department": ["rocketchat_room"],
        "charts/timings": ["rocketchat_room"],
    }
    with TestClient(app) as client:
        for path, collections in paths.items():
            commands.reset()
            response = client.get(
                f"/api/v1/livechat/analytics/dashboards/{path}",
                params=RANGE,
                headers=headers_of("manager"),
            )
            assert response.status_code == 200, response.text
            assert sorted(commands.aggregations) == collections, path
    assert sum(map(len, paths.values())) == 11
