"""``metrics.monitoring`` itself: the department rows are the department lists' own rows,
the available time counts open sessions up to ``now``, and nothing is queried when nothing
can match."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from omnigate.db import Store
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.monitoring import AgentsStatus, MonitoringQuery, Part, monitoring_parts
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import parse_timezone
from omnigate.scope import UNRESTRICTED, Scope

from . import documents as docs
from . import reference
from .reference import View

NOW = datetime(2024, 5, 6, 17, 45, 30, 250_000, tzinfo=UTC)
U1 = Scope.monitor(["u1"], ["dA", "dB"])


def _query(view: View) -> MonitoringQuery:
    scope = UNRESTRICTED if view.units is None else Scope.monitor(view.units, view.departments)
    zone = parse_timezone(reference.zone_name(view.zone))
    return MonitoringQuery(TimeRange.of(view.start, view.end), scope, view.department, zone)


async def test_department_rows_are_the_department_lists_rows(shared_store: Store) -> None:
    query = _query(View())
    [rows] = (
        await monitoring_parts(
            shared_store, query, [Part.DEPARTMENTS], timeout=docs.TIMEOUT, now=NOW
        )
    ).values()
    group_query = GroupQuery.of(query.range, UNRESTRICTED)
    opened = await opened_by_department(shared_store, group_query, timeout=docs.TIMEOUT)
    closed = await closed_by_department(shared_store, group_query, timeout=docs.TIMEOUT)
    assert {key: row.opened for key, row in rows.items() if row.opened.rooms} == opened
    assert {key: row.closed for key, row in rows.items() if row.closed.rooms} == closed


@pytest.mark.parametrize(
    "view",
    [
        View(now=NOW),
        View(now=NOW, department="dB"),  # a2, and a4's open session
        View(now=NOW, department="dA"),  # a1 and a2, no open session
        View(now=NOW, units=frozenset({"u1"}), departments=frozenset({"dA", "dB"})),
        View(now=NOW, units=frozenset({"u2"})),
        View(now=NOW, start=docs.END, end=docs.START),
    ],
    ids=["all", "dB", "dA", "monitor", "empty unit", "empty range"],
)
async def test_available_time_counts_open_sessions_until_now(
    shared_store: Store, view: View
) -> None:
    found = await monitoring_parts(
        shared_store, _query(view), [Part.AVAILABLE_TIME], timeout=docs.TIMEOUT, now=NOW
    )
    available = found[Part.AVAILABLE_TIME]
    documents, seconds = reference.available_time(view)
    assert available.documents == documents
    assert available.seconds == pytest.approx(seconds)
    assert available.average == pytest.approx(reference.average_available_time(view))


async def test_open_session_by_hand(shared_store: Store) -> None:
    """dB's agents: a2 (1800 s) and a4, available since 17:30 after 600 s: at 17:45:30.250
    that is 1800 + 600 + 930.25 s over two documents."""
    view = View(now=NOW, department="dB")
    found = await monitoring_parts(
        shared_store, _query(view), [Part.AVAILABLE_TIME], timeout=docs.TIMEOUT, now=NOW
    )
    assert found[Part.AVAILABLE_TIME].documents == 2
    assert found[Part.AVAILABLE_TIME].seconds == pytest.approx(3330.25)


@pytest.mark.parametrize(
    "view",
    [
        View(start=docs.END, end=docs.START),
        View(units=frozenset(), departments=frozenset()),
        View(units=frozenset({"u1"}), departments=frozenset({"dA"}), department="dC"),
    ],
    ids=["empty range", "monitor of no unit", "department outside the scope"],
)
async def test_nothing_to_match_queries_nothing(shared_store: Store, view: View) -> None:
    """Statuses have no range: only the scope spares their query."""
    in_range = [part for part in Part if part is not Part.AGENTS_STATUS]
    parts = in_range if view.start > view.end else list(Part)
    found = await monitoring_parts(
        shared_store.with_budget(0), _query(view), parts, timeout=docs.TIMEOUT, now=NOW
    )
    assert found[Part.DAYS].total == 0 and found[Part.DAYS].busiest_hour is None
    assert found[Part.DEPARTMENTS] == {} and found[Part.AGENTS] == []
    assert found[Part.VISITORS] == 0 and found[Part.AVAILABLE_TIME].documents == 0
    if Part.AGENTS_STATUS in found:
        assert found[Part.AGENTS_STATUS] == AgentsStatus()


async def test_statuses_ignore_the_range(shared_store: Store) -> None:
    view = View(start=docs.END, end=docs.START)
    found = await monitoring_parts(
        shared_store, _query(view), [Part.AGENTS_STATUS], timeout=docs.TIMEOUT, now=NOW
    )
    status = found[Part.AGENTS_STATUS]
    assert (status.offline, status.away, status.busy, status.available) == (3, 1, 2, 1)
