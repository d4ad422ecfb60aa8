"""The authenticated caller of a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    """A Rocket.Chat user holding ``view-livechat-manager``.

    ``utc_offset`` is the user's ``utcOffset`` in hours (``None`` when unset), used by the
    ``user`` reporting timezone.
    """

    user_id: str
    username: str
    utc_offset: float | None
    roles: tuple[str, ...]
