"""The one ISO-8601 parser of instants, shared by the GraphQL ``DateTime`` scalar and the
REST ``start``/``end`` parameters, so both transports accept and refuse the same text."""

from __future__ import annotations

from datetime import UTC, datetime

# Instants must survive a shift by any reporting timezone (offsets up to ±23:59) and the
# conversion to UTC: one day away from the ends of Python's datetime range.
MIN_INSTANT = datetime(1, 1, 2, tzinfo=UTC)
MAX_INSTANT = datetime(9999, 12, 30, 23, 59, 59, 999000, tzinfo=UTC)
BOUNDS = ("0001-01-02T00:00:00Z", "9999-12-30T23:59:59.999Z")

NOT_ISO = (
    "It is not an ISO-8601 date or date-time: send e.g. 2024-05-01, 2024-05-01T10:00:00Z "
    "or 2024-05-01T12:00:00.250+02:00."
)
OUT_OF_RANGE = f"It must lie between {BOUNDS[0]} and {BOUNDS[1]}."


def parse_instant(text: str) -> datetime:
    """An ISO-8601 date or date-time as an aware UTC datetime.

    ``Z`` or an offset is honoured, a date-time without offset is UTC, a date alone is UTC
    midnight (``datetime.fromisoformat``'s forms). ``ValueError`` (its message the reason)
    for anything else or for an instant outside ``BOUNDS``.
    """
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(NOT_ISO) from None
    try:
        utc = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+05:00, before year 1 in UTC
        raise ValueError(OUT_OF_RANGE) from None
    if not MIN_INSTANT <= utc <= MAX_INSTANT:
        raise ValueError(OUT_OF_RANGE)
    return utc
