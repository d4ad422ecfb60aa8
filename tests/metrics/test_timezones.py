"""``parse_timezone`` and the choice of the reporting timezone (SPEC §2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from omnigate.errors import BadUserInput
from omnigate.metrics.settings import RocketChatSettings
from omnigate.metrics.timezones import ReportingTimezone, parse_timezone, reporting_timezone

WINTER = datetime(2024, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2024, 7, 15, 12, tzinfo=UTC)
# The gateway's own timezone (OMNIGATE_TIMEZONE), already parsed at start-up.
TOKYO = ReportingTimezone("Asia/Tokyo", ZoneInfo("Asia/Tokyo"))
NEW_YORK = ReportingTimezone("America/New_York", ZoneInfo("America/New_York"))
UTC_ZONE = ReportingTimezone("UTC", ZoneInfo("UTC"))
PLUS_1 = ReportingTimezone("+01:00", timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("value", "name", "winter_hours", "summer_hours"),
    [
        ("UTC", "UTC", 0, 0),
        ("utc", "UTC", 0, 0),
        ("Europe/Paris", "Europe/Paris", 1, 2),
        ("europe/berlin", "Europe/Berlin", 1, 2),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires", -3, -3),
        ("Asia/Kolkata", "Asia/Kolkata", 5.5, 5.5),
        ("Etc/GMT+3", "Etc/GMT+3", -3, -3),
        ("+02:00", "+02:00", 2, 2),
        ("+0200", "+02:00", 2, 2),
        ("+02", "+02:00", 2, 2),
        ("-05:30", "-05:30", -5.5, -5.5),
        ("-0530", "-05:30", -5.5, -5.5),
        ("+00:00", "+00:00", 0, 0),
        ("-00:00", "+00:00", 0, 0),
        ("+14:00", "+14:00", 14, 14),
        ("-12", "-12:00", -12, -12),
        (" +05:45 ", "+05:45", 5.75, 5.75),
    ],
)
def test_accepted(value: str, name: str, winter_hours: float, summer_hours: float) -> None:
    parsed = parse_timezone(value)
    assert parsed.name == name
    assert WINTER.astimezone(parsed.tzinfo).utcoffset() == timedelta(hours=winter_hours)
    assert SUMMER.astimezone(parsed.tzinfo).utcoffset() == timedelta(hours=summer_hours)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "Mars/Olympus_Mons",
        "Europe",
        "Paris",
        "02:00",
        "+2",
        "+2:00",
        "+123",
        "+24:00",
        "-25",
        "+02:60",
        "+02:00:00",
        "+02-00",
        "GMT+2",
        "localtime",
        "posixrules",
        "../../etc/passwd",
        "/usr/share/zoneinfo/UTC",
        "posix/Europe/Paris",
    ],
)
def test_rejected(value: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        parse_timezone(value)
    message = str(raised.value)
    assert repr(value) in message
    assert "IANA" in message and "+02:00" in message


def _settings(reporting: str, custom: str = "") -> RocketChatSettings:
    return RocketChatSettings(reporting_timezone=reporting, custom_timezone=custom)


@pytest.mark.parametrize("reporting", ["server", "custom", "user"])
def test_argument_wins_over_every_setting(reporting: str) -> None:
    chosen = reporting_timezone(
        "Asia/Tokyo",
        _settings(reporting, "Europe/Paris"),
        server_timezone=NEW_YORK,
        user_utc_offset=-3,
    )
    assert chosen.name == "Asia/Tokyo"


def test_invalid_argument_is_bad_input_even_with_valid_settings() -> None:
    with pytest.raises(BadUserInput):
        reporting_timezone(
            "Nowhere/Land", _settings("server"), server_timezone=UTC_ZONE, user_utc_offset=None
        )


def test_server_setting_uses_the_gateway_timezone() -> None:
    chosen = reporting_timezone(
        None, _settings("server", "Europe/Paris"), server_timezone=TOKYO, user_utc_offset=2
    )
    assert chosen.name == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("custom", "name"), [("Europe/Paris", "Europe/Paris"), ("-0300", "-03:00")]
)
def test_custom_setting(custom: str, name: str) -> None:
    chosen = reporting_timezone(
        None, _settings("custom", custom), server_timezone=TOKYO, user_utc_offset=2
    )
    assert chosen.name == name


@pytest.mark.parametrize("custom", ["", "  ", "Nowhere/Land", "+99:00"])
def test_custom_setting_empty_or_invalid_falls_back_to_server(custom: str) -> None:
    chosen = reporting_timezone(
        None, _settings("custom", custom), server_timezone=TOKYO, user_utc_offset=2
    )
    assert chosen.name == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("offset", "name", "hours"),
    [
        (-3, "-03:00", -3),
        (5.5, "+05:30", 5.5),
        (5.75, "+05:45", 5.75),
        (-9.5, "-09:30", -9.5),
        (0, "+00:00", 0),
        (14, "+14:00", 14),
    ],
)
def test_user_setting_uses_the_callers_offset(offset: float, name: str, hours: float) -> None:
    chosen = reporting_timezone(
        None, _settings("user"), server_timezone=TOKYO, user_utc_offset=offset
    )
    assert chosen.name == name
    assert chosen.tzinfo.utcoffset(None) == timedelta(hours=hours)


@pytest.mark.parametrize("offset", [None, float("nan"), float("inf"), 24, -30.5])
def test_user_setting_without_usable_offset_falls_back_to_server(offset: float | None) -> None:
    chosen = reporting_timezone(
        None, _settings("user"), server_timezone=PLUS_1, user_utc_offset=offset
    )
    assert chosen.name == "+01:00"
