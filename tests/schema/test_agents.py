"""``agents``, ``agent``, ``node``, ``Department.agents`` and ``Agent.departments``: every
metric against values computed here in plain Python, keyset pages in every order, the
caller's scope, bad input."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pymongo.database import Database

from omnigate.auth import Principal
from omnigate.metrics.catalog import AGENT_METRICS, Unit
from omnigate.schema.agents import Agent
from omnigate.scope import Scope
from tests.metrics import agent_reference as ref
from tests.metrics.agent_documents import (
    ACTIVITY,
    ASSIGNMENTS,
    END,
    MONITOR,
    ROOMS,
    START,
    USERS,
    insert,
)
from tests.schema.conftest import MANAGER, Execute, codes

RANGE = {"start": "2024-05-01T00:00:00Z", "end": "2024-05-31T23:59:59.999Z"}
METRICS = " ".join(
    f"{m.name}(range: $r)" + (" { chats seconds }" if m.unit is Unit.SERVICE_TIME else "")
    for m in AGENT_METRICS
)
FIELDS = f"agentId username name active status statusLivechat {METRICS}"
CURRENT = ["a1", "a2", "a3", "a4"]  # xavier (x1) is no longer an agent
USERNAMES = {"a1": "alice", "a2": "bruno", "a3": "carla", "a4": "dmitri"}
MONITOR_PRINCIPAL = Principal(
    user_id="monitor",
    username="monitor",
    utc_offset=0,
    roles=("livechat-monitor",),
    scope=Scope.monitor(MONITOR.units, MONITOR.departments),
)


@pytest.fixture
def data(fresh_db: Database) -> None:
    insert(fresh_db)


def expected(agents: list[str], monitor: ref.Monitor | None = None) -> dict[str, dict[str, Any]]:
    return ref.metric_values(
        ROOMS, ACTIVITY, USERS, ASSIGNMENTS, START, END, ZoneInfo("UTC"), agents, monitor=monitor
    )


def assert_metrics(node: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        assert node[name] == pytest.approx(value), name
        if isinstance(value, float):
            assert isinstance(node[name], float), name


async def _agents(execute: Execute, arguments: str = "", **options: Any) -> dict[str, Any]:
    query = f"""query($r: DateRange!) {{ agents{arguments} {{ totalCount
      edges {{ cursor node {{ {FIELDS} }} }} pageInfo {{ hasNextPage hasPreviousPage }} }} }}"""
    result = await execute(query, {"r": RANGE}, **options)
    assert result.errors is None, result.errors
    return result.data["agents"]


async def test_every_metric_of_every_current_agent(data: None, execute: Execute) -> None:
    connection = await _agents(execute)
    nodes = [edge["node"] for edge in connection["edges"]]
    assert [node["agentId"] for node in nodes] == CURRENT  # by username
    assert connection["totalCount"] == 4
    values = expected(CURRENT)
    for node in nodes:
        assert_metrics(node, values[node["agentId"]])
    by_id = {node["agentId"]: node for node in nodes}
    # an agent with no rooms and no activity: zeros
    assert by_id["a3"]["chats"] == 0 and by_id["a3"]["averageChatDuration"] == 0.0
    assert by_id["a3"]["totalServiceTime"] == {"chats": 0, "seconds": 0.0}
    assert by_id["a1"]["conversationShare"] == 50.0  # xavier's room counts in the total
    assert by_id["a4"]["name"] is None
    assert (by_id["a4"]["active"], by_id["a3"]["statusLivechat"]) == (False, "not-available")


async def test_department_filter_and_count(data: None, execute: Execute) -> None:
    connection = await _agents(execute, '(departmentId: "dA")')
    assert [e["node"]["agentId"] for e in connection["edges"]] == ["a1", "a3"]
    assert connection["totalCount"] == 2
    # metrics still count every room of the agent
    assert_metrics(connection["edges"][0]["node"], expected(["a1"])["a1"])
    for unknown in ('"nowhere"', '""'):
        empty = await _agents(execute, f"(departmentId: {unknown})")
        assert empty["edges"] == [] and empty["totalCount"] == 0


def _sort_value(value: Any) -> float:
    return float(value["seconds"] if isinstance(value, dict) else value)


@pytest.mark.parametrize("metric", AGENT_METRICS, ids=lambda m: m.order)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_every_metric_orders_the_agents_ties_by_id(
    data: None, execute: Execute, metric: Any, direction: str
) -> None:
    order = f"(orderBy: {{field: {metric.order}, direction: {direction}, range: $r}})"
    connection = await _agents(execute, order)
    values = expected(CURRENT)
    sign = -1 if direction == "DESC" else 1
    wanted = sorted(CURRENT, key=lambda a: (sign * _sort_value(values[a][metric.name]), a))
    assert [e["node"]["agentId"] for e in connection["edges"]] == wanted


PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $order: AgentOrder) {
  agents(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    edges { node { agentId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _walk(
    execute: Execute, order: dict[str, Any] | None, size: int, backward: bool
) -> list[str]:
    """Every agent id, a page of ``size`` at a time, following the cursors."""
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        variables: dict[str, Any] = {"order": order}
        variables |= (
            {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        )
        result = await execute(PAGE, variables)
        assert result.errors is None, result.errors
        ids = [edge["node"]["agentId"] for edge in result.data["agents"]["edges"]]
        info = result.data["agents"]["pageInfo"]
        if backward:
            seen = ids + seen
            if not info["hasPreviousPage"]:
                return seen
            cursor = info["startCursor"]
        else:
            seen += ids
            if not info["hasNextPage"]:
                return seen
            cursor = info["endCursor"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("backward", [False, True])
async def test_keyset_pages_cover_every_agent_once(
    data: None, execute: Execute, size: int, backward: bool
) -> None:
    assert await _walk(execute, None, size, backward) == CURRENT
    username_desc = {"field": "USERNAME", "direction": "DESC"}
    assert await _walk(execute, username_desc, size, backward) == CURRENT[::-1]
    # carla and dmitri have no chats: tied, by _id
    chats = {"field": "CHATS", "direction": "DESC", "range": RANGE}
    assert await _walk(execute, chats, size, backward) == ["a1", "a2", "a3", "a4"]


def _forged(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"order": {"field": "CHATS"}}, "orderBy.range is required to order by CHATS"),
        ({"first": 101}, "`first` must be between 0 and 100"),
        ({"after": _forged('["USERNAME:ASC", 3, "a1"]')}, "`after` is not a valid cursor"),
        ({"after": _forged('["NAME:ASC", "x", "a1"]')}, "returned for the ordering NAME:ASC"),
        ({"after": "%%%"}, "`after` is not a valid cursor"),
    ],
)
async def test_bad_arguments_are_bad_user_input(
    data: None, execute: Execute, variables: dict[str, Any], fragment: str
) -> None:
    result = await execute(PAGE, variables)
    assert codes(result) == ["BAD_USER_INPUT"]
    assert fragment in result.errors[0].message


ONE = f"""query($r: DateRange!, $id: ID!, $node: ID!) {{
  agent(agentId: $id) {{ id {FIELDS} departments {{ departmentId chats(range: $r) }} }}
  node(id: $node) {{ ... on Agent {{ agentId chats(range: $r) }} }} }}"""


def _global(agent_id: str) -> str:
    return base64.b64encode(f"Agent:{agent_id}".encode()).decode()


async def test_one_agent_by_id_and_by_node(data: None, execute: Execute) -> None:
    result = await execute(ONE, {"r": RANGE, "id": "a1", "node": _global("a2")})
    assert result.errors is None, result.errors
    agent = result.data["agent"]
    assert agent["id"] == _global("a1")
    assert_metrics(agent, expected(["a1"])["a1"])
    assert [d["departmentId"] for d in agent["departments"]] == ["dA", "dB"]  # Alpha, Beta
    assert result.data["node"] == {"agentId": "a2", "chats": expected(["a2"])["a2"]["chats"]}
    # the node id resolves back to the agent
    again = await execute(ONE, {"r": RANGE, "id": "a2", "node": agent["id"]})
    assert again.data["node"]["agentId"] == "a1"


@pytest.mark.parametrize("agent_id", ["x1", "nobody", "ghost"])
async def test_who_is_not_a_current_agent_is_null(
    data: None, execute: Execute, agent_id: str
) -> None:
    result = await execute(ONE, {"r": RANGE, "id": agent_id, "node": _global(agent_id)})
    assert result.errors is None
    assert result.data == {"agent": None, "node": None}


async def test_department_agents(data: None, execute: Execute) -> None:
    result = await execute(
        """query($r: DateRange!) { departments { edges { node { departmentId
          agents { agentId chats(range: $r) averageFirstResponseTime(range: $r) } } } } }""",
        {"r": RANGE},
    )
    assert result.errors is None, result.errors
    agents = {
        e["node"]["departmentId"]: [a["agentId"] for a in e["node"]["agents"]]
        for e in result.data["departments"]["edges"]
    }
    assert agents == {"dA": ["a1", "a3"], "dB": ["a1"], "dC": ["a2"]}  # the unit is not one
    values = expected(CURRENT)
    for edge in result.data["departments"]["edges"]:
        for node in edge["node"]["agents"]:
            assert node["chats"] == values[node["agentId"]]["chats"]
            assert node["averageFirstResponseTime"] == pytest.approx(
                values[node["agentId"]]["averageFirstResponseTime"]
            )


async def test_a_monitor_sees_the_agents_and_rooms_of_its_units(
    data: None, execute: Execute
) -> None:
    connection = await _agents(execute, principal=MONITOR_PRINCIPAL)
    nodes = [edge["node"] for edge in connection["edges"]]
    assert [node["agentId"] for node in nodes] == ["a1", "a3"]  # assigned to dA or dB
    assert connection["totalCount"] == 2
    values = expected(["a1", "a3"], MONITOR)
    for node in nodes:
        assert_metrics(node, values[node["agentId"]])
    assert nodes[0]["chats"] == 3  # not the rooms of dC, nor those without department
    outside = await execute(
        ONE, {"r": RANGE, "id": "a2", "node": _global("a2")}, principal=MONITOR_PRINCIPAL
    )
    assert outside.data == {"agent": None, "node": None}
    gamma = await _agents(execute, '(departmentId: "dC")', principal=MONITOR_PRINCIPAL)
    assert gamma["edges"] == [] and gamma["totalCount"] == 0
    ordered = await _agents(
        execute,
        "(orderBy: {field: AVAILABLE_TIME, direction: DESC, range: $r})",
        principal=MONITOR_PRINCIPAL,
    )
    assert [e["node"]["agentId"] for e in ordered["edges"]] == ["a1", "a3"]


async def test_a_monitor_of_nothing_sees_no_agent(data: None, execute: Execute) -> None:
    nobody = Principal("m", "m", 0, ("livechat-monitor",), Scope.monitor((), ()))
    connection = await _agents(execute, principal=nobody)
    assert connection == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
    }


async def test_the_manager_sees_every_department_of_an_agent(data: None, execute: Execute) -> None:
    query = """{ agents { edges { node { agentId departments { name } } } } }"""
    result = await execute(query, principal=MANAGER)
    departments = {
        e["node"]["agentId"]: [d["name"] for d in e["node"]["departments"]]
        for e in result.data["agents"]["edges"]
    }
    assert departments == {"a1": ["Alpha", "Beta"], "a2": ["Gamma"], "a3": ["Alpha"], "a4": []}


async def test_prefetched_values_equal_the_resolvers_values(
    data: None, execute: Execute, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's plain prefetched fields answer what the field resolvers answer."""
    query = f"query($r: DateRange!) {{ agents {{ edges {{ node {{ {FIELDS} }} }} }} }}"
    plain = await execute(query, {"r": RANGE})
    assert plain.errors is None
    from_node = Agent.from_node.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        Agent,
        "from_node",
        classmethod(lambda cls, node: from_node(cls, dataclasses.replace(node, prefetched=None))),
    )
    resolved = await execute(query, {"r": RANGE})
    assert resolved.errors is None
    assert resolved.data == plain.data
