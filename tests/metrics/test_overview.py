"""``overview``: conversations and productivity by local day and hour, against the reference;
one row per department whatever the range, and the range limit."""

from __future__ import annotations

import random
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.errors import LimitExceeded
from omnigate.metrics.overview import department_overviews, hour_label, overview
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone
from omnigate.scope import UNRESTRICTED

from . import reference
from .documents import Document, at, random_room, room

UTC_TZ = ReportingTimezone("UTC", ZoneInfo("UTC"))
PLUS_2 = ReportingTimezone("+02:00", timezone(timedelta(hours=2)))
BERLIN = ReportingTimezone("Europe/Berlin", ZoneInfo("Europe/Berlin"))
MINUS_5 = ReportingTimezone("-05:00", timezone(timedelta(hours=-5)))


def test_hour_label_for_every_hour() -> None:
    expected = [
        "12AM- 1AM", "1AM- 2AM", "2AM- 3AM", "3AM- 4AM", "4AM- 5AM", "5AM- 6AM",
        "6AM- 7AM", "7AM- 8AM", "8AM- 9AM", "9AM- 10AM", "10AM- 11AM", "11AM- 12PM",
        "12PM- 1PM", "1PM- 2PM", "2PM- 3PM", "3PM- 4PM", "4PM- 5PM", "5PM- 6PM",
        "6PM- 7PM", "7PM- 8PM", "8PM- 9PM", "9PM- 10PM", "10PM- 11PM", "11PM- 12AM",
    ]  # fmt: skip
    assert [hour_label(hour) for hour in range(24)] == expected


@pytest.mark.parametrize("hour", [-1, 24])
def test_hour_label_out_of_range(hour: int) -> None:
    with pytest.raises(ValueError):
        hour_label(hour)


async def _check(
    store: Store,
    rooms: list[Document],
    time_range: TimeRange,
    zone: ReportingTimezone,
    department: str | None = None,
) -> dict:
    """Run ``overview`` and compare it with the reference; return the reference."""
    data = await overview(store, time_range, UNRESTRICTED, department, zone)
    expected = reference.overview(rooms, time_range.start, time_range.end, department, zone.tzinfo)
    reference.assert_overview(data, expected)
    assert (data.start, data.end, data.timezone) == (time_range.start, time_range.end, zone.name)
    for name in ("total", "open", "on_hold", "messages"):
        assert type(getattr(data, name)) is int
    if data.busiest_hour is not None:
        assert data.busiest_hour.label == hour_label(data.busiest_hour.hour)
    return expected


@pytest.fixture
def insert(fresh_db: Database):
    def insert(*documents: Document) -> list[Document]:
        fresh_db.rocketchat_room.insert_many(documents)
        return list(documents)

    return insert


async def test_counts_and_productivity(store: Store, insert) -> None:
    rooms = insert(
        room("open", at("2024-05-02T10:00"), "sales", msgs=5),
        room("held", at("2024-05-02T10:05"), "sales", msgs=3, onHold=True),
        room("closed", at("2024-05-02T11:00"), "sales", msgs=2, open=False),
        room("open-not-held", at("2024-05-02T11:30"), "sales", onHold=False),
        room("no-msgs", at("2024-05-03T09:00"), "support", **{"msgs": None}),
        room("channel", at("2024-05-02T10:00"), "sales", t="c", msgs=100),
        room(
            "both",
            at("2024-05-02T12:00"),
            "sales",
            metrics={"response": {"avg": 10, "ft": 20.5}, "reaction": {"ft": 4}},
        ),
        room("inner-missing", at("2024-05-02T12:00"), metrics={"response": {}, "reaction": {}}),
        room("response-only", at("2024-05-02T12:00"), metrics={"response": {"avg": 1000}}),
        room("reaction-only", at("2024-05-02T12:00"), metrics={"reaction": {"ft": 1000}}),
    )
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-07T23:59:59.999"))
    data = await overview(store, time_range, UNRESTRICTED, None, UTC_TZ)
    await _check(store, rooms, time_range, UTC_TZ)
    assert (data.total, data.open, data.on_hold, data.messages) == (9, 7, 1, 10)
    assert data.per_day == pytest.approx(9 / 7)
    assert data.average_response_time == pytest.approx(5.0)
    assert data.average_first_response_time == pytest.approx(10.25)
    assert data.average_reaction_time == pytest.approx(2.0)
    assert (data.busiest_day.date, data.busiest_day.weekday) == ("2024-05-02", "Thursday")
    assert data.busiest_day.messages == 10
    assert (data.busiest_hour.hour, data.busiest_hour.label) == (10, "10AM- 11AM")
    assert data.busiest_hour.messages == 8

    sales = await overview(store, time_range, UNRESTRICTED, "sales", UTC_TZ)
    await _check(store, rooms, time_range, UTC_TZ, "sales")
    assert (sales.total, sales.messages) == (5, 10)


