"""Plain-Python reference of SPEC §2, computed room by room from the inserted documents.

Deliberately independent of ``omnigate.metrics``: it only shares the row dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import asdict, fields
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import pytest

from omnigate.metrics.rows import ClosedRow, OpenedRow

from .documents import TRANSFER, Document

_MISSING = object()
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def value(document: Document, path: str) -> Any:
    """The value at a dotted ``path``, ``None`` when missing."""
    current: Any = document
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def number(document: Document, path: str) -> float:
    """A numeric field, 0 when missing or not a number (as ``$sum`` treats it)."""
    found = value(document, path)
    return found if isinstance(found, int | float) and not isinstance(found, bool) else 0


def _department(document: Document) -> str | None:
    return document.get("departmentId")


def _wanted(document: Document, departments: Collection[str | None] | None) -> bool:
    return departments is None or _department(document) in departments


def opened_rooms(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    departments: Collection[str | None] | None = None,
) -> list[Document]:
    return [
        r
        for r in rooms
        if r.get("t") == "l" and start <= r["ts"] <= end and _wanted(r, departments)
    ]


def _abandoned(document: Document, timeout: int) -> bool:
    inactivity = value(document, "metrics.visitorInactivity")
    return isinstance(inactivity, int | float) and inactivity >= timeout


def opened(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    departments: Collection[str | None] | None = None,
    timeout: int = 3600,
) -> dict[str | None, OpenedRow]:
    groups: defaultdict[str | None, list[Document]] = defaultdict(list)
    for document in opened_rooms(rooms, start, end, departments):
        groups[_department(document)].append(document)
    result = {}
    for key, members in groups.items():
        answered = [r for r in members if r.get("waitingResponse") is not True]
        served = [
            r
            for r in members
            if value(r, "responseBy.lastMessageTs") is not None
            and value(r, "servedBy._id") is not None
        ]
        service_ms = sum(
            (value(r, "responseBy.lastMessageTs") - value(r, "servedBy.ts"))
            / timedelta(milliseconds=1)
            for r in served
            if value(r, "servedBy.ts") is not None
        )
        result[key] = OpenedRow(
            rooms=len(members),
            answered=len(answered),
            service_rooms=len(served),
            service_seconds=service_ms / 1000,
            waiting_seconds=sum(number(r, "metrics.response.ft") for r in answered),
            abandoned=sum(_abandoned(r, timeout) for r in members),
        )
    return result


def closed(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    departments: Collection[str | None] | None = None,
    timeout: int = 3600,
) -> dict[str | None, ClosedRow]:
    groups: defaultdict[str | None, list[Document]] = defaultdict(list)
    for r in rooms:
        closed_at = r.get("closedAt")
        closed_in_range = closed_at is not None and r["ts"] >= start and closed_at <= end
        if r.get("t") == "l" and closed_in_range and _wanted(r, departments):
            groups[_department(r)].append(r)
    return {
        key: ClosedRow(
            rooms=len(members),
            duration_seconds=sum(number(r, "metrics.chatDuration") for r in members),
            service_rooms=sum(value(r, "metrics.serviceTimeDuration") is not None for r in members),
            service_seconds=sum(number(r, "metrics.serviceTimeDuration") for r in members),
            abandoned=sum(_abandoned(r, timeout) for r in members),
        )
        for key, members in groups.items()
    }


def transfers(
    rooms: Iterable[Document],
    messages: Iterable[Document],
    start: datetime,
    end: datetime,
    departments: Collection[str | None] | None = None,
) -> dict[str | None, int]:
    current = {r["_id"]: _department(r) for r in rooms}
    counts: defaultdict[str | None, int] = defaultdict(int)
    for m in messages:
        if m.get("t") == TRANSFER and start <= m["ts"] <= end:
            department = current.get(m["rid"])
            if departments is None or department in departments:
                counts[department] += 1
    return dict(counts)


def overview(
    rooms: Iterable[Document],
    start: datetime,
    end: datetime,
    department: str | None,
    zone: tzinfo,
) -> dict[str, Any]:
    """The overview as a plain dict with the field names of ``OverviewData``."""
    selected = opened_rooms(rooms, start, end, None if department is None else [department])
    by_day: defaultdict[str, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in selected:
        local = r["ts"].astimezone(zone)
        by_day[local.date().isoformat()][local.hour] += int(number(r, "msgs"))
    busiest_day = busiest_hour = None
    if selected:
        day = sorted(by_day, key=lambda d: (-sum(by_day[d].values()), d))[0]
        hour = sorted(by_day[day], key=lambda h: (-by_day[day][h], h))[0]
        busiest_day = (day, _WEEKDAYS[date.fromisoformat(day).weekday()], sum(by_day[day].values()))
        busiest_hour = (hour, by_day[day][hour])
    productive = [
        r
        for r in selected
        if value(r, "metrics.response") is not None and value(r, "metrics.reaction") is not None
    ]
    days = (end.astimezone(zone).date() - start.astimezone(zone).date()).days + 1

    def mean(path: str) -> float:
        return sum(number(r, path) for r in productive) / len(productive) if productive else 0.0

    return {
        "total": len(selected),
        "open": sum(r.get("open") is True and r.get("onHold") is not True for r in selected),
        "on_hold": sum(r.get("onHold") is True for r in selected),
        "messages": sum(int(number(r, "msgs")) for r in selected),
        "per_day": len(selected) / days if selected else 0.0,
        "busiest_day": busiest_day,
        "busiest_hour": busiest_hour,
        "average_response_time": mean("metrics.response.avg"),
        "average_first_response_time": mean("metrics.response.ft"),
        "average_reaction_time": mean("metrics.reaction.ft"),
    }


_EXACT = ("total", "open", "on_hold", "messages", "busiest_day", "busiest_hour")


def assert_overview(data: Any, expected: dict[str, Any]) -> None:
    """``OverviewData`` equals the reference: counts and busiest items exactly, floats closely."""
    day, hour = data.busiest_day, data.busiest_hour
    got = {name: getattr(data, name) for name in expected}
    got["busiest_day"] = None if day is None else (day.date, day.weekday, day.messages)
    got["busiest_hour"] = None if hour is None else (hour.hour, hour.messages)
    assert {k: got[k] for k in _EXACT} == {k: expected[k] for k in _EXACT}
    floats = {k: v for k, v in got.items() if k not in _EXACT}
    assert floats == pytest.approx({k: v for k, v in expected.items() if k not in _EXACT})
    assert all(type(value) is float for value in floats.values())


def assert_rows(actual: dict[Any, Any], expected: dict[Any, Any]) -> None:
    """Same groups, equal values (sums up to float rounding), Python ``int``/``float`` types."""
    assert set(actual) == set(expected)
    for key, row in actual.items():
        assert asdict(row) == pytest.approx(asdict(expected[key])), key
        for field in fields(row):
            assert type(getattr(row, field.name)).__name__ == field.type, (key, field.name)
