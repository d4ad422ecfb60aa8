"""Percentiles against a plain sort (n = 0, 1, ties, p = 1), and service levels, for the
workspace, departments and agents; one row per group from the database."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo.database import Database

from omnigate.db import Store
from omnigate.db.names import ROOMS
from omnigate.errors import BadUserInput
from omnigate.metrics.grouping import BY_AGENT, BY_DEPARTMENT, WORKSPACE, Grouping
from omnigate.metrics.percentiles import (
    MAX_PERCENTILES,
    DurationMetric,
    PercentileQuery,
    checked_ps,
    nearest_rank,
    percentile_pipeline,
    percentiles_by_group,
)
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.service_level import (
    ServiceLevelQuery,
    checked_threshold,
    service_levels,
)
from omnigate.scope import UNRESTRICTED, Scope

from . import trends_reference as reference
from .documents import Document, at, random_room, room

FIRST, LAST = at("2024-05-01T00:00"), at("2024-05-31T23:59:59.999")
RANGE = TimeRange.of(FIRST, LAST)
PS = (0.01, 0.07, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)
AGENTS = ["a1", "a2", "a3"]


def _random_rooms(count: int = 300) -> list[Document]:
    rng = random.Random(5)
    rooms = [random_room(rng, f"r{i}", FIRST, LAST, ["d1", "d2", None]) for i in range(count)]
    for document in rooms:
        if "servedBy" in document:
            document["servedBy"] = {**document["servedBy"], "_id": rng.choice(AGENTS)}
            document["responseBy"] = {**document["responseBy"], "_id": rng.choice(AGENTS)}
        if rng.random() < 0.3 and "metrics" in document:  # ties: whole seconds
            document["metrics"]["chatDuration"] = float(rng.randint(1, 4))
    return rooms


def _members(grouping: Grouping, group: Any, metric: str) -> Callable[[Document], bool]:
    if grouping is WORKSPACE:
        return lambda _: True
    if grouping is BY_DEPARTMENT:
        return lambda r: r.get("departmentId") == group
    who = "responseBy" if metric == "WAITING_TIME" else "servedBy"
    return lambda r: r.get(who, {}).get("_id") == group


def _expected(
    rooms: list[Document], metric: str, grouping: Grouping, group: Any, ps: tuple[float, ...]
) -> list[float | None]:
    selected = [
        r for r in reference.opened(rooms, FIRST, LAST) if _members(grouping, group, metric)(r)
    ]
    values = reference.durations(selected, metric)
    return [reference.nearest_rank(values, p) for p in ps]


async def _percentiles(
    store: Store,
    metric: DurationMetric,
    grouping: Grouping,
    groups: list[Any],
    ps: tuple[float, ...] = PS,
    scope: Scope = UNRESTRICTED,
) -> dict[Any, list[float | None]]:
    query = PercentileQuery(RANGE, scope, grouping, metric)
    found = await percentiles_by_group(store, query, groups, ps)
    return {group: [found[group][p] for p in ps] for group in groups}


@pytest.mark.parametrize(
    ("grouping", "groups"),
    [(WORKSPACE, [None]), (BY_DEPARTMENT, ["d1", "d2", None, "none"]), (BY_AGENT, AGENTS)],
    ids=["workspace", "departments", "agents"],
)
async def test_every_metric_against_a_plain_sort(
    fresh_db: Database, store: Store, grouping: Grouping, groups: list[Any]
) -> None:
    rooms = _random_rooms()
    fresh_db.rocketchat_room.insert_many(rooms)
    for metric in DurationMetric:
        found = await _percentiles(store, metric, grouping, groups)
        for group in groups:
            expected = _expected(rooms, metric.name, grouping, group, PS)
            assert found[group] == expected, (metric, group)


async def test_no_value_one_value_ties_and_the_maximum(fresh_db: Database, store: Store) -> None:
    def duration(_id: str, department: str, seconds: Any) -> Document:
        return room(_id, at("2024-05-10T10:00"), department, metrics={"chatDuration": seconds})

    fresh_db.rocketchat_room.insert_many(
        [
            duration("one", "single", 42.5),
            *(duration(f"t{i}", "ties", v) for i, v in enumerate([5, 5, 5, 1, 1, 9, 5.0])),
            duration("none", "empty", None),  # no value: not counted
            duration("text", "empty", "12"),  # not a number: not counted
            duration("late", "single", 1.0) | {"ts": at("2024-06-01T00:00")},  # out of range
        ]
    )
    ps = (0.0001, 0.14, 0.2857142857142857, 0.3, 0.5, 0.85, 0.86, 1.0)  # n = 7
    found = await _percentiles(
        store, DurationMetric.CHAT_DURATION, BY_DEPARTMENT, ["single", "ties", "empty"], ps
    )
    assert found["single"] == [42.5] * len(ps)
    assert found["ties"] == [1, 1, 1, 5, 5, 5, 9, 9]
    assert found["ties"] == [reference.nearest_rank([5, 5, 5, 1, 1, 9, 5.0], p) for p in ps]
    assert found["empty"] == [None] * len(ps)
    assert all(type(v) is float for v in found["ties"])


async def test_waiting_time_counts_answered_rooms_by_who_answered_first(
    fresh_db: Database, store: Store
) -> None:
    def answered(_id: str, ft: float, served: str, first: str, **fields: Any) -> Document:
        return room(
            _id,
            at("2024-05-10T10:00"),
            "d1",
            servedBy={"_id": served},
            responseBy={"_id": first},
            metrics={"response": {"ft": ft, "avg": ft}},
            **fields,
        )

    fresh_db.rocketchat_room.insert_many(
        [
            answered("r1", 10, "a1", "a2"),
            answered("r2", 20, "a1", "a1"),
            answered("r3", 99, "a1", "a1", waitingResponse=True),
        ]
    )
    waiting = await _percentiles(store, DurationMetric.WAITING_TIME, BY_AGENT, ["a1", "a2"], (1.0,))
    assert waiting == {"a1": [20], "a2": [10]}
    response = await _percentiles(
        store, DurationMetric.RESPONSE_TIME, BY_AGENT, ["a1", "a2"], (1.0,)
    )
    assert response == {"a1": [99], "a2": [None]}


async def test_one_row_per_group(fresh_db: Database, store: Store) -> None:
    fresh_db.rocketchat_room.insert_many(_random_rooms())
    query = PercentileQuery(RANGE, UNRESTRICTED, BY_DEPARTMENT, DurationMetric.CHAT_DURATION)
    rooms = BY_DEPARTMENT.query(RANGE, UNRESTRICTED, ["d1", "d2"])
    rows = await store.aggregate(ROOMS, percentile_pipeline(query, rooms, PS))
    assert sorted(row["_id"] for row in rows) == ["d1", "d2"]
    for row in rows:
        assert len(row["ranked"]) <= 3 * len(PS)  # the ranks near each p·n, not every room
        assert row["n"] > len(row["ranked"])


async def test_a_monitor_sees_its_scope_only(fresh_db: Database, store: Store) -> None:
    rooms = [
        room("in", at("2024-05-10T10:00"), "d1", metrics={"chatDuration": 10}),
        room("unit", at("2024-05-10T10:00"), "d9", departmentAncestors=["u1"],
             metrics={"chatDuration": 20}),
        room("out", at("2024-05-10T10:00"), "d2", metrics={"chatDuration": 30}),
    ]  # fmt: skip
    fresh_db.rocketchat_room.insert_many(rooms)
    scope = Scope.monitor(units=["u1"], departments=["d1"])
    workspace = await _percentiles(store, DurationMetric.CHAT_DURATION, WORKSPACE, [None],
                                   (1.0,), scope)  # fmt: skip
    assert workspace == {None: [20]}
    departments = await _percentiles(
        store, DurationMetric.CHAT_DURATION, BY_DEPARTMENT, ["d1", "d2"], (1.0,), scope
    )
    assert departments == {"d1": [10], "d2": [None]}


@pytest.mark.parametrize("p", [0, -0.5, 1.0000001, 2, float("nan")])
def test_p_outside_zero_one_is_bad_input(p: float) -> None:
    with pytest.raises(BadUserInput, match=r"\(0, 1\]"):
        checked_ps([0.5, p])


def test_too_many_ps_are_bad_input() -> None:
    assert checked_ps([0.5] * MAX_PERCENTILES) == (0.5,) * MAX_PERCENTILES
    with pytest.raises(BadUserInput, match="at most 100"):
        checked_ps([0.5] * (MAX_PERCENTILES + 1))


def test_nearest_rank_reads_p_as_written() -> None:
    assert 0.07 * 100 > 7  # the double just above 7/100
    assert nearest_rank(0.07, 100) == 7
    assert [nearest_rank(p, 10) for p in (0.01, 0.1, 0.11, 0.5, 1.0)] == [1, 1, 2, 5, 10]
    assert nearest_rank(1e-05, 3) == 1


async def test_no_p_costs_no_query(no_query_store: Store) -> None:
    query = PercentileQuery(RANGE, UNRESTRICTED, WORKSPACE, DurationMetric.CHAT_DURATION)
    assert await percentiles_by_group(no_query_store, query, [None], ()) == {None: {}}


# --- service level ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grouping", "groups"),
    [(WORKSPACE, [None]), (BY_DEPARTMENT, ["d1", "d2", None, "none"]), (BY_AGENT, AGENTS)],
    ids=["workspace", "departments", "agents"],
)
async def test_service_level(
    fresh_db: Database, store: Store, grouping: Grouping, groups: list[Any]
) -> None:
    rooms = _random_rooms()
    rooms += [
        room("zero", at("2024-05-02T00:00"), "d1", metrics={"response": {"ft": 0}}),
        room("exact", at("2024-05-02T00:00"), "d1", metrics={"response": {"ft": 60}}),
    ]
    fresh_db.rocketchat_room.insert_many(rooms)
    thresholds = (0, 30, 60, 3600)
    found = await service_levels(
        store, ServiceLevelQuery(RANGE, UNRESTRICTED, grouping), groups, thresholds
    )
    for group in groups:
        selected = [
            r
            for r in reference.opened(rooms, FIRST, LAST)
            if _members(grouping, group, "CHAT_DURATION")(r)
        ]
        expected = {t: reference.service_level(selected, t) for t in thresholds}
        assert found[group] == pytest.approx(expected), group
    if grouping is BY_DEPARTMENT:
        assert found["none"] == dict.fromkeys(thresholds, 0.0)


def test_negative_threshold_is_bad_input() -> None:
    assert checked_threshold(0) == 0
    with pytest.raises(BadUserInput, match="0 or more"):
        checked_threshold(-1)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.lists(
        st.one_of(st.integers(0, 5), st.floats(0, 600, allow_nan=False).map(lambda v: round(v, 3))),
        max_size=40,
    ),
    ps=st.lists(
        st.one_of(
            st.sampled_from([0.5, 0.9, 0.99, 1.0, 0.07, 1 / 3]),
            st.floats(0, 1, exclude_min=True),
        ),
        min_size=1,
        max_size=8,
    ),
)
async def test_any_values_any_ps_against_a_plain_sort(
    fresh_db: Database, store: Store, values: list[float], ps: list[float]
) -> None:
    fresh_db.rocketchat_room.delete_many({})
    if values:
        fresh_db.rocketchat_room.insert_many(
            [
                room(f"r{i}", at("2024-05-10T10:00"), "d1", metrics={"reaction": {"ft": v}})
                for i, v in enumerate(values)
            ]
        )
    found = await _percentiles(store, DurationMetric.REACTION_TIME, WORKSPACE, [None], tuple(ps))
    assert found[None] == [reference.nearest_rank(values, p) for p in ps]
