"""``Query.monitoring``: every field equal to the plain-Python reference (department filters,
an empty range, monitors' scopes, a timezone), averages weighted by rooms where Rocket.Chat
averages department averages, and the department objects of its chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from omnigate.auth import Principal
from omnigate.playground import examples_dir
from omnigate.scope import Scope
from tests.schema.conftest import MANAGER, Execute, codes

from . import documents as docs
from . import reference
from .reference import View

WALL_SCREEN = (examples_dir() / "09-real-time-monitoring.graphql").read_text(encoding="utf-8")
RANGE = {"start": "2024-05-06T08:00:00Z", "end": "2024-05-06T18:00:00Z"}
U1 = {"units": frozenset({"u1"}), "departments": frozenset({"dA", "dB"})}

VIEWS = {
    "manager": View(),
    "department": View(department="dA"),
    "deleted department": View(department="dGone"),
    "unknown department": View(department="nope"),
    "monitor": View(**U1),
    "monitor's department": View(**U1, department="dB"),
    "department outside the monitor's units": View(**U1, department="dC"),
    "monitor of a unit without departments": View(units=frozenset({"u2"})),
    "monitor of no unit": View(units=frozenset()),
    "timezone": View(zone=ZoneInfo("America/Sao_Paulo")),
    "range without rooms": View(
        start=docs.START + timedelta(days=30), end=docs.END + timedelta(days=30)
    ),
}


def principal_of(view: View) -> Principal:
    if view.units is None:
        return MANAGER
    scope = Scope.monitor(view.units, view.departments)
    return Principal("monitor", "monitor", None, ("livechat-monitor",), scope)


def assert_close(actual: Any, expected: Any, path: str = "monitoring") -> None:
    """Equal, floats up to rounding; Float fields are floats."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), path
        for key in expected:
            assert_close(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=True)):
            assert_close(got, wanted, f"{path}[{index}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float) and actual == pytest.approx(expected), path
    else:
        assert actual == expected and type(actual) is type(expected), path


def _variables(view: View) -> dict[str, Any]:
    return {
        "range": {"start": view.start.isoformat(), "end": view.end.isoformat()},
        "departmentId": view.department,
        "timezone": reference.zone_name(view.zone),
    }


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
async def test_every_field(execute: Execute, view: View) -> None:
    now = datetime.now(UTC).replace(microsecond=0)  # what ends the open activity sessions
    result = await execute(WALL_SCREEN, _variables(view), principal=principal_of(view), now=now)
    assert result.errors is None, result.errors
    found = dict(result.data["monitoring"])
    available = found.pop("averageAvailableTime")
    expected_available = reference.average_available_time(View(**{**vars(view), "now": now}))
    assert available == pytest.approx(expected_available)
    expected = reference.monitoring(view)
    assert found.pop("timezone") == reference.zone_name(view.zone)
    assert_close(found, expected)


async def test_averages_are_weighted_by_rooms(execute: Execute) -> None:
    """Rocket.Chat's REST totalizers average the department averages; these average the
    rooms. On these documents every one of them differs (figures by hand)."""
    result = await execute(
        """query($r: DateRange!) { monitoring(range: $r) { averageWaitingTime
          abandonedChatsPercentage averageChatDuration averageServiceTime } }""",
        {"r": RANGE},
    )
    assert result.errors is None
    view = View()
    weighted = result.data["monitoring"]
    # waiting: dA 4 rooms 1000 s, dB 2 rooms 4 s, no department 50 s, dC 3 rooms 7 s, dGone 0
    assert weighted["averageWaitingTime"] == pytest.approx(1061 / 11)
    assert reference.rc_waiting_time(view) == (250 + 2 + 50 + 3 + 0) / 5 == 61
    # abandoned: 3 of 12 rooms, where the departments' floors are 20, 0, 100, 33, 0
    assert weighted["abandonedChatsPercentage"] == pytest.approx(25)
    assert reference.rc_abandoned_percentage(view) == pytest.approx(30.6)
    # chat duration: 5 rooms closed in the range, 15000.5 s; per department 4500, 601, 3600, 1800
    assert weighted["averageChatDuration"] == pytest.approx(3000.1)
    assert reference.rc_chat_duration(view) == pytest.approx(2625.25)
    # service: 4200.5 s over 5 rooms; per department 701, 300, 1800
    assert weighted["averageServiceTime"] == pytest.approx(840.1)
    assert reference.rc_service_time(view) == pytest.approx(2801 / 3)


async def test_chart_departments_are_departments(execute: Execute) -> None:
    """The chart's departments answer any Department field, their metrics prefetched."""
    result = await execute(
        """query($r: DateRange!) { monitoring(range: $r) { chatsPerDepartment {
          open closed department { id name chats(range: $r) abandonedChats(range: $r) } } } }""",
        {"r": RANGE},
    )
    assert result.errors is None
    rows = result.data["monitoring"]["chatsPerDepartment"]
    assert [row["department"]["name"] for row in rows] == ["Alpha", "Beta", "Gamma"]
    for row in rows:
        assert row["department"]["chats"] == row["open"] + row["closed"]
    assert [row["department"]["abandonedChats"] for row in rows] == [1, 0, 0]


async def test_statuses_in_an_empty_range_of_a_monitor(execute: Execute) -> None:
    result = await execute(
        """query($r: DateRange!) { monitoring(range: $r) { agentsStatus { offline away busy
          available } chatsPerAgent { username } } }""",
        {"r": {"start": "2030-01-01T00:00:00Z", "end": "2030-01-01T00:00:00Z"}},
        principal=principal_of(View(**U1)),
    )
    assert result.errors is None
    assert result.data["monitoring"] == {
        "agentsStatus": {"offline": 1, "away": 1, "busy": 0, "available": 1},  # a4, a2, a1
        "chatsPerAgent": [],
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ('range: {start: "2024-05-06T18:00:00Z", end: "2024-05-06T08:00:00Z"}', "is after"),
        (
            f'range: {{start: "{RANGE["start"]}", end: "{RANGE["end"]}"}}, timezone: "Mars/X"',
            "Unknown",
        ),
    ],
)
async def test_bad_input(execute: Execute, arguments: str, message: str) -> None:
    result = await execute(f"{{ monitoring({arguments}) {{ conversations }} }}")
    assert codes(result) == ["BAD_USER_INPUT"]
    assert message in result.errors[0].message