async def test_boundaries(store: Store, insert) -> None:
    start, end = at("2024-05-01T00:00"), at("2024-05-01T23:59:59.999")
    ms = timedelta(milliseconds=1)
    rooms = insert(
        room("at-start", start, msgs=1),
        room("at-end", end, msgs=1),
        room("before", start - ms, msgs=50),
        room("after", end + ms, msgs=50),
    )
    time_range = TimeRange.of(start, end)
    await _check(store, rooms, time_range, UTC_TZ)
    data = await overview(store, time_range, UNRESTRICTED, None, UTC_TZ)
    assert (data.total, data.messages, data.per_day) == (2, 2, 2.0)
    assert data.busiest_hour.hour == 0  # tie between 0h and 23h: the earliest


async def test_busiest_day_and_hour_ties_go_to_the_earliest(store: Store, insert) -> None:
    rooms = insert(  # inserted latest first, so the order of rows cannot help
        room("d3", at("2024-05-03T08:00"), msgs=9),
        room("d2-late", at("2024-05-02T20:00"), msgs=4),
        room("d2-early", at("2024-05-02T07:00"), msgs=4),
        room("d2-mid", at("2024-05-02T15:00"), msgs=1),
        room("d1", at("2024-05-01T22:00"), msgs=5),
        room("d1-b", at("2024-05-01T23:00"), msgs=4),
    )
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-03T23:59:59.999"))
    await _check(store, rooms, time_range, UTC_TZ)
    data = await overview(store, time_range, UNRESTRICTED, None, UTC_TZ)
    assert (data.busiest_day.date, data.busiest_day.weekday) == ("2024-05-01", "Wednesday")
    assert (data.busiest_hour.hour, data.busiest_hour.messages) == (22, 5)


async def test_tie_within_a_day(store: Store, insert) -> None:
    rooms = insert(
        room("late", at("2024-05-02T20:00"), msgs=4),
        room("early", at("2024-05-02T07:00"), msgs=4),
        room("other-day", at("2024-05-03T07:00"), msgs=7),
    )
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-03T23:59:59.999"))
    data = await overview(store, time_range, UNRESTRICTED, None, UTC_TZ)
    await _check(store, rooms, time_range, UTC_TZ)
    assert data.busiest_day.date == "2024-05-02"
    assert (data.busiest_hour.hour, data.busiest_hour.label) == (7, "7AM- 8AM")


async def test_rooms_without_messages_still_have_a_busiest_day(store: Store, insert) -> None:
    rooms = insert(room("b", at("2024-05-03T05:00")), room("a", at("2024-05-02T09:00")))
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-03T23:59:59.999"))
    data = await overview(store, time_range, UNRESTRICTED, None, UTC_TZ)
    await _check(store, rooms, time_range, UTC_TZ)
    assert (data.busiest_day.date, data.busiest_day.messages) == ("2024-05-02", 0)
    assert data.busiest_hour.hour == 9


