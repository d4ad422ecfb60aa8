"""Series buckets: real local boundaries, against the reference's walk along the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnigate.errors import BadUserInput
from omnigate.metrics.calendar import Bucket, Granularity, buckets
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.timezones import ReportingTimezone, parse_timezone

from . import trends_reference as reference
from .documents import at

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "+05:30",
    "-03:00",
]
# Ranges whose ends are not on any boundary; DST changes of Berlin (2024-03-31 02:00 →
# 03:00, 2024-10-27 03:00 → 02:00) and São Paulo (2018-11-04 00:00 → 01:00: no midnight;
# 2019-02-17 00:00 → 2019-02-16 23:00), and a quiet stretch.
RANGES = [
    (at("2024-03-30T17:23:45.678"), at("2024-04-01T06:07:08.009")),
    (at("2024-10-26T17:23:45.678"), at("2024-10-28T06:07:08.009")),
    (at("2018-11-03T17:23:45.678"), at("2018-11-05T06:07:08.009")),
    (at("2019-02-16T00:00"), at("2019-02-18T00:00")),
    (at("2024-06-01T00:00"), at("2024-06-02T23:59:59.999")),
]
LONG = (at("2024-01-10T05:00"), at("2024-11-20T05:00"))  # weeks and months across both
LIMIT = 1000


def _zone(name: str) -> ReportingTimezone:
    return parse_timezone(name)


def _compare(found: tuple[Bucket, ...], expected: list[reference.RefBucket]) -> None:
    assert [(b.start, b.end, b.label) for b in found] == [
        (b.start, b.end, b.label) for b in expected
    ]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("granularity", [Granularity.HOUR, Granularity.DAY])
@pytest.mark.parametrize("bounds", RANGES, ids=lambda b: b[0].date().isoformat())
def test_hours_and_days(
    zone: str, granularity: Granularity, bounds: tuple[datetime, datetime]
) -> None:
    timezone = _zone(zone)
    found = buckets(TimeRange.of(*bounds), granularity, timezone, LIMIT)
    _compare(found, reference.buckets(*bounds, granularity.name, timezone.tzinfo))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("granularity", [Granularity.WEEK, Granularity.MONTH, Granularity.DAY])
def test_weeks_and_months(zone: str, granularity: Granularity) -> None:
    timezone = _zone(zone)
    found = buckets(TimeRange.of(*LONG), granularity, timezone, LIMIT)
    _compare(found, reference.buckets(*LONG, granularity.name, timezone.tzinfo))


def _hours(start: str, end: str, zone: str) -> tuple[Bucket, ...]:
    return buckets(TimeRange.of(at(start), at(end)), Granularity.HOUR, _zone(zone), LIMIT)


def test_berlin_spring_day_has_23_hours_and_fall_day_25() -> None:
    spring = _hours("2024-03-30T23:00", "2024-03-31T21:59:59.999", "Europe/Berlin")
    fall = _hours("2024-10-26T22:00", "2024-10-27T22:59:59.999", "Europe/Berlin")
    assert (len(spring), len(fall)) == (23, 25)
    assert [b.label for b in spring[1:3]] == ["2024-03-31T01:00+01:00", "2024-03-31T03:00+02:00"]
    assert [b.label for b in fall[2:4]] == ["2024-10-27T02:00+02:00", "2024-10-27T02:00+01:00"]
    assert [b.start for b in fall[2:4]] == [at("2024-10-27T00:00"), at("2024-10-27T01:00")]
    assert all(b.end - b.start == timedelta(hours=1) for b in spring + fall)


def test_berlin_dst_days_last_23_and_25_hours() -> None:
    days = buckets(
        TimeRange.of(at("2024-03-31T12:00"), at("2024-10-27T12:00")),
        Granularity.DAY,
        _zone("Europe/Berlin"),
        LIMIT,
    )
    assert days[0].end - days[0].start == timedelta(hours=23)
    assert days[-1].end - days[-1].start == timedelta(hours=25)
    assert (days[0].label, days[-1].label) == ("2024-03-31", "2024-10-27")


def test_kolkata_hours_start_at_local_full_hours() -> None:
    hours = _hours("2024-06-01T00:00", "2024-06-01T02:00", "Asia/Kolkata")
    assert [b.start for b in hours] == [
        at("2024-05-31T23:30"),
        at("2024-06-01T00:30"),
        at("2024-06-01T01:30"),
    ]
    assert hours[0].label == "2024-06-01T05:00+05:30"


def test_sao_paulo_day_without_midnight_starts_when_clocks_jump() -> None:
    [day] = buckets(
        TimeRange.of(at("2018-11-04T12:00"), at("2018-11-04T12:00")),
        Granularity.DAY,
        _zone("America/Sao_Paulo"),
        LIMIT,
    )
    assert (day.start, day.end, day.label) == (
        at("2018-11-04T03:00"),  # 01:00-02:00, the day's first instant
        at("2018-11-05T02:00"),
        "2018-11-04",
    )


def test_weeks_start_on_monday_and_are_labelled_by_iso_week() -> None:
    weeks = buckets(
        TimeRange.of(at("2024-12-25T00:00"), at("2025-01-08T00:00")),
        Granularity.WEEK,
        _zone("UTC"),
        LIMIT,
    )
    assert [(b.start.date().isoformat(), b.label) for b in weeks] == [
        ("2024-12-23", "2024-W52"),
        ("2024-12-30", "2025-W01"),
        ("2025-01-06", "2025-W02"),
    ]
    assert all(b.start.weekday() == 0 for b in weeks)


def test_buckets_are_not_clipped_to_the_range() -> None:
    [month] = buckets(
        TimeRange.of(at("2024-02-10T00:00"), at("2024-02-11T00:00")),
        Granularity.MONTH,
        _zone("UTC"),
        LIMIT,
    )
    assert (month.start, month.end, month.label) == (
        at("2024-02-01T00:00"),
        at("2024-03-01T00:00"),
        "2024-02",
    )


def test_empty_range_has_no_bucket() -> None:
    time_range = TimeRange.of(at("2024-02-11T00:00"), at("2024-02-10T00:00"))
    assert buckets(time_range, Granularity.DAY, _zone("UTC"), LIMIT) == ()


def test_the_bucket_limit() -> None:
    start = at("2024-01-01T00:00")
    full = TimeRange.of(start, start + timedelta(hours=LIMIT - 1))
    assert len(buckets(full, Granularity.HOUR, _zone("UTC"), LIMIT)) == LIMIT
    over = TimeRange.of(start, start + timedelta(hours=LIMIT))
    with pytest.raises(BadUserInput, match=r"more than 1000 HOUR buckets.*OMNIGATE_MAX_BUCKETS"):
        buckets(over, Granularity.HOUR, _zone("UTC"), LIMIT)


@pytest.mark.parametrize(
    ("start", "end", "zone"),
    [
        (datetime(1, 1, 2, tzinfo=UTC), datetime(1, 1, 3, tzinfo=UTC), "+14:00"),
        (
            datetime(9999, 12, 30, 23, 59, 59, 999000, tzinfo=UTC),
            datetime(9999, 12, 30, 23, 59, 59, 999000, tzinfo=UTC),
            "-12:00",
        ),
    ],
)
def test_months_beyond_the_calendar_are_bad_input(
    start: datetime, end: datetime, zone: str
) -> None:
    with pytest.raises(BadUserInput, match="limits of the calendar"):
        buckets(TimeRange.of(start, end), Granularity.MONTH, _zone(zone), LIMIT)