async def test_the_scope_is_the_callers(execute: Execute) -> None:
    """The same query as a monitor of u1 and as the manager: only u1's rooms and agents."""
    query = "query($r: DateRange!) { monitoring(range: $r) { conversations chats { open } } }"
    manager = await execute(query, {"r": RANGE}, principal=MANAGER)
    monitor = await execute(query, {"r": RANGE}, principal=principal_of(View(**U1)))
    assert manager.data != monitor.data
    expected = reference.monitoring(View(**U1))
    assert monitor.data["monitoring"]["conversations"] == expected["conversations"]


async def test_chart_agents_are_agents(execute: Execute) -> None:
    """Each row of ``chatsPerAgent`` is the ``Agent`` it names, with its metrics; a row of a
    user who is not a current agent (``boss``, or one unknown) has ``agent: null``."""
    result = await execute(
        """query($r: DateRange!) { monitoring(range: $r) { chatsPerAgent {
          agentId username open closed onHold agent { agentId username chats(range: $r) } } } }""",
        {"r": RANGE},
    )
    assert result.errors is None
    rows = result.data["monitoring"]["chatsPerAgent"]
    assert any(row["agent"] for row in rows)
    agents = {user["_id"] for user in docs.USERS if "livechat-agent" in user["roles"]}
    for row in rows:
        if row["agentId"] in agents:
            assert row["agent"]["agentId"] == row["agentId"]
            assert row["agent"]["username"] == row["username"]
        else:
            assert row["agent"] is None