@pytest.mark.parametrize(
    ("zone", "date", "weekday", "hour"),
    [
        (UTC_TZ, "2024-05-01", "Wednesday", 23),
        (PLUS_2, "2024-05-02", "Thursday", 1),
        (BERLIN, "2024-05-02", "Thursday", 1),
        (MINUS_5, "2024-05-01", "Wednesday", 18),
    ],
)
async def test_timezone_moves_rooms_across_midnight(
    store: Store, insert, zone: ReportingTimezone, date: str, weekday: str, hour: int
) -> None:
    rooms = insert(
        room("late-night", at("2024-05-01T23:30"), msgs=10),
        room("morning", at("2024-05-01T08:00"), msgs=6),
        room("next-day", at("2024-05-02T09:00"), msgs=6),
    )
    time_range = TimeRange.of(at("2024-04-30T00:00"), at("2024-05-03T00:00"))
    data = await overview(store, time_range, UNRESTRICTED, None, zone)
    await _check(store, rooms, time_range, zone)
    assert (data.busiest_day.date, data.busiest_day.weekday) == (date, weekday)
    assert data.busiest_hour.hour == hour


async def test_winter_berlin_is_one_hour_ahead(store: Store, insert) -> None:
    rooms = insert(room("late-night", at("2024-01-01T23:30"), msgs=1))
    time_range = TimeRange.of(at("2024-01-01T00:00"), at("2024-01-03T00:00"))
    data = await overview(store, time_range, UNRESTRICTED, None, BERLIN)
    await _check(store, rooms, time_range, BERLIN)
    assert (data.busiest_day.date, data.busiest_hour.hour) == ("2024-01-02", 0)


@pytest.mark.parametrize(
    ("zone", "hour", "messages"),
    [(BERLIN, 2, 7), (UTC_TZ, 2, 5), (PLUS_2, 4, 5)],
)
async def test_dst_day(
    store: Store, insert, zone: ReportingTimezone, hour: int, messages: int
) -> None:
    """On 2024-10-27 Berlin's 02:00-03:00 happens twice: 00:30Z and 01:30Z share hour 2."""
    rooms = insert(
        room("cest", at("2024-10-27T00:30"), msgs=3),
        room("cet", at("2024-10-27T01:30"), msgs=4),
        room("after", at("2024-10-27T02:30"), msgs=5),
    )
    time_range = TimeRange.of(at("2024-10-26T00:00"), at("2024-10-28T00:00"))
    data = await overview(store, time_range, UNRESTRICTED, None, zone)
    await _check(store, rooms, time_range, zone)
    assert data.busiest_day.date == "2024-10-27"
    assert (data.busiest_hour.hour, data.busiest_hour.messages) == (hour, messages)


@pytest.mark.parametrize(
    ("zone", "days"),
    [(UTC_TZ, 2), (PLUS_2, 1), (MINUS_5, 1), (BERLIN, 1)],
)
async def test_per_day_counts_calendar_days_in_the_timezone(
    store: Store, insert, zone: ReportingTimezone, days: int
) -> None:
    rooms = insert(*(room(f"r{i}", at("2024-01-02T00:30"), msgs=1) for i in range(3)))
    # 23:00Z → 01:00Z: two days in UTC, but one in +02:00 (01:00-03:00) and -05:00 (18:00-20:00)
    time_range = TimeRange.of(at("2024-01-01T23:00"), at("2024-01-02T01:00"))
    data = await overview(store, time_range, UNRESTRICTED, None, zone)
    await _check(store, rooms, time_range, zone)
    assert data.per_day == pytest.approx(3 / days)


async def test_no_rooms(store: Store, insert) -> None:
    insert(room("elsewhere", at("2023-01-01T00:00"), msgs=3))
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-02T00:00"))
    data = await overview(store, time_range, UNRESTRICTED, None, PLUS_2)
    assert (data.total, data.open, data.on_hold, data.messages, data.per_day) == (0, 0, 0, 0, 0.0)
    assert data.busiest_day is None and data.busiest_hour is None
    assert data.average_response_time == data.average_reaction_time == 0.0
    assert data.timezone == "+02:00"


