"""Creating the process-wide ``AsyncMongoClient`` from ``MONGO_URL``."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener
from pymongo.uri_parser import parse_uri

DEFAULT_DATABASE = "rocketchat"

# Applied only when the URI does not set them itself, so that a slow or unreachable
# database fails a request quickly instead of hanging it.
_DEFAULT_TIMEOUTS_MS = {
    "serverSelectionTimeoutMS": 5_000,
    "connectTimeoutMS": 5_000,
}


def database_name(url: str) -> str:
    """The database named in the URI's path, ``rocketchat`` when absent."""
    return parse_uri(url)["database"] or DEFAULT_DATABASE


def deployment_id(url: str) -> str:
    """A short name of the servers ``url`` reaches (hosts and replica set, never the
    credentials): the namespace of the results shared through Redis."""
    parsed = parse_uri(url)
    hosts = ",".join(sorted(f"{host}:{port}" for host, port in parsed["nodelist"]))
    replica_set = parsed["options"].get("replicaset", "")
    return hashlib.sha256(f"{hosts}/{replica_set}".encode()).hexdigest()[:12]


def create_client(
    url: str,
    *,
    max_time_ms: int,
    event_listeners: Sequence[CommandListener] = (),
) -> AsyncMongoClient[dict[str, Any]]:
    """An async client honouring the URI's options (read preference, timeouts).

    The socket timeout defaults to ``max_time_ms`` plus five seconds: the server stops
    an aggregation after ``maxTimeMS``, the socket timeout covers a server that hangs.
    """
    given = {key.lower() for key in parse_uri(url)["options"]}
    defaults: dict[str, Any] = {
        key: value for key, value in _DEFAULT_TIMEOUTS_MS.items() if key.lower() not in given
    }
    if "sockettimeoutms" not in given and "timeoutms" not in given:
        defaults["socketTimeoutMS"] = max_time_ms + 5_000
    return AsyncMongoClient(
        url,
        tz_aware=True,
        appname="omnigate",
        event_listeners=list(event_listeners),
        **defaults,
    )
