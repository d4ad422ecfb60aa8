"""Time as the seed handles it: integer milliseconds since the epoch, like BSON dates.

Every instant is computed in whole milliseconds and stored as a BSON date
(``DatetimeMS``: cheaper to build and encode than ``datetime``), so durations derived
from two stored dates (``chatDuration = closedAt - ts``) are exact. A ``tz_aware``
client reads them back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson.datetime_ms import DatetimeMS

SECOND = 1_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INT32_MAX = 2**31 - 1


def to_ms(value: datetime) -> int:
    """Milliseconds since the epoch, floored (a naive ``value`` is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(milliseconds=1)


def at(ms: int) -> DatetimeMS:
    """The BSON date of an epoch-millisecond instant."""
    return DatetimeMS(ms)


def as_datetime(ms: int) -> datetime:
    """The aware UTC ``datetime`` of an epoch-millisecond instant."""
    return _EPOCH + timedelta(milliseconds=ms)


def default_now() -> datetime:
    """The current UTC time truncated to the hour."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def js_number(value: float) -> int | float:
    """``value`` as Node's BSON serializer stores a JS number: int32 when integral, else double."""
    if value.is_integer() and abs(value) <= _INT32_MAX:
        return int(value)
    return value


def seconds(ms: int) -> int | float:
    """A duration in milliseconds as Rocket.Chat stores it: seconds, ``ms / 1000``."""
    return js_number(ms / SECOND)
