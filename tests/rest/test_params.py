"""Parsing of the query parameters, without a server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from starlette.datastructures import QueryParams

from omnigate.errors import BadUserInput, InvalidDate, MissingParam
from omnigate.http.rest import params
from omnigate.metrics.timezones import parse_timezone


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:11", datetime(2024, 5, 1, 10, 11, tzinfo=UTC)),
        ("2024-05-01T10:11:22.345Z", datetime(2024, 5, 1, 10, 11, 22, 345_000, tzinfo=UTC)),
        ("2024-05-01T12:11:22+02:00", datetime(2024, 5, 1, 10, 11, 22, tzinfo=UTC)),
        ("2024-05-01T00:30-01:00", datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
    ],
)
def test_instants_are_utc(text: str, instant: datetime) -> None:
    parsed = params.instant(QueryParams({"start": text}), "start")
    assert parsed == instant and parsed.utcoffset() is not None and not parsed.utcoffset()


@pytest.mark.parametrize("text", ["", "now", "2024-05-32", "05/01/2024", "9999-12-31T23:00-05:00"])
def test_invalid_instants(text: str) -> None:
    with pytest.raises(InvalidDate, match='"end"'):
        params.instant(QueryParams({"end": text}), "end")


def test_require_names_the_first_missing() -> None:
    query = QueryParams({"to": "x", "name": ""})
    params.require(query, "name", "to")
    with pytest.raises(MissingParam) as raised:
        params.require(query, "name", "from", "to", "other")
    assert raised.value.param == "from"


def test_calendar_days() -> None:
    query = QueryParams({"from": "2024-05-01T23:59:59-05:00", "to": "2024-5-1"})
    assert params.calendar_day(query, "from") == date(2024, 5, 1)
    with pytest.raises(InvalidDate, match='"to"'):
        params.calendar_day(query, "to")


def test_days_in_timezones_with_a_shifting_midnight() -> None:
    """São Paulo skipped 2018-11-04 00:00-01:00 and repeated 2019-02-16 23:00-23:59."""
    zone = parse_timezone("America/Sao_Paulo")
    # the day began at 01:00 local (-02:00)
    assert params.day_start(date(2018, 11, 4), zone, "from") == datetime(2018, 11, 4, 3, tzinfo=UTC)
    # the day ended with the second 23:59:59.999 (-03:00)
    assert params.day_end(date(2019, 2, 16), zone, "to") == datetime(
        2019, 2, 17, 2, 59, 59, 999_000, tzinfo=UTC
    )


def test_days_out_of_range_are_invalid_dates() -> None:
    with pytest.raises(InvalidDate, match='"to"'):
        params.day_end(date(9999, 12, 31), parse_timezone("-05:00"), "to")
    with pytest.raises(InvalidDate, match='"from"'):
        params.day_start(date(1, 1, 1), parse_timezone("+05:00"), "from")


@pytest.mark.parametrize(
    ("query", "offset", "count"),
    [
        ({}, 0, 50),
        ({"offset": "7", "count": "1"}, 7, 1),
        ({"offset": "007", "count": "0100"}, 7, 100),
        ({"offset": str(2**53 - 1)}, 2**53 - 1, 50),
    ],
)
def test_paging(query: dict[str, str], offset: int, count: int) -> None:
    assert params.page(QueryParams(query)) == params.Page(offset, count)


@pytest.mark.parametrize(
    "query", [{"count": "٣"}, {"count": "1_0"}, {"count": " 5"}, {"offset": "+1"}]
)
def test_paging_takes_ascii_digits_only(query: dict[str, str]) -> None:
    with pytest.raises(BadUserInput):
        params.page(QueryParams(query))


def test_page_of() -> None:
    items = list("abcde")
    assert params.Page(1, 2).of(items) == ["b", "c"]
    assert params.Page(4, 2).of(items) == ["e"]
    assert params.Page(5, 2).of(items) == []


def test_department_id_empty_is_none() -> None:
    assert params.department_id(QueryParams({"departmentId": ""})) is None
    assert params.department_id(QueryParams({})) is None
    assert params.department_id(QueryParams({"departmentId": "d1"})) == "d1"
