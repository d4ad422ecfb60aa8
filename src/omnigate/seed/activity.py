"""``rocketchat_livechat_agent_activity``: when each agent was available, one document per day.

Rocket.Chat opens a session when an agent becomes available and, when it stops, adds the
session's whole seconds to ``availableTime`` and ``{startedAt, stoppedAt}`` to
``serviceHistory``; ``date`` is the session's day on the server's clock (UTC here). Agents
work a shift on their working days (Monday to Friday, or Tuesday to Saturday), in their own
timezone, split by breaks; some days they are off. At ``now``, an agent taking chats keeps
its session open (``lastStartedAt`` without ``lastStoppedAt``); one who left has no
document after its leaving day.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from omnigate.db import names
from omnigate.seed.cast import Cast
from omnigate.seed.clock import DAY, HOUR, MINUTE, SECOND, as_datetime, at
from omnigate.seed.ids import random_id
from omnigate.seed.users import User

Document = dict[str, Any]

DAYS = 90  # of history before now, as the rooms
WEEKS = {(0, 1, 2, 3, 4): 4, (1, 2, 3, 4, 5): 1}  # working weekdays (Monday = 0), by weight
DAY_OFF = 0.06  # holidays, sick days
# A shift in minutes: work, a short break, work, lunch, work (and sometimes a late stint).
SHIFT = (((100, 170), (10, 20)), ((60, 120), (30, 60)), ((90, 150), (10, 15)))
LATE = ((30, 60), 0.3)  # minutes of a last stint, and how often there is one


def activity_documents(rng: random.Random, cast: Cast, now_ms: int) -> Iterator[Document]:
    """The activity documents of every agent over the ``DAYS`` days before ``now_ms``."""
    users = {user["_id"]: user for user in cast.documents[names.USERS]}
    today = now_ms - now_ms % DAY
    for agent in cast.agents:
        user = users[agent.id]
        weekdays = rng.choices(list(WEEKS), weights=list(WEEKS.values()))[0]
        offset_ms = round(float(user.get("utcOffset", 0)) * HOUR)
        start_minute = 8 * 60 + rng.randrange(0, 91, 15)  # local, 8:00 to 9:30
        taking_chats = user.get("statusLivechat") == "available" and user["status"] != "offline"
        for day in range(today - DAYS * DAY, today + DAY, DAY):
            if not cast.works_at(agent, day + DAY) or as_datetime(day).weekday() not in weekdays:
                continue
            if rng.random() < DAY_OFF:
                continue
            jitter = rng.randint(-20, 20) * MINUTE
            start = day + start_minute * MINUTE - offset_ms + jitter
            sessions = _sessions(rng, start)
            document = _document(rng, agent, day, sessions, now_ms, taking_chats)
            if document is not None:
                yield document


def _sessions(rng: random.Random, start: int) -> list[tuple[int, int]]:
    """The (start, stop) instants of a day's sessions, in ms (seconds drawn to the ms)."""
    sessions = []
    at_ms = start
    for (work_low, work_high), (pause_low, pause_high) in SHIFT:
        stop = at_ms + rng.randint(work_low * MINUTE, work_high * MINUTE)
        sessions.append((at_ms, stop))
        at_ms = stop + rng.randint(pause_low * MINUTE, pause_high * MINUTE)
    (late_low, late_high), late = LATE
    if rng.random() < late:
        sessions.append((at_ms, at_ms + rng.randint(late_low * MINUTE, late_high * MINUTE)))
    return sessions


def _document(
    rng: random.Random,
    agent: User,
    day: int,
    sessions: list[tuple[int, int]],
    now_ms: int,
    taking_chats: bool,
) -> Document | None:
    """The day's document as ``now`` finds it: closed sessions, and the running one of an
    agent taking chats; ``None`` before its first session."""
    closed = [(start, stop) for start, stop in sessions if stop <= now_ms]
    running = next((start for start, stop in sessions if start <= now_ms < stop), None)
    if running is not None and not taking_chats:
        running = None
    if not closed and running is None:
        return None
    document: Document = {"_id": random_id(rng), "agentId": agent.id, "date": _day_number(day)}
    if closed:
        document["availableTime"] = sum((stop - start) // SECOND for start, stop in closed)
        document["serviceHistory"] = [
            {"startedAt": at(start), "stoppedAt": at(stop)} for start, stop in closed
        ]
        document["lastStartedAt"] = at(closed[-1][0])
        document["lastStoppedAt"] = at(closed[-1][1])
    if running is not None:
        document["lastStartedAt"] = at(running)
        document.pop("lastStoppedAt", None)
    document["_updatedAt"] = at(running if running is not None else closed[-1][1])
    return document


def _day_number(day_ms: int) -> int:
    """``20260531`` for the UTC day starting at ``day_ms``."""
    day = datetime.fromtimestamp(day_ms / SECOND, UTC)
    return day.year * 10_000 + day.month * 100 + day.day
