"""Rocket.Chat's (JavaScript's) number formatting in the overview's string values."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal


def to_fixed(value: float, digits: int = 2) -> str:
    """``value.toFixed(digits)`` of JavaScript: the exact binary value rounded half away
    from zero, so 0.125 gives ``"0.13"`` (Python's ``f"{0.125:.2f}"`` gives ``"0.12"``)."""
    return str(Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def js_round(value: float) -> int:
    """JavaScript's ``Math.round``: the nearest integer, halves towards +∞ (exact, unlike
    ``floor(value + 0.5)``, which turns 0.49999999999999994 into 1)."""
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


def hhmmss(seconds: float) -> str:
    """Rocket.Chat's ``"HH:MM:SS"``: hours and minutes floored, the remaining seconds rounded
    afterwards (so 59.5 s gives ``"00:00:60"``), each part at least two digits."""
    hours = math.floor(seconds / 3600)
    minutes = math.floor((seconds - hours * 3600) / 60)
    rest = js_round(seconds - hours * 3600 - minutes * 60)
    return f"{hours:02d}:{minutes:02d}:{rest:02d}"


def js_date(value: datetime) -> str:
    """A date as JavaScript's JSON shows it: ``"2024-05-01T10:00:00.000Z"`` (UTC, ms)."""
    utc = value.astimezone(UTC) if value.tzinfo else value
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def js_number(value: float) -> int | float:
    """A number as JSON.stringify writes it: an integral value without ``.0``."""
    return int(value) if float(value).is_integer() else value


def js_string(value: float) -> str:
    """JavaScript's ``String(value)`` of a finite number: the shortest digits that read back
    as ``value`` (as Python's ``repr``), placed as ECMAScript's Number::toString places
    them (``41.5``, ``33.333333333333336``, ``100``, ``1e-7``, ``1e+21``)."""
    if value == 0:
        return "0"
    if value < 0:
        return "-" + js_string(-value)
    _, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    k, n = len(text), len(text) + int(exponent)  # value = 0.<text> × 10^n
    if k <= n <= 21:
        return text + "0" * (n - k)
    if 0 < n <= 21:
        return f"{text[:n]}.{text[n:]}"
    if -6 < n <= 0:
        return f"0.{'0' * -n}{text}"
    mantissa = text if k == 1 else f"{text[0]}.{text[1:]}"
    return f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
