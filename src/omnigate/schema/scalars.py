"""The ``DateTime`` scalar: ISO-8601 instants the gateway can shift into any timezone."""

from __future__ import annotations

import datetime as dt

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from omnigate.instants import parse_instant


def _parse_datetime(value: object) -> dt.datetime:
    """``DateTime`` input: ``omnigate.instants.parse_instant`` (as REST), in UTC."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". Expected a string.'
        )
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". {exc}'
        ) from None


DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=dt.datetime.isoformat,
    parse_value=_parse_datetime,
    parse_literal=None,
    origin=dt.datetime,
)
