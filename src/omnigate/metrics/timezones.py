"""The reporting timezone: parsing a name or offset, and choosing one as SPEC §2 says."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from omnigate.errors import BadUserInput
from omnigate.metrics.settings import RocketChatSettings

_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2})(?::?(?P<minutes>\d{2}))?")
# Files in the system's zoneinfo directory that are not zones MongoDB knows.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_MINUTES_PER_DAY = 24 * 60

ACCEPTED = (
    'an IANA timezone name such as "Europe/Paris" or "UTC", '
    'or a UTC offset such as "+02:00", "-0530" or "+05"'
)


@dataclass(frozen=True, slots=True)
class ReportingTimezone:
    """A timezone as MongoDB's date operators take it (``name``) and as Python uses it."""

    name: str  # an IANA name ("Europe/Paris", "UTC") or "+HH:MM" / "-HH:MM"
    tzinfo: tzinfo


@cache
def _zone_names() -> dict[str, str]:
    """Canonical IANA names by their lower-case spelling."""
    return {name.lower(): name for name in available_timezones() - _NOT_ZONES}


def parse_timezone(value: str) -> ReportingTimezone:
    """An IANA name (any letter case) or a ``±HH:MM``, ``±HHMM``, ``±HH`` offset.

    Offsets are normalised to ``±HH:MM`` and names to their canonical spelling.
    """
    text = value.strip()
    if offset := _OFFSET.fullmatch(text):
        hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
        if hours < 24 and minutes < 60:
            sign = -1 if offset["sign"] == "-" else 1
            return offset_timezone(sign * (hours * 60 + minutes))
    elif name := _zone_names().get(text.lower()):
        return ReportingTimezone(name, ZoneInfo(name))
    raise BadUserInput(f"Unknown timezone {value!r}: use {ACCEPTED}.")


def offset_timezone(minutes: int) -> ReportingTimezone:
    """The fixed offset of ``minutes`` east of UTC, named ``±HH:MM``."""
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else "+"
    return ReportingTimezone(f"{sign}{hours:02d}:{rest:02d}", timezone(timedelta(minutes=minutes)))


def reporting_timezone(
    argument: str | None,
    settings: RocketChatSettings,
    *,
    server_timezone: ReportingTimezone,
    user_utc_offset: float | None,
) -> ReportingTimezone:
    """The ``timezone`` argument if given (bad values are ``BadUserInput``), else the setting.

    ``custom`` falls back to the server's timezone when ``Default_Custom_Timezone`` is empty
    or invalid, ``user`` when the caller has no usable ``utcOffset`` (hours east of UTC);
    ``server_timezone`` is ``OMNIGATE_TIMEZONE``, parsed once at start-up.
    """
    if argument is not None:
        return parse_timezone(argument)
    if settings.reporting_timezone == "custom" and settings.custom_timezone.strip():
        try:
            return parse_timezone(settings.custom_timezone)
        except BadUserInput:
            pass
    if settings.reporting_timezone == "user" and (user := _user_timezone(user_utc_offset)):
        return user
    return server_timezone


def _user_timezone(utc_offset: float | None) -> ReportingTimezone | None:
    """Rocket.Chat's ``users.utcOffset`` (hours, maybe fractional) as a fixed offset."""
    if utc_offset is None or not math.isfinite(utc_offset):
        return None
    minutes = round(utc_offset * 60)
    return offset_timezone(minutes) if abs(minutes) < _MINUTES_PER_DAY else None
