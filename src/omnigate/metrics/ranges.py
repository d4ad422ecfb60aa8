"""``TimeRange``: the one place where date ranges are normalised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from omnigate.errors import BadUserInput

_MS = timedelta(milliseconds=1)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive value is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _floor_ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Two instants, both inclusive, in UTC at MongoDB's millisecond precision.

    ``start`` is rounded up and ``end`` down to the millisecond, so ``$gte``/``$lte`` on
    BSON dates select exactly the instants inside the range. ``start > end`` is allowed
    here (it matches nothing); the GraphQL layer rejects it as bad input.
    """

    start: datetime
    end: datetime

    @classmethod
    def of(cls, start: datetime, end: datetime) -> TimeRange:
        start, end = as_utc(start), as_utc(end)
        floored = _floor_ms(start)
        return cls(floored if floored == start else floored + _MS, _floor_ms(end))

    @property
    def empty(self) -> bool:
        return self.start > self.end


def checked_range(start: datetime, end: datetime) -> TimeRange:
    """The normalised range of a client's ``start``/``end``; start after end is bad input."""
    time_range = TimeRange.of(start, end)
    if time_range.empty:
        raise BadUserInput(
            f"range.start ({start.isoformat()}) is after range.end ({end.isoformat()}): "
            "give a start at or before the end."
        )
    return time_range
