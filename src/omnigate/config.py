"""Runtime configuration, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_MONGO_URL = "mongodb://127.0.0.1:27017/rocketchat"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True, slots=True)
class Limits:
    """Abuse limits applied to every GraphQL request (see README, "Limits")."""

    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    max_body_bytes: int = 64 * 1024
    max_page_size: int = 100
    max_aggregations: int = 24
    max_buckets: int = 1000  # buckets of one time series

    @classmethod
    def from_env(cls) -> Limits:
        default = cls()
        return cls(
            max_depth=_int_env("OMNIGATE_MAX_DEPTH", default.max_depth),
            max_aliases=_int_env("OMNIGATE_MAX_ALIASES", default.max_aliases),
            max_tokens=_int_env("OMNIGATE_MAX_TOKENS", default.max_tokens),
            max_body_bytes=_int_env("OMNIGATE_MAX_BODY_BYTES", default.max_body_bytes),
            max_page_size=min(_int_env("OMNIGATE_MAX_PAGE_SIZE", default.max_page_size), 100),
            max_aggregations=_int_env("OMNIGATE_MAX_AGGREGATIONS", default.max_aggregations),
            max_buckets=_int_env("OMNIGATE_MAX_BUCKETS", default.max_buckets),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to run."""

    mongo_url: str = DEFAULT_MONGO_URL
    server_timezone: str = "UTC"
    max_time_ms: int = 15_000
    auth_cache_seconds: float = 5.0
    limits: Limits = field(default_factory=Limits)
    # Headers GraphiQL starts with; only `omnigate demo` sets them (its own manager's).
    graphiql_headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            mongo_url=os.environ.get("MONGO_URL") or DEFAULT_MONGO_URL,
            server_timezone=os.environ.get("OMNIGATE_TIMEZONE") or "UTC",
            max_time_ms=_int_env("OMNIGATE_MAX_TIME_MS", 15_000),
            auth_cache_seconds=min(float(_int_env("OMNIGATE_AUTH_CACHE_SECONDS", 5)), 5.0),
            limits=Limits.from_env(),
        )
