"""Runtime configuration: every variable read from the environment and validated once,
at start-up (README, "Pointing it at a real Rocket.Chat", lists them all).

A bad value stops the start with a ``ConfigError`` naming the variable and what it
accepts; the same checks apply to ``Settings``/``Limits`` built in code (tests, the demo).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from typing import Any

from omnigate.errors import BadUserInput
from omnigate.metrics.overview import MAX_OVERVIEW_DAYS
from omnigate.metrics.timezones import ReportingTimezone, parse_timezone

DEFAULT_MONGO_URL = "mongodb://127.0.0.1:27017/rocketchat"
MAX_INT32 = 2**31 - 1  # MongoDB's largest maxTimeMS
SPEC_MAX_PAGE_SIZE = 100  # SPEC §3: a page holds at most 100
SPEC_MAX_AUTH_CACHE_SECONDS = 5  # SPEC §5: a successful check is cached for at most 5 s

# An optional sign and at most 19 ASCII digits (no "1_000", "1e3", "1.0" or other digits).
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


class ConfigError(ValueError):
    """An invalid configuration value; the message names the variable and what it accepts."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """The environment variable of a numeric setting and its accepted range (inclusive)."""

    variable: str
    minimum: int
    maximum: int | None = None

    @property
    def accepted(self) -> str:
        if self.maximum is None:
            return f"an integer of at least {self.minimum}"
        return f"an integer from {self.minimum} to {self.maximum}"

    def check(self, value: Any) -> None:
        """``ConfigError`` unless ``value`` is a number within the range."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not (
            number and self.minimum <= value and (self.maximum is None or value <= self.maximum)
        ):
            raise ConfigError(f"{self.variable} must be {self.accepted}, got {value!r}.")

    def read(self, default: int) -> int:
        """The variable's integer (``default`` when unset or empty), checked."""
        raw = os.environ.get(self.variable, "").strip()
        if not raw:
            return default
        if not _INTEGER.fullmatch(raw):
            raise ConfigError(f"{self.variable} must be {self.accepted}, got {raw!r}.")
        value = int(raw)
        self.check(value)
        return value


def _setting(default: int, bounds: Bounds) -> Any:
    """A dataclass field with its default and the bounds of its environment variable."""
    return field(default=default, metadata={"bounds": bounds})


def _check(instance: Any) -> None:
    for item in fields(instance):
        if bounds := item.metadata.get("bounds"):
            bounds.check(getattr(instance, item.name))


def _from_env(cls: Any) -> dict[str, int]:
    """The values of ``cls``'s bounded fields from the environment."""
    return {
        item.name: item.metadata["bounds"].read(item.default)
        for item in fields(cls)
        if "bounds" in item.metadata
    }


@dataclass(frozen=True, slots=True)
class Limits:
    """Abuse limits applied to every request (docs/security.md, "Limits")."""

    max_depth: int = _setting(10, Bounds("OMNIGATE_MAX_DEPTH", 1))
    max_aliases: int = _setting(30, Bounds("OMNIGATE_MAX_ALIASES", 0))
    max_tokens: int = _setting(2000, Bounds("OMNIGATE_MAX_TOKENS", 1))
    max_body_bytes: int = _setting(64 * 1024, Bounds("OMNIGATE_MAX_BODY_BYTES", 1))
    max_page_size: int = _setting(100, Bounds("OMNIGATE_MAX_PAGE_SIZE", 1, SPEC_MAX_PAGE_SIZE))
    max_aggregations: int = _setting(24, Bounds("OMNIGATE_MAX_AGGREGATIONS", 1))
    max_overview_days: int = _setting(MAX_OVERVIEW_DAYS, Bounds("OMNIGATE_MAX_OVERVIEW_DAYS", 1))
    max_buckets: int = _setting(1000, Bounds("OMNIGATE_MAX_BUCKETS", 1))  # of one time series
    # Live queries (subscription { live }), per worker process.
    max_subscriptions_per_connection: int = _setting(
        20, Bounds("OMNIGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION", 1)
    )
    max_subscriptions_per_user: int = _setting(
        100, Bounds("OMNIGATE_MAX_SUBSCRIPTIONS_PER_USER", 1)
    )
    max_subscriptions_total: int = _setting(2000, Bounds("OMNIGATE_MAX_SUBSCRIPTIONS_TOTAL", 1))

    def __post_init__(self) -> None:
        _check(self)

    @classmethod
    def from_env(cls) -> Limits:
        return cls(**_from_env(cls))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to run; ``timezone`` is ``server_timezone`` parsed."""

    mongo_url: str = DEFAULT_MONGO_URL
    server_timezone: str = "UTC"
    max_time_ms: int = _setting(15_000, Bounds("OMNIGATE_MAX_TIME_MS", 1, MAX_INT32))
    auth_cache_seconds: float = _setting(
        SPEC_MAX_AUTH_CACHE_SECONDS,
        Bounds("OMNIGATE_AUTH_CACHE_SECONDS", 0, SPEC_MAX_AUTH_CACHE_SECONDS),
    )
    limits: Limits = field(default_factory=Limits)
    # Headers GraphiQL starts with; only `omnigate demo` sets them (its own manager's).
    graphiql_headers: tuple[tuple[str, str], ...] = ()
    timezone: ReportingTimezone = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check(self)
        try:
            timezone = parse_timezone(self.server_timezone)
        except BadUserInput as exc:
            raise ConfigError(f"OMNIGATE_TIMEZONE: {exc}") from None
        object.__setattr__(self, "timezone", timezone)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            mongo_url=os.environ.get("MONGO_URL") or DEFAULT_MONGO_URL,
            server_timezone=os.environ.get("OMNIGATE_TIMEZONE") or "UTC",
            limits=Limits.from_env(),
            **_from_env(cls),
        )
