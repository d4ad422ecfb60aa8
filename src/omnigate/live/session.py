"""The GraphQL context of a live connection (a WebSocket, or one SSE request)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from omnigate.auth import Authenticator, Principal
from omnigate.live.hub import LiveHub
from omnigate.live.query import LiveQuery
from omnigate.live.subscriber import Credentials, LiveRequest

USER_ID_KEY = "x-user-id"
AUTH_TOKEN_KEY = "x-auth-token"


def credentials_in(values: Mapping[str, object]) -> Credentials | None:
    """``X-User-Id`` and ``X-Auth-Token`` (names in any case) from headers or a
    ``connection_init`` payload; ``None`` unless both are non-empty strings."""
    found = {key.lower(): value for key, value in values.items() if isinstance(key, str)}
    user_id, token = found.get(USER_ID_KEY), found.get(AUTH_TOKEN_KEY)
    if isinstance(user_id, str) and isinstance(token, str) and user_id and token:
        return user_id, token
    return None


@dataclass(eq=False)
class LiveSession:
    """What a live query's resolver needs: the hub, the connection's credentials (from
    the headers, or from the ``connection_init`` payload, which wins) and the check of
    those credentials. The session itself is the connection the per-connection limit
    counts."""

    hub: LiveHub
    authenticator: Authenticator
    credentials: Credentials | None
    # Strawberry stores the ``connection_init`` payload here (graphql-transport-ws).
    connection_params: dict[str, object] | None = None

    async def connect(self) -> Principal:
        """Accept the ``connection_init`` credentials: ``Unauthenticated`` or ``Forbidden``
        refuse the connection."""
        self.credentials = credentials_in(self.connection_params or {}) or self.credentials
        return await self._principal()

    async def request(self, query: LiveQuery, every: float) -> LiveRequest:
        """A subscription to ``query``: credentials checked (a check of the last 5 s may
        serve), limits checked."""
        principal = await self._principal()
        assert self.credentials is not None
        self.hub.check(self, principal.user_id)
        return LiveRequest(query, every, self.credentials, principal, self)

    async def _principal(self) -> Principal:
        user_id, token = self.credentials or (None, None)
        return await self.authenticator.authenticate(user_id, token)
