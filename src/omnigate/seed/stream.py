"""The seeded chats as a lazy stream of ``(collection, document)`` pairs, oldest chat first.

Nothing accumulates: each chat is planned, turned into documents and forgotten, so
memory stays flat however many rooms are asked for. Proportions come from decks (see
``decks``): from 200 livechat rooms on, every outcome, a room without department, a
room transferred twice, a dangling transfer and a non-livechat room are all present.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from omnigate.db import names
from omnigate.seed.cast import Cast
from omnigate.seed.clock import MINUTE, SECOND
from omnigate.seed.conversation import UNANSWERED, Outcome, Planner, lay_out
from omnigate.seed.decks import Deck
from omnigate.seed.ids import random_id
from omnigate.seed.messages import transfer_message
from omnigate.seed.rooms import OtherRooms, livechat_room
from omnigate.seed.seasonality import creation_times
from omnigate.seed.visitors import Visitors

Document = dict[str, Any]

# Per 200 livechat rooms. Open outcomes here are chats left open for days (it happens);
# besides them, the chats started in the last hours before ``now`` are still running.
OUTCOMES = {
    Outcome.CLOSED: 168,
    Outcome.ABANDONED: 14,
    Outcome.CLOSED_UNANSWERED: 9,
    Outcome.OPEN: 4,
    Outcome.ON_HOLD: 2,
    Outcome.QUEUED: 3,
}
# Transfers per answered room with a department (8% transferred, a quarter of them twice).
TRANSFERS = {0: 92, 1: 6, 2: 2}
WITHOUT_DEPARTMENT = {False: 19, True: 1}  # 5%
OTHER_ROOM = {False: 19, True: 1}  # a non-livechat room after 5% of the livechat rooms
DANGLING = {False: 199, True: 1}  # transfers of a since-deleted room after 0.5% of them


def documents(
    rng: random.Random, cast: Cast, now_ms: int, rooms: int
) -> Iterator[tuple[str, Document]]:
    """``rooms`` livechat rooms over the 90 days before ``now_ms``, with their messages and
    their visitors."""
    planner = Planner(rng, cast)
    visitors = Visitors(rng)
    other_rooms = OtherRooms(rng, cast.users, now_ms)
    outcomes = Deck(rng, OUTCOMES)
    transfers = Deck(rng, TRANSFERS)
    without_department = Deck(rng, WITHOUT_DEPARTMENT)
    other_room = Deck(rng, OTHER_ROOM)
    dangling = Deck(rng, DANGLING)
    for ts in creation_times(rng, now_ms, rooms):
        outcome = outcomes.draw()
        department = None if without_department.draw() else planner.department_at(ts)
        moves = transfers.draw() if department and outcome not in UNANSWERED else 0
        events = planner.plan(outcome, department, moves, ts)
        timeline = lay_out(events, ts, now_ms)
        on_hold = outcome is Outcome.ON_HOLD and len(timeline) == len(events)
        visitor = visitors.next()
        room, messages = livechat_room(rng, ts, visitor, department, timeline, on_hold=on_hold)
        visitors.chatted(visitor, room)
        yield names.ROOMS, room
        for finished in visitors.done():
            yield names.VISITORS, finished
        for message in messages:
            yield names.MESSAGES, message
        if other_room.draw():
            yield names.ROOMS, other_rooms.next(ts)
        if dangling.draw():
            rid, ms = random_id(rng), ts
            for transfer in planner.orphan_transfers(ts):
                ms = min(now_ms - 1, ms + rng.randint(30 * SECOND, 10 * MINUTE))
                yield names.MESSAGES, transfer_message(rng, rid, ms, transfer)
    for visitor in visitors.remaining():
        yield names.VISITORS, visitor