async def test_empty_range_does_not_query(no_query_store: Store) -> None:
    backwards = TimeRange.of(at("2024-05-02T00:00"), at("2024-05-01T00:00"))
    data = await overview(no_query_store, backwards, UNRESTRICTED, "sales", BERLIN)
    assert (data.total, data.per_day, data.busiest_day, data.timezone) == (
        0,
        0.0,
        None,
        "Europe/Berlin",
    )
    assert (data.start, data.end) == (backwards.start, backwards.end)


# --- one row per department, whatever the range ------------------------------------------

LONG_DEPARTMENTS = ["d1", "d2", "d3", "d4", None]


async def test_department_overviews_over_a_long_range_equal_the_reference(
    store: Store, insert
) -> None:
    """400 days, DST changes included, 1 500 rooms: each department's overview (and the
    workspace's) equals the room-by-room reference."""
    rng = random.Random(10)
    first, last = at("2023-06-01T00:00"), at("2024-07-04T23:59:59.999")
    rooms = insert(*(random_room(rng, f"r{i}", first, last, LONG_DEPARTMENTS) for i in range(1500)))
    time_range = TimeRange.of(first + timedelta(days=2), last - timedelta(hours=5))
    wanted = ["d1", "d2", "d3", "d4", "ghost"]
    for zone in (BERLIN, MINUS_5):
        found = await department_overviews(store, time_range, UNRESTRICTED, wanted, zone)
        assert set(found) == set(wanted)
        for department in wanted:
            expected = reference.overview(
                rooms, time_range.start, time_range.end, department, zone.tzinfo
            )
            reference.assert_overview(found[department], expected)
        assert found["d1"].total > 200 and found["ghost"].total == 0
        await _check(store, rooms, time_range, zone)  # the workspace


async def test_ties_are_resolved_per_department(store: Store, insert) -> None:
    rooms = insert(
        # A: 5 messages on both days: the earlier day, its only hour
        room("a1", at("2024-05-01T10:00"), "A", msgs=5),
        room("a2", at("2024-05-02T08:00"), "A", msgs=2),
        room("a3", at("2024-05-02T09:00"), "A", msgs=3),
        # B: the later day wins, and within it 09:00 and 14:00 tie: the earlier hour
        room("b1", at("2024-05-01T10:00"), "B", msgs=3),
        room("b2", at("2024-05-02T14:00"), "B", msgs=3),
        room("b3", at("2024-05-02T09:59:59.999"), "B", msgs=3),
        room("b4", at("2024-05-02T20:00"), "B", msgs=1),
        # C: two days without messages: the earlier one, its earliest hour
        room("c1", at("2024-05-02T07:00"), "C"),
        room("c2", at("2024-05-01T23:00"), "C"),
        room("c3", at("2024-05-01T22:00"), "C"),
    )
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-02T23:59:59.999"))
    found = await department_overviews(store, time_range, UNRESTRICTED, ["A", "B", "C"], UTC_TZ)
    busiest = {
        d: (data.busiest_day.date, data.busiest_day.messages, data.busiest_hour.hour)
        for d, data in found.items()
    }
    assert busiest == {
        "A": ("2024-05-01", 5, 10),
        "B": ("2024-05-02", 7, 9),
        "C": ("2024-05-01", 0, 22),
    }
    assert found["B"].busiest_hour.messages == 3
    for department in ("A", "B", "C"):
        expected = reference.overview(
            rooms, time_range.start, time_range.end, department, UTC_TZ.tzinfo
        )
        reference.assert_overview(found[department], expected)
    # the workspace: May 1st has 8 messages, May 2nd 12, whose 09:00 holds 3 + 3
    data = await _check(store, rooms, time_range, UTC_TZ)
    assert data["busiest_day"] == ("2024-05-02", "Thursday", 12)
    assert data["busiest_hour"] == (9, 6)


