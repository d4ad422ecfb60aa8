"""Runtime configuration, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
        )


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a number, got {raw!r}") from exc
    if not value >= 0:  # also refuses nan
        raise SystemExit(f"{name} must be 0 or more, got {raw!r}")
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
            raise SystemExit(f"OMNIGATE_LOG_FORMAT must be text or json, got {log_format!r}")
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
    """Everything the server needs to run."""

    mongo_url: str = DEFAULT_MONGO_URL
    server_timezone: str = "UTC"
    max_time_ms: int = 15_000
    auth_cache_seconds: float = 5.0
    limits: Limits = field(default_factory=Limits)
    operations: Operations = field(default_factory=Operations)
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
            operations=Operations.from_env(),
        )
