"""Opaque keyset cursors: the ordering, its sort value and the object's ``_id``."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import orjson

from omnigate.errors import BadUserInput

SortValue = str | float
# Orderings by a text field (the others sort by a metric's number).
TEXT_ORDERS = frozenset({"NAME", "USERNAME"})


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in one ordering: after/before the object (a department, an agent) with
    this sort value and id."""

    ordering: str  # e.g. "NAME:ASC" or "CHATS:DESC"
    value: SortValue
    id: str

    def encode(self) -> str:
        raw = orjson.dumps([self.ordering, self.value, self.id])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, *, argument: str, ordering: str) -> Cursor:
        """Parse a cursor given as ``argument``; it must come from the same ``ordering``."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            cursor_ordering, value, object_id = orjson.loads(raw)
        except (binascii.Error, ValueError, TypeError) as exc:
            raise BadUserInput(
                f"`{argument}` is not a valid cursor: pass an `endCursor`/`startCursor` or an "
                "edge `cursor` returned by the same connection."
            ) from exc
        if not (isinstance(cursor_ordering, str) and isinstance(object_id, str)):
            raise BadUserInput(f"`{argument}` is not a valid cursor.")
        if cursor_ordering != ordering:
            raise BadUserInput(
                f"`{argument}` was returned for the ordering {cursor_ordering}, not {ordering}: "
                "cursors only work with the `orderBy` they were returned for."
            )
        by_text = ordering.partition(":")[0] in TEXT_ORDERS
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not (isinstance(value, str) if by_text else numeric):
            raise BadUserInput(f"`{argument}` is not a valid cursor.")
        return cls(cursor_ordering, value, object_id)
