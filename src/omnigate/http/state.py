"""What the application keeps for its whole life, shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient
from starlette.requests import HTTPConnection

from omnigate.auth import Authenticator
from omnigate.config import Settings
from omnigate.db import Store
from omnigate.live import LiveHub


@dataclass(slots=True)
class AppState:
    """The settings, the process-wide client, the read-only store over its database, the
    authenticator (whose cache of successful checks is shared by all requests) and the
    hub of the worker's live queries."""

    settings: Settings
    client: AsyncMongoClient[dict[str, Any]]
    store: Store
    authenticator: Authenticator
    live: LiveHub


def app_state(connection: HTTPConnection) -> AppState:
    """The ``AppState`` of the application serving ``connection``."""
    return connection.app.state.omnigate