async def test_a_department_without_rooms_in_the_range(store: Store, insert) -> None:
    insert(
        room("before", at("2024-04-30T23:59:59.999"), "quiet", msgs=4),
        room("other", at("2024-05-01T12:00"), "busy", msgs=4),
    )
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-03T23:59:59.999"))
    found = await department_overviews(store, time_range, UNRESTRICTED, ["quiet", "never"], PLUS_2)
    for data in found.values():
        assert (data.total, data.open, data.on_hold, data.messages, data.per_day) == (0,) * 5
        assert data.busiest_day is None and data.busiest_hour is None
        assert (data.average_response_time, data.average_first_response_time) == (0.0, 0.0)
        assert (data.timezone, data.start, data.end) == ("+02:00", time_range.start, time_range.end)
    one = await overview(store, time_range, UNRESTRICTED, "quiet", PLUS_2)
    assert one == found["quiet"]


async def test_no_departments_do_not_query(no_query_store: Store) -> None:
    time_range = TimeRange.of(at("2024-05-01T00:00"), at("2024-05-02T00:00"))
    assert await department_overviews(no_query_store, time_range, UNRESTRICTED, [], UTC_TZ) == {}


# --- the range limit (OMNIGATE_MAX_OVERVIEW_DAYS) ----------------------------------------

# Ten days in UTC; in +02:00 it ends at 01:59 on January 11th, an eleventh local day.
TEN_UTC_DAYS = TimeRange.of(at("2024-01-01T00:00"), at("2024-01-10T23:59:59.999"))


@pytest.mark.parametrize("department", [None, "sales"])
async def test_a_range_within_the_limit_is_answered(
    store: Store, insert, department: str | None
) -> None:
    rooms = insert(room("r", at("2024-01-10T23:00"), "sales", msgs=2))
    data = await overview(store, TEN_UTC_DAYS, UNRESTRICTED, department, UTC_TZ, max_days=10)
    expected = reference.overview(
        rooms, TEN_UTC_DAYS.start, TEN_UTC_DAYS.end, department, UTC_TZ.tzinfo
    )
    reference.assert_overview(data, expected)
    assert data.total == 1


@pytest.mark.parametrize("department", [None, "sales"])
async def test_a_range_over_the_limit_is_refused_before_querying(
    no_query_store: Store, department: str | None
) -> None:
    with pytest.raises(LimitExceeded) as refused:
        await overview(no_query_store, TEN_UTC_DAYS, UNRESTRICTED, department, PLUS_2, max_days=10)
    assert str(refused.value) == (
        "The overview range spans 11 days, more than the limit of 10 "
        "(OMNIGATE_MAX_OVERVIEW_DAYS): ask for a shorter range."
    )
    assert refused.value.code == "BAD_USER_INPUT"
    with pytest.raises(LimitExceeded):
        await department_overviews(
            no_query_store, TEN_UTC_DAYS, UNRESTRICTED, ["a", "b"], PLUS_2, max_days=10
        )


async def test_the_default_limit_admits_two_years(store: Store, no_query_store: Store) -> None:
    """732 local days: 2023-01-01 to 2025-01-01 (a leap year included) passes, one more
    day does not."""
    two_years = TimeRange.of(at("2023-01-01T00:00"), at("2025-01-01T23:59:59.999"))
    assert (await overview(store, two_years, UNRESTRICTED, None, UTC_TZ)).total == 0
    longer = TimeRange.of(two_years.start, at("2025-01-02T00:00"))
    with pytest.raises(LimitExceeded, match="spans 733 days, more than the limit of 732"):
        await department_overviews(no_query_store, longer, UNRESTRICTED, ["a"], UTC_TZ)


async def test_an_empty_range_is_never_over_the_limit(no_query_store: Store) -> None:
    backwards = TimeRange.of(at("2024-05-02T00:00"), at("2023-05-01T00:00"))
    assert (
        await overview(no_query_store, backwards, UNRESTRICTED, None, UTC_TZ, max_days=1)
    ).total == 0
