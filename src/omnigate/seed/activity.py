"""The agents at work: their presence, their departments and their daily availability.

* presence: each agent's ``status`` (online, away, busy, offline) and ``statusLivechat``
  (available, not-available), in exact proportions (a deck), set on its user document;
* ``rocketchat_livechat_department_agents``: who works in which department;
* ``rocketchat_livechat_agent_activity``: one document per agent and working day (UTC) of
  the last weeks: the sessions during which the agent was available, as Rocket.Chat records
  them (``availableTime`` and ``serviceHistory`` grow when a session stops); an agent
  available now has today's session still open (no ``lastStoppedAt``).

Everything is drawn from an RNG of its own, so the rooms are the same with or without it.
"""

from __future__ import annotations

import random
from typing import Any

from omnigate.db import names
from omnigate.seed.cast import Cast
from omnigate.seed.clock import DAY, HOUR, MINUTE, SECOND, as_datetime, at
from omnigate.seed.decks import Deck
from omnigate.seed.ids import random_id

Document = dict[str, Any]

ACTIVITY_DAYS = 30
AVAILABLE = "available"
# (status, statusLivechat) per 20 agents.
PRESENCE = {
    ("online", AVAILABLE): 8,
    ("away", AVAILABLE): 2,
    ("busy", AVAILABLE): 2,
    ("offline", AVAILABLE): 1,  # still marked available, but disconnected
    ("online", "not-available"): 2,
    ("offline", "not-available"): 5,
}
WORKS_ON = {False: 0.85, True: 0.25}  # weekday, weekend


def agents_at_work(rng: random.Random, cast: Cast, now_ms: int) -> dict[str, list[Document]]:
    """Sets the agents' presence on their user documents (in place); returns the department
    assignments and the activity documents, by collection."""
    presence = Deck(rng, PRESENCE)
    agents = {agent.id: agent for agent in cast.agents}
    available: set[str] = set()
    for user in cast.documents[names.USERS]:
        if user["_id"] not in agents:
            continue
        status, livechat = presence.draw()
        connected = "offline" if status == "offline" else "online"
        user.update(status=status, statusConnection=connected, statusLivechat=livechat)
        if livechat == AVAILABLE:
            available.add(user["_id"])
    assignments = [
        {
            "_id": random_id(rng),
            "agentId": agent.id,
            "departmentId": department.id,
            "departmentEnabled": department.spec.enabled,
            "username": agent.username,
            "count": 0,
            "order": 0,
        }
        for department in cast.departments
        for agent in department.agents
    ]
    today = now_ms - now_ms % DAY
    activity = [
        document
        for days_ago in range(ACTIVITY_DAYS - 1, -1, -1)
        for agent in cast.agents
        if (document := _day(rng, agent.id, today - days_ago * DAY, now_ms, agent.id in available))
    ]
    return {names.DEPARTMENT_AGENTS: assignments, names.AGENT_ACTIVITY: activity}


def _day(
    rng: random.Random, agent_id: str, day_ms: int, now_ms: int, available_now: bool
) -> Document | None:
    """The agent's activity document of the UTC day at ``day_ms``, if it worked that day."""
    weekend = as_datetime(day_ms).weekday() >= 5
    sessions = []
    if rng.random() < WORKS_ON[weekend]:
        start = day_ms + rng.randint(7 * HOUR, 10 * HOUR)
        first = start + rng.randint(2 * HOUR, 4 * HOUR + 30 * MINUTE)
        second = first + rng.randint(20 * MINUTE, 60 * MINUTE)
        sessions = [(start, first), (second, second + rng.randint(2 * HOUR, 4 * HOUR))]
    # What happened by now: sessions cut at ``now``; an agent available now is in a session.
    sessions = [(begin, min(end, now_ms - SECOND)) for begin, end in sessions if begin < now_ms]
    running = None
    if day_ms <= now_ms < day_ms + DAY and available_now:
        if sessions and sessions[-1][1] == now_ms - SECOND:
            running = sessions.pop()[0]
        else:
            running = max(day_ms, now_ms - rng.randint(10 * MINUTE, 2 * HOUR))
            sessions = [(begin, end) for begin, end in sessions if end < running]
    if not sessions and running is None:
        return None
    document: Document = {
        "_id": random_id(rng),
        "agentId": agent_id,
        "date": int(as_datetime(day_ms).strftime("%Y%m%d")),
        "availableTime": sum((end - begin) // SECOND for begin, end in sessions),
        "serviceHistory": [
            {"startedAt": at(begin), "stoppedAt": at(end)} for begin, end in sessions
        ],
    }
    if running is None:
        document.update(lastStartedAt=at(sessions[-1][0]), lastStoppedAt=at(sessions[-1][1]))
    else:
        document["lastStartedAt"] = at(running)
    return document
