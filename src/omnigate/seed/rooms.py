"""``rocketchat_room`` documents: livechat rooms (``t: "l"``) and the other rooms beside them.

A livechat room is derived from its laid-out conversation the way Rocket.Chat 7.x
maintains it: ``createLivechatRoom`` fields, ``servedBy`` on assignment, ``responseBy``
and ``metrics.response``/``reaction`` on agent messages (``saveAnalyticsData``),
``closeRoom`` fields on close, and ``metrics.visitorInactivity`` when an agent or
rocket.cat closes a chat whose last message was the agent's (``processRoomAbandonment``).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

from omnigate.seed.clock import DAY, SECOND, at, js_number, seconds
from omnigate.seed.conversation import Event, Kind
from omnigate.seed.departments import Department
from omnigate.seed.ids import random_id
from omnigate.seed.messages import agent_message, transfer_message, visitor_message
from omnigate.seed.users import User
from omnigate.seed.visitors import Visitor

Document = dict[str, Any]

PRIORITY_NOT_SPECIFIED = 100  # LivechatPriorityWeight.NOT_SPECIFIED
DEFAULT_ESTIMATED_WAITING_TIME = 9_999_999  # DEFAULT_SLA_CONFIG.ESTIMATED_WAITING_TIME_QUEUE


@dataclass(slots=True)
class _Tally:
    """What Rocket.Chat records about a room as its events arrive (times in epoch ms)."""

    ts: int
    department: Department | None
    department_since: int  # when the room entered its department (created or forwarded)
    msgs: int = 0
    last_message: int = 0
    lq: int = 0  # the visitor's last message (metrics.v.lq)
    lr: int | None = None  # the agent's last message (metrics.servedBy.lr)
    agent_spoke_last: bool = False
    served: tuple[User, int] | None = None
    first: tuple[User, int] | None = None  # the first answer
    response_ft: int = 0
    response_tt: int = 0
    response_total: int = 0
    reaction_ft: int = 0
    reaction_tt: int = 0
    closed: tuple[int, User | None] | None = None  # when, and by whom (None: the visitor)

    def visitor_message(self, ms: int) -> None:
        self.msgs += 1
        self.last_message = self.lq = ms
        self.agent_spoke_last = False

    def agent_message(self, ms: int, agent: User) -> None:
        """Rocket.Chat's saveAnalyticsData: the first answer, then answers to new questions."""
        assert self.served is not None
        if self.first is None:
            self.first = (agent, ms)
            self.response_ft = self.response_tt = ms - self.lq
            self.reaction_ft = self.reaction_tt = ms - self.served[1]
            self.response_total = 1
        elif self.lr is not None and self.lq > self.lr:
            self.response_tt += ms - self.lq
            self.reaction_tt += ms - self.lq
            self.response_total += 1
        self.msgs += 1
        self.last_message = self.lr = ms
        self.agent_spoke_last = True


def livechat_room(
    rng: random.Random,
    ts: int,
    visitor: Visitor,
    department: Department | None,
    timeline: list[tuple[int, Event]],
    *,
    on_hold: bool,
) -> tuple[Document, list[Document]]:
    """The room of a conversation started at ``ts``, and the messages written for it."""
    rid = random_id(rng)
    messages: list[Document] = []
    tally = _Tally(ts, department, ts, last_message=ts, lq=ts)
    for ms, event in timeline:
        if event.kind is Kind.VISITOR:
            if tally.msgs == 0:
                messages.append(visitor_message(rng, rid, ms, visitor))
            tally.visitor_message(ms)
        elif event.kind is Kind.AGENT:
            assert event.user is not None
            if tally.first is None:
                messages.append(agent_message(rng, rid, ms, event.user, visitor))
            tally.agent_message(ms, event.user)
        elif event.kind is Kind.ASSIGN:
            assert event.user is not None
            tally.served = (event.user, ms)
        elif event.kind is Kind.TRANSFER:
            assert event.transfer is not None
            messages.append(transfer_message(rng, rid, ms, event.transfer))
            if event.transfer.next is not None:
                tally.department = event.transfer.next
                tally.department_since = ms
        else:
            tally.closed = (ms, event.user)
    room = _room(rng, rid, visitor, tally, updated=timeline[-1][0])
    if metrics := _metrics(tally):
        room["metrics"] = metrics
    if on_hold:
        room["onHold"] = True
    if tally.closed is not None:
        closed_ms, closer = tally.closed
        room["closedAt"] = at(closed_ms)
        room["closedBy"] = (
            closer.ref() if closer else {"_id": visitor.id, "username": visitor.username}
        )
        room["closer"] = "user" if closer else "visitor"
    return room, messages


