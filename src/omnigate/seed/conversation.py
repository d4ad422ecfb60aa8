"""How a livechat conversation unfolds: a planned sequence of timed events.

A plan is drawn first (who does what, and how long after the previous event), then
laid out from the room's creation time; the events a plan puts after ``now`` have not
happened yet (so recent chats are still open). Documents are derived from the
laid-out events only, the way Rocket.Chat derives its analytics from the messages as
they arrive.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import NamedTuple

from omnigate.seed.cast import Cast
from omnigate.seed.clock import HOUR, MINUTE, SECOND
from omnigate.seed.departments import Department
from omnigate.seed.users import BOT, User


class Outcome(Enum):
    """Where a chat stands at ``now``."""

    CLOSED = "closed"
    ABANDONED = "abandoned"  # the agent spoke last, the visitor never came back
    CLOSED_UNANSWERED = "closed-unanswered"  # the visitor gave up in the queue
    OPEN = "open"
    ON_HOLD = "on-hold"
    QUEUED = "queued"  # open, no agent yet


UNANSWERED = frozenset({Outcome.CLOSED_UNANSWERED, Outcome.QUEUED})


class Kind(IntEnum):
    VISITOR = 1  # the visitor sends a message
    ASSIGN = 2  # an agent takes the chat (servedBy)
    AGENT = 3  # the agent sends a message
    TRANSFER = 4  # the chat moves to another department or agent
    CLOSE = 5


@dataclass(frozen=True, slots=True)
class Transfer:
    """One ``livechat_transfer_history`` event."""

    scope: str  # "department" | "agent"
    by: User
    by_type: str  # "agent" | "user"
    previous: Department | None
    next: Department | None
    to: User | None
    comment: str | None


class Event(NamedTuple):
    kind: Kind
    delay: int  # ms after the previous event
    user: User | None = None  # ASSIGN/AGENT: the agent; CLOSE: who closed (None: the visitor)
    transfer: Transfer | None = None


TRANSFER_COMMENTS = (
    "Customer is asking about an invoice",
    "Needs a technical specialist",
    "Spanish-speaking customer",
    "Enterprise contract, please follow up",
    "Shift change",
)


def _lognormal(rng: random.Random, median: int, sigma: float, low: int, high: int) -> int:
    """A long-tailed duration around ``median`` ms, clipped to ``[low, high]``."""
    return min(high, max(low, round(rng.lognormvariate(math.log(median), sigma))))


class Planner:
    """Draws departments, agents and conversation plans from one RNG."""

    def __init__(self, rng: random.Random, cast: Cast) -> None:
        self._rng = rng
        self._cast = cast
        # The departments taking chats only change when one stops: one list per era.
        self._stops = sorted({d.receives_until_ms for d in cast.departments} - {None})
        self._eras: dict[int, tuple[list[Department], list[float]]] = {}

    def _receiving(self, ms: int) -> tuple[list[Department], list[float]]:
        """The departments taking chats at ``ms`` and their cumulative shares."""
        era = bisect.bisect_right(self._stops, ms)
        if era not in self._eras:
            receiving = [d for d in self._cast.departments if d.receives_at(ms)]
            shares = list(itertools.accumulate(d.spec.share for d in receiving))
            self._eras[era] = (receiving, shares)
        return self._eras[era]

    def department_at(self, ms: int) -> Department:
        """A department taking chats at ``ms``, by its share of the traffic."""
        receiving, shares = self._receiving(ms)
        return self._rng.choices(receiving, cum_weights=shares)[0]

    def agent_in(
        self, department: Department | None, ms: int, excluding: User | None = None
    ) -> User:
        """An agent of ``department`` (any agent without one) working at ``ms``, other than
        ``excluding``."""
        cast = self._cast

        def candidates(pool: tuple[User, ...]) -> list[User]:
            return [a for a in pool if a != excluding and cast.works_at(a, ms)]

        found = candidates(department.agents) if department else []
        return self._rng.choice(found or candidates(cast.agents))

    def plan(
        self, outcome: Outcome, department: Department | None, transfers: int, ts: int
    ) -> list[Event]:
        """The events of a chat started at ``ts`` (``transfers`` needs a department)."""
        rng = self._rng
        events = [Event(Kind.VISITOR, rng.randint(40, 900))]
        if outcome in UNANSWERED:
            for _ in range(rng.choice((0, 0, 1, 2))):
                events.append(Event(Kind.VISITOR, rng.randint(20 * SECOND, 3 * MINUTE)))
            if outcome is Outcome.CLOSED_UNANSWERED:
                events.append(Event(Kind.CLOSE, rng.randint(MINUTE, 15 * MINUTE)))
            return events

        agent = self.agent_in(department, ts)
        events += [
            Event(Kind.ASSIGN, _lognormal(rng, 45 * SECOND, 1.0, 2 * SECOND, 45 * MINUTE), agent),
            Event(Kind.AGENT, _lognormal(rng, 20 * SECOND, 0.8, 2 * SECOND, 10 * MINUTE), agent),
        ]
        exchanges = max(transfers, min(30, int(rng.expovariate(1 / 5))))
        transfer_at = set(rng.sample(range(exchanges), transfers))
        for exchange in range(exchanges):
            if exchange in transfer_at:
                assert department is not None
                transfer, agent, department = self._transfer(agent, department, ts)
                events += [
                    Event(Kind.TRANSFER, rng.randint(20 * SECOND, 4 * MINUTE), transfer=transfer),
                    Event(Kind.ASSIGN, rng.randint(SECOND, 30 * SECOND), agent),
                    Event(Kind.AGENT, rng.randint(5 * SECOND, 2 * MINUTE), agent),
                ]
            events.append(Event(Kind.VISITOR, rng.randint(10 * SECOND, 4 * MINUTE)))
            if rng.random() < 0.3:
                events.append(Event(Kind.VISITOR, rng.randint(3 * SECOND, 40 * SECOND)))
            events.append(
                Event(Kind.AGENT, _lognormal(rng, 30 * SECOND, 0.9, 3 * SECOND, 15 * MINUTE), agent)
            )
        events += self._ending(outcome, agent)
        return events

    def _ending(self, outcome: Outcome, agent: User) -> list[Event]:
        rng = self._rng
        if outcome is Outcome.ON_HOLD:
            return []
        if outcome is Outcome.OPEN:
            if rng.random() < 0.5:  # the visitor has written again, the agent has yet to answer
                return [Event(Kind.VISITOR, rng.randint(5 * SECOND, 3 * MINUTE))]
            return []
        if outcome is Outcome.ABANDONED:
            closer = BOT if rng.random() < 0.7 else agent
            return [Event(Kind.CLOSE, rng.randint(HOUR, 5 * HOUR), closer)]
        if rng.random() < 0.5:  # the visitor has the last word, then someone closes
            closer = None if rng.random() < 0.6 else agent
            return [
                Event(Kind.VISITOR, rng.randint(5 * SECOND, 3 * MINUTE)),
                Event(Kind.CLOSE, rng.randint(2 * SECOND, 10 * MINUTE), closer),
            ]
        return [Event(Kind.CLOSE, rng.randint(10 * SECOND, 20 * MINUTE), agent)]

    def _transfer(
        self, agent: User, department: Department, ms: int
    ) -> tuple[Transfer, User, Department]:
        """A transfer away from ``agent``: the new agent and the (possibly new) department."""
        rng = self._rng
        by, by_type = (agent, "agent") if rng.random() < 0.8 else (self._cast.manager, "user")
        comment = rng.choice(TRANSFER_COMMENTS) if rng.random() < 0.4 else None
        if len(department.agents) < 2 or rng.random() < 0.7:
            target = self._transfer_target(department, ms)
            new_agent = self.agent_in(target, ms, excluding=agent)
            return (
                Transfer("department", by, by_type, department, target, None, comment),
                new_agent,
                target,
            )
        new_agent = self.agent_in(department, ms, excluding=agent)
        return (
            Transfer("agent", by, by_type, department, None, new_agent, comment),
            new_agent,
            department,
        )

    def orphan_transfers(self, ms: int) -> list[Transfer]:
        """The transfers of a chat whose room was deleted since (Rocket.Chat keeps them)."""
        department = self.department_at(ms)
        agent = self.agent_in(department, ms)
        transfers = []
        for _ in range(self._rng.choice((1, 1, 2))):
            transfer, agent, department = self._transfer(agent, department, ms)
            transfers.append(transfer)
        return transfers

    def _transfer_target(self, department: Department, ms: int) -> Department:
        """Another department taking chats at ``ms``."""
        targets = [d for d in self._receiving(ms)[0] if d != department]
        return self._rng.choice(targets)


def lay_out(events: list[Event], ts: int, now_ms: int) -> list[tuple[int, Event]]:
    """The events that happened before ``now``, each with its instant.

    The visitor's first message is always kept (a room starts with it). An assignment or
    transfer whose agent has not spoken yet is left out: the chat is kept as it stood
    before it (still queued, or still with the previous agent).
    """
    timed = []
    ms = ts
    for event in events:
        ms += event.delay
        if ms >= now_ms:
            if timed:
                break
            ms = now_ms - 1
        timed.append((ms, event))
    while timed[-1][1].kind in (Kind.ASSIGN, Kind.TRANSFER):
        timed.pop()
    return timed
