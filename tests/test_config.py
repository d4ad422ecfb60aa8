"""Configuration: every ``OMNIGATE_*`` variable is validated at start-up, refusals name the
variable and the accepted range, and README documents each one with its default."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from omnigate.cli import main
from omnigate.config import ConfigError, Limits, Settings
from omnigate.metrics.timezones import ReportingTimezone

# variable, default, accepted range as the refusal words it
NUMERIC = [
    ("OMNIGATE_MAX_TIME_MS", 15000, "an integer from 1 to 2147483647"),
    ("OMNIGATE_AUTH_CACHE_SECONDS", 5, "an integer from 0 to 5"),
    ("OMNIGATE_MAX_DEPTH", 10, "an integer of at least 1"),
    ("OMNIGATE_MAX_ALIASES", 30, "an integer of at least 0"),
    ("OMNIGATE_MAX_TOKENS", 2000, "an integer of at least 1"),
    ("OMNIGATE_MAX_BODY_BYTES", 65536, "an integer of at least 1"),
    ("OMNIGATE_MAX_PAGE_SIZE", 100, "an integer from 1 to 100"),
    ("OMNIGATE_MAX_AGGREGATIONS", 24, "an integer of at least 1"),
    ("OMNIGATE_MAX_OVERVIEW_DAYS", 732, "an integer of at least 1"),
]
ACCEPTED = {variable: accepted for variable, _, accepted in NUMERIC}
OUT_OF_RANGE = [
    ("OMNIGATE_MAX_TIME_MS", "0"),
    ("OMNIGATE_MAX_TIME_MS", "-1"),
    ("OMNIGATE_MAX_TIME_MS", "2147483648"),
    ("OMNIGATE_AUTH_CACHE_SECONDS", "-1"),
    ("OMNIGATE_AUTH_CACHE_SECONDS", "6"),
    ("OMNIGATE_MAX_DEPTH", "0"),
    ("OMNIGATE_MAX_ALIASES", "-1"),
    ("OMNIGATE_MAX_TOKENS", "0"),
    ("OMNIGATE_MAX_BODY_BYTES", "0"),
    ("OMNIGATE_MAX_BODY_BYTES", "-65536"),
    ("OMNIGATE_MAX_PAGE_SIZE", "0"),
    ("OMNIGATE_MAX_PAGE_SIZE", "101"),
    ("OMNIGATE_MAX_AGGREGATIONS", "0"),
    ("OMNIGATE_MAX_OVERVIEW_DAYS", "0"),
    ("OMNIGATE_MAX_OVERVIEW_DAYS", "-732"),
]
NOT_INTEGERS = ["many", "1.5", "10.0", "1e3", "1_000", "0x10", "١٢", "5 5", "--5"]
# the lowest and highest value each variable accepts (its default when unbounded above)
EDGES = [
    ("OMNIGATE_MAX_TIME_MS", "1", "2147483647"),
    ("OMNIGATE_AUTH_CACHE_SECONDS", "0", "5"),
    ("OMNIGATE_MAX_DEPTH", "1", "1000000"),
    ("OMNIGATE_MAX_ALIASES", "0", "1000000"),
    ("OMNIGATE_MAX_TOKENS", "1", "1000000"),
    ("OMNIGATE_MAX_BODY_BYTES", "1", "1000000000"),
    ("OMNIGATE_MAX_PAGE_SIZE", "1", "100"),
    ("OMNIGATE_MAX_AGGREGATIONS", "1", "1000000"),
    ("OMNIGATE_MAX_OVERVIEW_DAYS", "1", "3652059"),
]
ATTRIBUTES = {
    "OMNIGATE_MAX_TIME_MS": lambda s: s.max_time_ms,
    "OMNIGATE_AUTH_CACHE_SECONDS": lambda s: s.auth_cache_seconds,
    "OMNIGATE_MAX_DEPTH": lambda s: s.limits.max_depth,
    "OMNIGATE_MAX_ALIASES": lambda s: s.limits.max_aliases,
    "OMNIGATE_MAX_TOKENS": lambda s: s.limits.max_tokens,
    "OMNIGATE_MAX_BODY_BYTES": lambda s: s.limits.max_body_bytes,
    "OMNIGATE_MAX_PAGE_SIZE": lambda s: s.limits.max_page_size,
    "OMNIGATE_MAX_AGGREGATIONS": lambda s: s.limits.max_aggregations,
    "OMNIGATE_MAX_OVERVIEW_DAYS": lambda s: s.limits.max_overview_days,
}
README = Path(__file__).parents[1] / "README.md"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [*ATTRIBUTES, "OMNIGATE_TIMEZONE", "MONGO_URL"]:
        monkeypatch.delenv(variable, raising=False)


def test_defaults_when_nothing_is_set() -> None:
    settings = Settings.from_env()
    assert settings == Settings()
    assert {variable: read(settings) for variable, read in ATTRIBUTES.items()} == {
        variable: default for variable, default, _ in NUMERIC
    }
    assert settings.mongo_url == "mongodb://127.0.0.1:27017/rocketchat"
    assert settings.timezone == ReportingTimezone("UTC", ZoneInfo("UTC"))


@pytest.mark.parametrize("variable", list(ATTRIBUTES))
def test_an_empty_value_is_the_default(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "")
    assert Settings.from_env() == Settings()


@pytest.mark.parametrize(("variable", "lowest", "highest"), EDGES)
def test_the_edges_of_each_range_are_accepted(
    monkeypatch: pytest.MonkeyPatch, variable: str, lowest: str, highest: str
) -> None:
    for raw in (lowest, highest, f" {highest} ", f"+{lowest}"):
        monkeypatch.setenv(variable, raw)
        assert ATTRIBUTES[variable](Settings.from_env()) == int(raw)


@pytest.mark.parametrize(("variable", "raw"), OUT_OF_RANGE)
def test_values_out_of_range_stop_the_start(
    monkeypatch: pytest.MonkeyPatch, variable: str, raw: str
) -> None:
    monkeypatch.setenv(variable, raw)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"{variable} must be {ACCEPTED[variable]}, got {int(raw)}."


@pytest.mark.parametrize("variable", list(ATTRIBUTES))
@pytest.mark.parametrize("raw", NOT_INTEGERS)
def test_values_that_are_not_integers_stop_the_start(
    monkeypatch: pytest.MonkeyPatch, variable: str, raw: str
) -> None:
    monkeypatch.setenv(variable, raw)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"{variable} must be {ACCEPTED[variable]}, got {raw!r}."


def test_a_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Settings(max_time_ms=-1), "OMNIGATE_MAX_TIME_MS must be an integer from 1"),
        (lambda: Settings(auth_cache_seconds=60), "OMNIGATE_AUTH_CACHE_SECONDS must be"),
        (lambda: Limits(max_page_size=0), "OMNIGATE_MAX_PAGE_SIZE must be an integer from 1"),
        (lambda: Limits(max_body_bytes=0), "OMNIGATE_MAX_BODY_BYTES must be an integer of"),
        (lambda: Limits(max_overview_days=0), "OMNIGATE_MAX_OVERVIEW_DAYS must be"),
        (lambda: Limits(max_depth=True), "OMNIGATE_MAX_DEPTH must be"),
        (lambda: replace(Settings(), max_time_ms=0), "OMNIGATE_MAX_TIME_MS must be"),
    ],
)
def test_settings_built_in_code_are_checked_too(build, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        build()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("europe/paris", ReportingTimezone("Europe/Paris", ZoneInfo("Europe/Paris"))),
        ("-0530", ReportingTimezone("-05:30", timezone(-timedelta(hours=5, minutes=30)))),
        ("+02", ReportingTimezone("+02:00", timezone(timedelta(hours=2)))),
    ],
)
def test_the_timezone_is_parsed_once_at_start_up(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: ReportingTimezone
) -> None:
    monkeypatch.setenv("OMNIGATE_TIMEZONE", raw)
    settings = Settings.from_env()
    assert settings.server_timezone == raw
    assert settings.timezone == expected


@pytest.mark.parametrize("raw", ["Mars/Olympus", "+24:00", "UTC+2", "12"])
def test_an_unknown_timezone_stops_the_start(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("OMNIGATE_TIMEZONE", raw)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value).startswith(f"OMNIGATE_TIMEZONE: Unknown timezone {raw!r}: use ")
    assert "IANA timezone name" in str(refused.value)


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_the_cli_prints_the_refusal_and_starts_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    monkeypatch.setenv("OMNIGATE_MAX_BODY_BYTES", "-1")
    assert main([command, "--port", "1"]) == 2
    assert capsys.readouterr().err == (
        f"omnigate {command}: OMNIGATE_MAX_BODY_BYTES must be an integer of at least 1, got -1.\n"
    )


def test_readme_documents_every_variable_with_its_default() -> None:
    rows = {
        cells[0].strip("` "): [cell.strip() for cell in cells[1:]]
        for line in README.read_text().splitlines()
        if line.startswith("| `")
        for cells in [line.strip("|").split("|")]
    }
    for variable, default, accepted in NUMERIC:
        assert variable in rows, variable
        assert rows[variable][0] == f"`{default}`", variable
        assert rows[variable][1] == accepted.removeprefix("an integer ").replace(
            "of at least ", "≥ "
        ), variable
    assert rows["OMNIGATE_TIMEZONE"][0] == "`UTC`"
    assert rows["MONGO_URL"][0] == "`mongodb://127.0.0.1:27017/rocketchat`"
