"""The agent families (served, first response, activity) against the plain-Python reference,
on documents covering SPEC §8's edges, in both scopes, by id and by username."""

from __future__ import annotations

import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.metrics.agent_activity import activity_by_agent
from omnigate.metrics.agent_first_response import first_responses_by_agent
from omnigate.metrics.agent_query import AgentKey, AgentQuery
from omnigate.metrics.agent_served import served_by_agent
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone, parse_timezone
from omnigate.scope import UNRESTRICTED, Scope

from . import agent_reference as ref
from .agent_documents import ACTIVITY, ASSIGNMENTS, END, MONITOR, ROOMS, START, USERS, insert
from .agent_documents import agent_room as make_room
from .documents import at, closed

RANGE = TimeRange.of(START, END)
UTC = parse_timezone("UTC")
MONITOR_SCOPE = Scope.monitor(MONITOR.units, MONITOR.departments)


@pytest.fixture
def data(fresh_db: Database) -> None:
    insert(fresh_db)


def _query(
    scope: Scope = UNRESTRICTED, groups: list[str] | None = None, **options: object
) -> AgentQuery:
    return AgentQuery.of(RANGE, scope, UTC, groups, **options)  # type: ignore[arg-type]


async def test_served_rows_equal_the_reference(data: None, store: Store) -> None:
    rows = await served_by_agent(store, _query())
    expected = ref.served(ROOMS, START, END)
    ref.assert_agent_rows(rows, expected)
    # the edges the documents hold
    assert set(rows) == {"a1", "a2", "x1"}  # carla served nothing; queued rooms are nobody's
    assert rows["a1"].total == rows["a2"].total == 10 and rows["a1"].rooms == 5
    assert rows["a1"].duration_rooms == 2  # a duration of 0 is not a duration
    assert rows["a1"].service_rooms == 3  # a service time of 0 is one


async def test_served_rows_of_some_agents_keep_the_total_of_all(data: None, store: Store) -> None:
    rows = await served_by_agent(store, _query(groups=["a1", "a3", "nobody"]))
    expected = ref.served(ROOMS, START, END)
    ref.assert_agent_rows(rows, {"a1": expected["a1"]})
    assert rows["a1"].conversation_share == 50.0


async def test_first_response_rows_equal_the_reference(data: None, store: Store) -> None:
    rows = await first_responses_by_agent(store, _query())
    ref.assert_agent_rows(rows, ref.first_responses(ROOMS, START, END))
    # alice answered first r13, which bruno served; "12" is not a number
    assert rows["a1"].rooms == 3 and rows["a1"].best == 4.75
    assert rows["a2"].rooms == 2  # r2 and r8; r3 and r10 have no metrics


async def test_activity_rows_count_whole_boundary_days(data: None, store: Store) -> None:
    rows = await activity_by_agent(store, _query())
    expected = ref.activity(ACTIVITY, USERS, ASSIGNMENTS, START, END, ZoneInfo("UTC"))
    ref.assert_agent_rows(rows, expected)
    # first and last day whole, the days around them not; an open session counts 0; the
    # deleted user is left out, the one who left is not
    assert rows["a1"].available_seconds == 3600 + 9000 + 1800 and rows["a1"].days == 3
    assert rows["a2"].available_seconds == 5000 and rows["a2"].days == 2
    assert set(rows) == {"a1", "a2", "x1"}
    assert rows["a1"].username == "alice"


@pytest.mark.parametrize(
    ("start", "zone", "days"),
    [
        # in +02:00, 22:30 UTC on April 30 is May 1 and the end June 1: the documents of
        # April 30 drop out, those of June 1 count
        ("2024-04-30T22:30", "+02:00", (20240501, 20240601)),
        # and April 30 in -05:00, whose document counts
        ("2024-05-01T03:00", "-05:00", (20240430, 20240531)),
        ("2024-05-01T03:00", "America/New_York", (20240430, 20240531)),
    ],
)
async def test_activity_days_are_those_of_the_reporting_timezone(
    data: None, store: Store, start: str, zone: str, days: tuple[int, int]
) -> None:
    timezone = parse_timezone(zone)
    query = AgentQuery.of(TimeRange.of(at(start), END), UNRESTRICTED, timezone)
    assert query.days == days
    rows = await activity_by_agent(store, query)
    ref.assert_agent_rows(
        rows, ref.activity(ACTIVITY, USERS, ASSIGNMENTS, at(start), END, timezone.tzinfo)
    )


async def test_activity_history_is_every_session_in_day_order(data: None, store: Store) -> None:
    rows = await activity_by_agent(store, _query(groups=["a1", "a2"]), history=True)
    expected = ref.activity(ACTIVITY, USERS, ASSIGNMENTS, START, END, ZoneInfo("UTC"), history=True)
    assert rows["a1"].sessions == expected["a1"].sessions and len(rows["a1"].sessions) == 4
    assert rows["a2"].sessions == expected["a2"].sessions
    assert set(rows) == {"a1", "a2"}
    # without history, no session travels
    assert (await activity_by_agent(store, _query()))["a1"].sessions == ()


