"""Rocket.Chat's REST query parameters, parsed into typed values or rejected with its errors.

Callers check that every required parameter is present first (``require``), then parse the
values in the order of SPEC §4's table, so the first error reported is the first in that order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TypeVar

from starlette.datastructures import QueryParams

from omnigate.errors import BadUserInput, InvalidDate, MissingParam
from omnigate.instants import parse_instant
from omnigate.metrics.timezones import ReportingTimezone

DEFAULT_OFFSET = 0
DEFAULT_COUNT = 50
MAX_COUNT = 100
MAX_OFFSET = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER, echoed back in the body

# Leading zeros, then at most 16 digits (bounded work for int()).
_WHOLE = re.compile(r"0*(?P<digits>[0-9]{1,16})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "false": False}
_DAY_START = time(0, 0)
# fold=1: where the clock is set back around midnight, the later 23:59:59.999 ends the day.
_DAY_END = time(23, 59, 59, 999_000, fold=1)

T = TypeVar("T")


def require(query: QueryParams, *names: str) -> None:
    """``MissingParam`` for the first of ``names`` absent from ``query`` (an empty value is
    present: its own check rejects it later)."""
    for name in names:
        if name not in query:
            raise MissingParam(name)


def instant(query: QueryParams, name: str) -> datetime:
    """An ISO-8601 instant in UTC, parsed as the GraphQL ``DateTime`` scalar parses it
    (``omnigate.instants.parse_instant``)."""
    try:
        return parse_instant(query[name])
    except ValueError as exc:
        raise InvalidDate(name) from exc


def calendar_day(query: QueryParams, name: str) -> date:
    """The calendar day ``YYYY-MM-DD`` in the first 10 characters (the rest is ignored)."""
    text = query[name][:10]
    if _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidDate(name)


def day_start(day: date, zone: ReportingTimezone, name: str) -> datetime:
    """00:00:00.000 of ``day`` in ``zone``, as a UTC instant."""
    return _local(day, _DAY_START, zone, name)


def day_end(day: date, zone: ReportingTimezone, name: str) -> datetime:
    """23:59:59.999 of ``day`` in ``zone``, as a UTC instant."""
    return _local(day, _DAY_END, zone, name)


def _local(day: date, at: time, zone: ReportingTimezone, name: str) -> datetime:
    try:
        return datetime.combine(day, at, zone.tzinfo).astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 pushed out of range by the offset
        raise InvalidDate(name) from exc


def boolean(query: QueryParams, name: str) -> bool | None:
    """``true`` or ``false`` (exactly), ``None`` when absent."""
    if name not in query:
        return None
    try:
        return _BOOLEANS[query[name]]
    except KeyError:
        raise BadUserInput(f'The "{name}" query parameter must be "true" or "false".') from None


def choice(query: QueryParams, name: str, choices: Sequence[str]) -> str:
    """One of ``choices``, spelled exactly."""
    value = query[name]
    if value not in choices:
        allowed = " or ".join(f'"{choice}"' for choice in choices)
        raise BadUserInput(f'The "{name}" query parameter must be {allowed}.')
    return value


def department_id(query: QueryParams) -> str | None:
    """``departmentId``; absent or empty means every department."""
    return query.get("departmentId") or None


@dataclass(frozen=True, slots=True)
class Page:
    """Rocket.Chat's ``offset``/``count`` paging of a list."""

    offset: int
    count: int

    def of(self, items: Sequence[T]) -> list[T]:
        """The page's items; an offset past the end gives none."""
        return list(items[self.offset : self.offset + self.count])


def page(query: QueryParams) -> Page:
    """``offset`` (default 0, at most 2^53 - 1) and ``count`` (default 50, from 1 to 100)."""
    offset = _whole(query, "offset", DEFAULT_OFFSET)
    if offset is None or offset > MAX_OFFSET:
        raise BadUserInput(
            f'The "offset" query parameter must be a whole number from 0 to {MAX_OFFSET}.'
        )
    count = _whole(query, "count", DEFAULT_COUNT)
    if count is None or not 1 <= count <= MAX_COUNT:
        raise BadUserInput(
            f'The "count" query parameter must be a whole number from 1 to {MAX_COUNT}.'
        )
    return Page(offset, count)


def _whole(query: QueryParams, name: str, default: int) -> int | None:
    """The parameter's value written in ASCII digits, ``default`` when absent, else ``None``."""
    if name not in query:
        return default
    whole = _WHOLE.fullmatch(query[name])
    return int(whole["digits"]) if whole else None
