"""The credential and permission check, with a short cache of successful checks."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from omnigate.auth.principal import Principal
from omnigate.auth.tokens import hash_token, matches_any
from omnigate.db import Store
from omnigate.db.names import DEPARTMENTS, PERMISSIONS, UNIT_MONITORS, USERS
from omnigate.errors import Forbidden, Unauthenticated
from omnigate.scope import UNRESTRICTED, Scope

VIEW_LIVECHAT_MANAGER = "view-livechat-manager"
# Rocket.Chat's default roles for the permission, used when its document is missing.
DEFAULT_MANAGER_ROLES = frozenset({"livechat-manager", "livechat-monitor", "admin"})
# Roles that see everything whatever else they hold (SPEC §7); a monitor is restricted.
UNRESTRICTED_ROLES = frozenset({"admin", "livechat-manager"})
MONITOR_ROLE = "livechat-monitor"
UNIT_TYPE = "u"
MAX_CACHE_SECONDS = 5.0
MAX_CACHE_ENTRIES = 10_000

UNAUTHENTICATED_MESSAGE = "You must be logged in to do this."
FORBIDDEN_MESSAGE = (
    "User does not have the permissions required for this action [error-unauthorized]"
)

_USER_PROJECTION = {
    "username": 1,
    "active": 1,
    "roles": 1,
    "utcOffset": 1,
    "services.resume.loginTokens.hashedToken": 1,
}

_CacheKey = tuple[str, str]  # (user id, hashed token): never the raw token


class Authenticator:
    """Checks a user id and login token against ``users``, then the permission, and
    resolves the caller's scope (SPEC §7).

    Successful checks (scope included) are cached for ``cache_seconds`` (at most 5) under
    the user id and the token's hash; failures are never cached. The cache holds at most
    ``max_entries`` principals, dropping the oldest first. Concurrent checks of the same
    credentials run once (a dashboard opened by many viewers at once costs one lookup).
    """

    def __init__(
        self,
        store: Store,
        *,
        cache_seconds: float = MAX_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_CACHE_ENTRIES,
    ) -> None:
        self._store = store
        self._ttl = min(cache_seconds, MAX_CACHE_SECONDS)
        self._clock = clock
        self._max_entries = max_entries
        self._cache: OrderedDict[_CacheKey, tuple[float, Principal]] = OrderedDict()
        self._checks: dict[_CacheKey, asyncio.Future[Principal]] = {}

    async def authenticate(
        self, user_id: str | None, token: str | None, *, fresh: bool = False
    ) -> Principal:
        """The caller; raises ``Unauthenticated``, then ``Forbidden``.

        ``fresh`` checks against the database even when a cached success exists (a live
        query re-checks its subscribers at every tick); a success is cached as usual, a
        refusal drops the cached success.
        Database trouble propagates as ``ServiceUnavailable``.
        """
        if not user_id or not token:
            raise Unauthenticated(UNAUTHENTICATED_MESSAGE)
        key = (user_id, hash_token(token))
        principal = None if fresh else self._cached(key)
        if principal is None:
            try:
                principal = await self._shared_check(key)
            except (Unauthenticated, Forbidden):
                self._cache.pop(key, None)  # a fresh check revoked an earlier success
                raise
        return principal

    async def _shared_check(self, key: _CacheKey) -> Principal:
        """The check of ``key``, joined by every concurrent request with the same key; a
        refusal reaches all of them and is not remembered."""
        check = self._checks.get(key)
        if check is None:
            check = asyncio.ensure_future(self._check(*key))
            self._checks[key] = check
            check.add_done_callback(lambda done: self._checked(key, done))
        return await asyncio.shield(check)

    def _checked(self, key: _CacheKey, check: asyncio.Future[Principal]) -> None:
        if self._checks.get(key) is check:
            del self._checks[key]
        if not check.cancelled() and check.exception() is None:
            self._remember(key, check.result())

    async def _check(self, user_id: str, hashed_token: str) -> Principal:
        # The same work whether or not the user exists: one find, then the comparisons.
        user = await self._store.find_one(USERS, {"_id": user_id}, projection=_USER_PROJECTION)
        matched = matches_any(hashed_token, _login_hashes(user))
        if user is None or user.get("active") is False or not matched:
            raise Unauthenticated(UNAUTHENTICATED_MESSAGE)
        roles = _strings(user.get("roles"))
        if (await self._manager_roles()).isdisjoint(roles):
            raise Forbidden(FORBIDDEN_MESSAGE)
        scope = await self._scope(user_id, roles)
        return Principal(user_id, str(user.get("username") or ""), _utc_offset(user), roles, scope)

    async def _scope(self, user_id: str, roles: tuple[str, ...]) -> Scope:
        """Unrestricted for managers, admins, non-monitors and workspaces without units;
        else the monitor's units and the departments whose ``ancestors`` hold one."""
        if not UNRESTRICTED_ROLES.isdisjoint(roles) or MONITOR_ROLE not in roles:
            return UNRESTRICTED
        unit = await self._store.find_one(DEPARTMENTS, {"type": UNIT_TYPE}, projection={"_id": 1})
        if unit is None:
            return UNRESTRICTED
        monitored = await self._store.find(
            UNIT_MONITORS, {"monitorId": user_id}, projection={"unitId": 1}
        )
        units = {str(d["unitId"]) for d in monitored if isinstance(d.get("unitId"), str)}
        if not units:
            return Scope.monitor((), ())
        departments = await self._store.find(
            DEPARTMENTS,
            {"type": {"$ne": UNIT_TYPE}, "ancestors": {"$in": sorted(units)}},
            projection={"_id": 1},
        )
        return Scope.monitor(units, (str(d["_id"]) for d in departments))

    async def _manager_roles(self) -> frozenset[str]:
        permission = await self._store.find_one(
            PERMISSIONS, {"_id": VIEW_LIVECHAT_MANAGER}, projection={"roles": 1}
        )
        if permission is None:
            return DEFAULT_MANAGER_ROLES
        return frozenset(_strings(permission.get("roles")))

    def _cached(self, key: _CacheKey) -> Principal | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        expires, principal = entry
        if self._clock() < expires:
            return principal
        del self._cache[key]
        return None

    def _remember(self, key: _CacheKey, principal: Principal) -> None:
        if self._ttl <= 0:
            return
        now = self._clock()
        self._cache.pop(key, None)
        # Entries share one lifetime, so the oldest are the first to expire.
        while self._cache:
            oldest, (expires, _) = next(iter(self._cache.items()))
            if expires > now and len(self._cache) < self._max_entries:
                break
            del self._cache[oldest]
        self._cache[key] = (now + self._ttl, principal)


def _login_hashes(user: dict[str, Any] | None) -> list[str]:
    tokens = _field(user, "services", "resume", "loginTokens")
    if not isinstance(tokens, list):
        return []
    return [
        token["hashedToken"]
        for token in tokens
        if isinstance(token, dict) and isinstance(token.get("hashedToken"), str)
    ]


def _field(document: dict[str, Any] | None, *path: str) -> Any:
    value: Any = document
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _utc_offset(user: dict[str, Any]) -> float | None:
    offset = user.get("utcOffset")
    if isinstance(offset, bool) or not isinstance(offset, int | float):
        return None
    return float(offset)
