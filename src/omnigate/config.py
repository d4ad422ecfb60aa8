"""Runtime configuration: every variable read from the environment and validated once,
at start-up (README, "Pointing it at a real Rocket.Chat", lists them all).

A bad value stops the start with a ``ConfigError`` naming the variable and what it
accepts; the same checks apply to ``Settings``/``Limits`` built in code (tests, the demo).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
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


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value >= 0:  # also refuses nan
        raise ConfigError(f"{name} must be 0 or more, got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class Operations:
    """The result cache, logs, metrics and persisted queries (see README, "Operating it")."""

    cache_seconds: float = 5.0  # 0: no cache
    cache_max_mb: float = 64.0  # in-process cache; Redis is bounded by its own maxmemory
    cache_url: str | None = None  # redis://...: cache and single-flight shared by processes
    log_format: str = "text"  # or "json"
    metrics_token: str | None = None  # bearer token that opens /metrics
    metrics_networks: tuple[str, ...] = ()  # client networks (CIDR) /metrics answers
    persisted_queries_only: Path | None = None  # allow-list: the .graphql files of a directory

    @classmethod
    def from_env(cls) -> Operations:
        log_format = (os.environ.get("OMNIGATE_LOG_FORMAT") or "text").lower()
        if log_format not in ("text", "json"):
            raise ConfigError(f"OMNIGATE_LOG_FORMAT must be text or json, got {log_format!r}")
        allow_list = os.environ.get("OMNIGATE_PERSISTED_QUERIES_ONLY")
        networks = os.environ.get("OMNIGATE_METRICS_ALLOW") or ""
        return cls(
            cache_seconds=_float_env("OMNIGATE_CACHE_SECONDS", 5.0),
            cache_max_mb=_float_env("OMNIGATE_CACHE_MAX_MB", 64.0),
            cache_url=os.environ.get("OMNIGATE_CACHE_URL") or None,
            log_format=log_format,
            metrics_token=os.environ.get("OMNIGATE_METRICS_TOKEN") or None,
            metrics_networks=tuple(n.strip() for n in networks.split(",") if n.strip()),
            persisted_queries_only=Path(allow_list) if allow_list else None,
        )


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
    operations: Operations = field(default_factory=Operations)
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
            operations=Operations.from_env(),
        )
