"""Livechat visitors: mostly new, some coming back for another chat."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from omnigate.seed.ids import random_id, visitor_token
from omnigate.seed.users import full_names

RETURNING = 0.25
NAMED = 0.6
_REMEMBERED = 300


@dataclass(frozen=True, slots=True)
class Visitor:
    """A widget visitor; ``name`` is ``None`` when they never gave one."""

    id: str
    username: str
    name: str | None
    token: str
    contact_id: str

    @property
    def display_name(self) -> str:
        """What Rocket.Chat shows (and stores as the room's ``fname``)."""
        return self.name or self.username

    def named_ref(self) -> dict[str, str]:
        return {"_id": self.id, "username": self.username, "name": self.display_name}


class Visitors:
    """Deals visitors; remembers only the last few hundred, so memory stays flat."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._count = 0
        self._recent: deque[Visitor] = deque(maxlen=_REMEMBERED)

    def next(self) -> Visitor:
        rng = self._rng
        if self._recent and rng.random() < RETURNING:
            return rng.choice(self._recent)
        self._count += 1
        visitor = Visitor(
            id=random_id(rng),
            username=f"guest-{self._count}",
            name=full_names(rng, 1)[0] if rng.random() < NAMED else None,
            token=visitor_token(rng),
            contact_id=random_id(rng),
        )
        self._recent.append(visitor)
        return visitor
