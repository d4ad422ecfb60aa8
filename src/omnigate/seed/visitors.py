"""Livechat visitors: mostly new, some coming back for another chat; and their
``rocketchat_livechat_visitor`` documents, written once a visitor can no longer return."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from omnigate.seed.ids import random_id, visitor_token
from omnigate.seed.users import full_names

Document = dict[str, Any]

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
    """Deals visitors; remembers only the last few hundred, so memory stays flat.

    ``chatted`` records a visitor's room; a visitor's document is handed out by ``done``
    when it leaves the few hundred that may come back (its chats are then final), the rest
    by ``remaining`` at the end. Documents use no randomness: the rooms stay as they were.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._count = 0
        self._recent: deque[Visitor] = deque(maxlen=_REMEMBERED)
        self._documents: dict[str, Document] = {}  # of the visitors in ``_recent``
        self._done: list[Document] = []

    def next(self) -> Visitor:
        rng = self._rng
        if self._recent and rng.random() < RETURNING:
            return rng.choice(self._recent)
        self._count += 1
        if len(self._recent) == self._recent.maxlen:  # the oldest can no longer come back
            self._done.extend(filter(None, [self._documents.pop(self._recent[0].id, None)]))
        visitor = Visitor(
            id=random_id(rng),
            username=f"guest-{self._count}",
            name=full_names(rng, 1)[0] if rng.random() < NAMED else None,
            token=visitor_token(rng),
            contact_id=random_id(rng),
        )
        self._recent.append(visitor)
        return visitor

    def chatted(self, visitor: Visitor, room: Document) -> None:
        """``visitor`` (dealt by ``next``) had ``room``: its latest chat so far."""
        document = self._documents.get(visitor.id)
        if document is None:
            document = self._documents[visitor.id] = visitor_document(visitor, room)
        document["_updatedAt"] = max(document["_updatedAt"], room["_updatedAt"])
        document["lastChat"] = {"_id": room["_id"], "ts": room["ts"]}
        document["status"] = room["v"]["status"]
        if "departmentId" in room:
            document["department"] = room["departmentId"]
        else:
            document.pop("department", None)

    def done(self) -> Iterator[Document]:
        """Documents of the visitors that can no longer come back, each handed out once."""
        done, self._done = self._done, []
        yield from done

    def remaining(self) -> Iterator[Document]:
        """Documents of every visitor not handed out yet (once the last room is dealt)."""
        yield from self.done()
        documents, self._documents = self._documents, {}
        yield from documents.values()


def visitor_document(visitor: Visitor, first_room: Document) -> Document:
    """The visitor as Rocket.Chat registers it from the widget (``_updatedAt``, ``lastChat``,
    ``department`` and ``status`` follow its latest chat)."""
    document: Document = {
        "_id": visitor.id,
        "username": visitor.username,
        "token": visitor.token,
        "ts": first_room["ts"],
        "_updatedAt": first_room["_updatedAt"],
        "contactId": visitor.contact_id,
    }
    if visitor.name is not None:
        document["name"] = visitor.name
    return document
