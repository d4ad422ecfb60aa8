"""Batching of agents: a page of 100 agents × every agent metric for one range costs one
aggregation per family (served, first response, activity), and MongoDB answers with one row
per agent, never one per room; counted on the wire with a pymongo ``CommandListener``."""

from __future__ import annotations

from datetime import timedelta

from pymongo.database import Database

from omnigate.db import Store
from omnigate.db.names import AGENT_ACTIVITY, ROOMS
from omnigate.metrics.catalog import AGENT_METRICS, Unit
from tests.metrics.documents import at
from tests.schema.conftest import Execute
from tests.schema.test_batching import Recorder, recorded  # noqa: F401 (fixture)

START = at("2024-03-01T00:00")
RANGE = {"start": "2024-03-01T00:00:00Z", "end": "2024-03-31T23:59:59.999Z"}
EVERY_METRIC = " ".join(
    f"{m.name}(range: $r)" + (" { chats seconds }" if m.unit is Unit.SERVICE_TIME else "")
    for m in AGENT_METRICS
)
AGENTS, ROOMS_EACH, DEPARTMENTS = 120, 4, 10


def _insert(db: Database) -> None:
    """``AGENTS`` agents in ``DEPARTMENTS`` departments; each served ``ROOMS_EACH`` rooms
    (the first answered by the next agent) and has three days of activity."""
    ids = [f"a{i:03}" for i in range(AGENTS)]
    db.users.insert_many(
        [{"_id": a, "username": f"agent-{a}", "roles": ["user", "livechat-agent"]} for a in ids]
    )
    db.rocketchat_livechat_department.insert_many(
        [{"_id": f"d{d}", "name": f"Department {d}"} for d in range(DEPARTMENTS)]
    )
    db.rocketchat_livechat_department_agents.insert_many(
        [{"agentId": a, "departmentId": f"d{i % DEPARTMENTS}"} for i, a in enumerate(ids)]
    )
    rooms = []
    for i, agent in enumerate(ids):
        for j in range(ROOMS_EACH):
            ts = START + timedelta(hours=i + j)
            other = ids[(i + 1) % AGENTS] if j == 0 else agent
            rooms.append(
                {
                    "_id": f"r{i}-{j}",
                    "t": "l",
                    "ts": ts,
                    "msgs": 3,
                    "departmentId": f"d{i % DEPARTMENTS}",
                    "servedBy": {"_id": agent, "username": f"agent-{agent}", "ts": ts},
                    "responseBy": {"_id": other, "username": f"agent-{other}"},
                    "metrics": {
                        "chatDuration": 600.0,
                        "serviceTimeDuration": 500.0,
                        "response": {"avg": 10.0, "ft": 20.0 + j},
                        "reaction": {"ft": 5.0},
                    },
                }
            )
    db.rocketchat_room.insert_many(rooms)
    db.rocketchat_livechat_agent_activity.insert_many(
        [
            {"agentId": a, "date": 20240301 + day, "availableTime": 3600}
            for a in ids
            for day in range(3)
        ]
    )


async def test_100_agents_every_metric_cost_one_aggregation_per_family(
    fresh_db: Database,
    execute: Execute,
    recorded: tuple[Store, Recorder],  # noqa: F811
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    query = f"""query($r: DateRange!) {{ agents(first: 100) {{ totalCount
      edges {{ node {{ username {EVERY_METRIC} }} }} }} }}"""
    result = await execute(query, {"r": RANGE}, store=store)
    assert result.errors is None, result.errors
    edges = result.data["agents"]["edges"]
    assert len(edges) == 100 and result.data["agents"]["totalCount"] == AGENTS
    node = edges[5]["node"]
    assert node["chats"] == ROOMS_EACH and node["messages"] == 3 * ROOMS_EACH
    assert node["conversationShare"] == 100 * ROOMS_EACH / (AGENTS * ROOMS_EACH)
    # its rooms 1-3 (21, 22, 23 s) and the room 0 of the agent before it (20 s)
    assert node["averageFirstResponseTime"] == 21.5
    assert node["availableTime"] == 3 * 3600.0
    # one aggregation per family for the 100 agents, whatever the number of metrics
    assert sorted(recorder.aggregations) == [AGENT_ACTIVITY, ROOMS, ROOMS]
    assert max(recorder.rows) <= 100  # one row per agent of the page, not 480 rooms


async def test_metric_order_reuses_its_aggregation(
    fresh_db: Database,
    execute: Execute,
    recorded: tuple[Store, Recorder],  # noqa: F811
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    order = "{field: AVERAGE_FIRST_RESPONSE_TIME, direction: ASC, range: $r}"
    query = f"""query($r: DateRange!) {{ agents(first: 100, orderBy: {order}) {{
        edges {{ node {{ {EVERY_METRIC} }} }} }} }}"""
    result = await execute(query, {"r": RANGE}, store=store)
    assert result.errors is None, result.errors
    assert len(recorder.aggregations) == 3, recorder.aggregations
    assert max(recorder.rows) <= AGENTS  # every agent once, for the ordering


async def test_the_agents_of_every_department_cost_one_aggregation_per_family_and_range(
    fresh_db: Database,
    execute: Execute,
    recorded: tuple[Store, Recorder],  # noqa: F811
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    query = """query($r: DateRange!, $s: DateRange!) {
      departments { edges { node { agents { chats(range: $r) before: chats(range: $s)
        bestFirstResponseTime(range: $s) availableTime(range: $r) } } } } }"""
    other = {"start": "2024-02-01T00:00:00Z", "end": "2024-02-29T23:59:59.999Z"}
    result = await execute(query, {"r": RANGE, "s": other}, store=store)
    assert result.errors is None, result.errors
    agents = [
        agent for edge in result.data["departments"]["edges"] for agent in edge["node"]["agents"]
    ]
    assert len(agents) == AGENTS and {a["chats"] for a in agents} == {ROOMS_EACH}
    # the agents of the ten departments together: two families for $r, two for $s
    assert sorted(recorder.aggregations) == [AGENT_ACTIVITY, ROOMS, ROOMS, ROOMS]
    assert max(recorder.rows) <= AGENTS


async def test_skipped_agent_metrics_launch_no_aggregation(
    fresh_db: Database,
    execute: Execute,
    recorded: tuple[Store, Recorder],  # noqa: F811
) -> None:
    _insert(fresh_db)
    store, recorder = recorded
    query = """query($r: DateRange!, $no: Boolean!) { agents(first: 10) { edges { node {
      chats(range: $r) availableTime(range: $r) @include(if: $no)
      bestFirstResponseTime(range: $r) @skip(if: true) } } } }"""
    result = await execute(query, {"r": RANGE, "no": False}, store=store)
    assert result.errors is None, result.errors
    assert recorder.aggregations == [ROOMS]  # the served family alone