def _room(rng: random.Random, rid: str, visitor: Visitor, tally: _Tally, updated: int) -> Document:
    """The fields createLivechatRoom writes, as the room's events left them."""
    room: Document = {
        "_id": rid,
        "msgs": tally.msgs,
        "usersCount": 2 if tally.served else 1,
        "lm": at(tally.last_message),
        "fname": visitor.display_name,
        "t": "l",
        "ts": at(tally.ts),
    }
    if tally.department is not None:
        room["departmentId"] = tally.department.id
        ancestors = tally.department.ancestors_at(tally.department_since)
        if ancestors is not None:
            room["departmentAncestors"] = ancestors
    room["v"] = {
        "_id": visitor.id,
        "username": visitor.username,
        "token": visitor.token,
        "status": "offline" if tally.closed else rng.choice(("online", "away")),
        "lastMessageTs": at(tally.lq),
    }
    room["cl"] = False
    if tally.closed is None:
        room["open"] = True
    if tally.first is None:
        room["waitingResponse"] = True
    room.update(
        source={"type": "widget"},
        queuedAt=at(tally.ts),
        priorityWeight=PRIORITY_NOT_SPECIFIED,
        estimatedWaitingTimeQueue=DEFAULT_ESTIMATED_WAITING_TIME,
        contactId=visitor.contact_id,
        _updatedAt=at(updated),
    )
    if tally.served is not None:
        agent, assigned = tally.served
        room["servedBy"] = {**agent.ref(), "ts": at(assigned)}
    if tally.first is not None:
        assert tally.lr is not None
        agent, answered = tally.first
        room["responseBy"] = {
            **agent.ref(),
            "firstResponseTs": at(answered),
            "lastMessageTs": at(tally.lr),
        }
    return room


def _metrics(tally: _Tally) -> Document:
    """``metrics`` as saveAnalyticsData, closeRoom and processRoomAbandonment leave it."""
    metrics: Document = {}
    if tally.first is None and tally.closed is None:
        return metrics  # a visitor still waiting in the queue
    metrics["v"] = {"lq": at(tally.lq)}
    if tally.first is not None:
        assert tally.lr is not None
        answered = at(tally.first[1])
        metrics["servedBy"] = {"lr": at(tally.lr)}
        metrics["response"] = {
            "avg": js_number(tally.response_tt / SECOND / tally.response_total),
            "fd": answered,
            "ft": seconds(tally.response_ft),
            "total": tally.response_total,
            "tt": seconds(tally.response_tt),
        }
        metrics["reaction"] = {
            "fd": answered,
            "ft": seconds(tally.reaction_ft),
            "tt": seconds(tally.reaction_tt),
        }
    if tally.closed is not None:
        closed_ms, closer = tally.closed
        metrics["chatDuration"] = seconds(closed_ms - tally.ts)
        if tally.served is not None and closed_ms > tally.served[1]:
            metrics["serviceTimeDuration"] = seconds(closed_ms - tally.served[1])
        if closer is not None and tally.agent_spoke_last and tally.lr is not None:
            metrics["visitorInactivity"] = (closed_ms - tally.lr) // SECOND
    return metrics


TOPICS = (
    "general", "sales-team", "support-leads", "random", "announcements",
    "billing-ops", "dev", "marketing", "qa", "product", "hr", "it-helpdesk",
)  # fmt: skip


class OtherRooms:
    """Channels, private groups and direct messages: rooms the analytics must ignore."""

    def __init__(self, rng: random.Random, users: tuple[User, ...], now_ms: int) -> None:
        self._rng = rng
        self._users = users
        self._now_ms = now_ms
        self._count = 0
        self._pairs = list(itertools.combinations(users, 2))
        rng.shuffle(self._pairs)

    def next(self, ms: int) -> Document:
        """A room created at ``ms``."""
        rng = self._rng
        self._count += 1
        kind = rng.choices(("c", "p", "d"), weights=(45, 40, 15))[0]
        last = at(min(self._now_ms - 1, ms + rng.randrange(7 * DAY)))
        if kind == "d" and self._pairs:
            one, other = sorted(self._pairs.pop(), key=lambda user: user.id)
            return {
                "_id": one.id + other.id,
                "t": "d",
                "msgs": rng.randint(1, 300),
                "usersCount": 2,
                "ts": at(ms),
                "uids": [one.id, other.id],
                "usernames": [one.username, other.username],
                "_updatedAt": last,
                "lm": last,
            }
        name = f"{rng.choice(TOPICS)}-{self._count}"
        return {
            "_id": random_id(rng),
            "fname": name,
            "name": name,
            "t": "p" if kind == "p" else "c",
            "msgs": rng.randint(0, 400),
            "usersCount": rng.randint(2, 40),
            "u": rng.choice(self._users).ref(),
            "ts": at(ms),
            "ro": False,
            "default": False,
            "sysMes": True,
            "_updatedAt": last,
            "lm": last,
        }