async def test_a_monitor_sees_the_rooms_and_agents_of_its_units(data: None, store: Store) -> None:
    served = await served_by_agent(store, _query(MONITOR_SCOPE))
    ref.assert_agent_rows(served, ref.served(ROOMS, START, END, monitor=MONITOR))
    assert served["a1"].rooms == 3  # r12 (dC) and r9 (no department) are outside
    assert served["a2"].rooms == 2  # r10 by its unit, r13 by its department
    first = await first_responses_by_agent(store, _query(MONITOR_SCOPE))
    ref.assert_agent_rows(first, ref.first_responses(ROOMS, START, END, monitor=MONITOR))
    activity = await activity_by_agent(store, _query(MONITOR_SCOPE))
    expected = ref.activity(
        ACTIVITY, USERS, ASSIGNMENTS, START, END, ZoneInfo("UTC"), monitor=MONITOR
    )
    ref.assert_agent_rows(activity, expected)
    assert set(activity) == {"a1"}  # bruno works in dC; xavier is assigned nowhere


@pytest.mark.parametrize("department", ["dA", "dC", "nowhere"])
async def test_department_and_username_grouping(data: None, store: Store, department: str) -> None:
    query = _query(department=department, key=AgentKey.USERNAME)
    ref.assert_agent_rows(
        await served_by_agent(store, query),
        ref.served(ROOMS, START, END, key="username", department=department),
    )
    ref.assert_agent_rows(
        await first_responses_by_agent(store, query),
        ref.first_responses(ROOMS, START, END, key="username", department=department),
    )


@pytest.mark.parametrize(
    "query",
    [
        AgentQuery.of(TimeRange.of(END, START), UNRESTRICTED, UTC),
        AgentQuery.of(RANGE, UNRESTRICTED, UTC, []),
        AgentQuery.of(RANGE, Scope.monitor((), ()), UTC),
        AgentQuery.of(RANGE, MONITOR_SCOPE, UTC, department="dC"),
    ],
    ids=["backwards range", "no agent", "sees nothing", "department outside the scope"],
)
async def test_queries_that_match_nothing_send_nothing(
    no_query_store: Store, query: AgentQuery
) -> None:
    assert await served_by_agent(no_query_store, query) == {}
    assert await first_responses_by_agent(no_query_store, query) == {}
    assert await activity_by_agent(no_query_store, query) == {}


def _random_rooms(seed: int) -> list[dict[str, object]]:
    """Rooms with random agents (or none), departments and optional metrics."""
    rng = random.Random(seed)
    agents = [None, "a1", "a2", "a3", "x1"]
    rooms = []
    for i in range(150):
        ts = START + timedelta(minutes=rng.randint(-600, 45_000))
        metrics = {
            name: rng.choice([0, 0.5, 3, 17.25, "7", None])
            for name in ("chatDuration", "serviceTimeDuration")
            if rng.random() < 0.7
        }
        for parent, child in (("response", "avg"), ("response", "ft"), ("reaction", "ft")):
            if rng.random() < 0.7:
                metrics.setdefault(parent, {})[child] = rng.choice([0, 1.5, 42, 120.125])
        document = make_room(
            f"q{i}",
            ts,
            rng.choice(["dA", "dB", "dC", None]),
            rng.choice(agents),
            rng.choice(agents),
            msgs=rng.randint(0, 30),
            t=rng.choice(["l"] * 9 + ["c"]),
        )
        rooms.append(closed(document, ts + timedelta(minutes=5), **metrics))
    return rooms


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_rooms_equal_the_reference(
    fresh_db: Database, store: Store, seed: int
) -> None:
    rooms = _random_rooms(seed)
    fresh_db.rocketchat_room.insert_many(rooms)
    for scope, monitor in ((UNRESTRICTED, None), (MONITOR_SCOPE, MONITOR)):
        query = _query(scope)
        ref.assert_agent_rows(
            await served_by_agent(store, query), ref.served(rooms, START, END, monitor=monitor)
        )
        ref.assert_agent_rows(
            await first_responses_by_agent(store, query),
            ref.first_responses(rooms, START, END, monitor=monitor),
        )


def test_the_query_is_hashable_and_carries_its_timezone() -> None:
    berlin = ReportingTimezone("Europe/Berlin", ZoneInfo("Europe/Berlin"))
    one, other = _query(), AgentQuery.of(RANGE, UNRESTRICTED, berlin)
    assert hash(one) == hash(_query()) and one == _query()
    assert one != other
