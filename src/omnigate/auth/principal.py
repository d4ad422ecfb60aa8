"""The authenticated caller of a request."""

from __future__ import annotations

from dataclasses import dataclass

from omnigate.scope import Scope


@dataclass(frozen=True, slots=True)
class Principal:
    """A Rocket.Chat user holding ``view-livechat-manager``.

    ``utc_offset`` is the user's ``utcOffset`` in hours (``None`` when unset), used by the
    ``user`` reporting timezone; ``scope`` is what the user may see (SPEC §7), resolved
    with the credentials and cached with them.
    """

    user_id: str
    username: str
    utc_offset: float | None
    roles: tuple[str, ...]
    scope: Scope
