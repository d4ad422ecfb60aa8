"""The ``DateTime`` scalar: ISO-8601 instants the gateway can shift into any timezone."""

from __future__ import annotations

import datetime as dt

import dateutil.parser
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

# DateTime values must survive a shift by any reporting timezone (offsets up to ±23:59)
# and the conversion to UTC: one day away from the ends of Python's datetime range.
MIN_DATETIME = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
MAX_DATETIME = dt.datetime(9999, 12, 30, 23, 59, 59, 999000, tzinfo=dt.UTC)
DATETIME_BOUNDS = ("0001-01-02T00:00:00Z", "9999-12-30T23:59:59.999Z")


def _parse_datetime(value: object) -> dt.datetime:
    """Strawberry's ``DateTime`` parsing (ISO-8601), limited to instants the gateway can
    shift into any timezone."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". Expected a string.'
        )
    try:
        parsed = dateutil.parser.isoparse(value)
    except ValueError as exc:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". {exc}'
        ) from None
    try:
        utc = parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
        within = MIN_DATETIME <= utc <= MAX_DATETIME
    except OverflowError:
        within = False
    if not within:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". It must lie between '
            f"{DATETIME_BOUNDS[0]} and {DATETIME_BOUNDS[1]}."
        )
    return parsed


DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=dt.datetime.isoformat,
    parse_value=_parse_datetime,
    parse_literal=None,
    origin=dt.datetime,
)
