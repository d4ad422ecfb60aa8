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
    msgs = 0
    last_message = lq = ts  # lq: the visitor's last message (metrics.v.lq)
    lr: int | None = None  # the agent's last message (metrics.servedBy.lr)
    agent_spoke_last = False
    served: tuple[User, int] | None = None
    first: tuple[User, int] | None = None
    response_ft = response_tt = reaction_ft = reaction_tt = response_total = 0
    closed: tuple[int, User | None] | None = None
    for ms, event in timeline:
        if event.kind is Kind.VISITOR:
            if msgs == 0:
                messages.append(visitor_message(rng, rid, ms, visitor))
            msgs += 1
            last_message = lq = ms
            agent_spoke_last = False
        elif event.kind is Kind.AGENT:
            assert event.user is not None and served is not None
            if first is None:
                messages.append(agent_message(rng, rid, ms, event.user, visitor))
                first = (event.user, ms)
                response_ft = response_tt = ms - lq
                reaction_ft = reaction_tt = ms - served[1]
                response_total = 1
            elif lr is not None and lq > lr:
                response_tt += ms - lq
                reaction_tt += ms - lq
                response_total += 1
            msgs += 1
            last_message = lr = ms
            agent_spoke_last = True
        elif event.kind is Kind.ASSIGN:
            assert event.user is not None
            served = (event.user, ms)
        elif event.kind is Kind.TRANSFER:
            assert event.transfer is not None
            messages.append(transfer_message(rng, rid, ms, event.transfer))
            if event.transfer.next is not None:
                department = event.transfer.next
        else:
            closed = (ms, event.user)

    room: Document = {
        "_id": rid,
        "msgs": msgs,
        "usersCount": 2 if served else 1,
        "lm": at(last_message),
        "fname": visitor.display_name,
        "t": "l",
        "ts": at(ts),
    }
    if department is not None:
        room["departmentId"] = department.id
    room["v"] = {
        "_id": visitor.id,
        "username": visitor.username,
        "token": visitor.token,
        "status": "offline" if closed else rng.choice(("online", "away")),
        "lastMessageTs": at(lq),
    }
    room["cl"] = False
    if closed is None:
        room["open"] = True
    if first is None:
        room["waitingResponse"] = True
    room.update(
        source={"type": "widget"},
        queuedAt=at(ts),
        priorityWeight=PRIORITY_NOT_SPECIFIED,
        estimatedWaitingTimeQueue=DEFAULT_ESTIMATED_WAITING_TIME,
        contactId=visitor.contact_id,
        _updatedAt=at(closed[0] if closed else timeline[-1][0]),
    )
    if served is not None:
        room["servedBy"] = {**served[0].ref(), "ts": at(served[1])}
    if first is not None:
        assert lr is not None
        room["responseBy"] = {
            **first[0].ref(),
            "firstResponseTs": at(first[1]),
            "lastMessageTs": at(lr),
        }
    metrics: Document = {}
    if first is not None or closed is not None:
        metrics["v"] = {"lq": at(lq)}
    if first is not None:
        assert lr is not None
        metrics["servedBy"] = {"lr": at(lr)}
        metrics["response"] = {
            "avg": js_number(response_tt / SECOND / response_total),
            "fd": at(first[1]),
            "ft": seconds(response_ft),
            "total": response_total,
            "tt": seconds(response_tt),
        }
        metrics["reaction"] = {
            "fd": at(first[1]),
            "ft": seconds(reaction_ft),
            "tt": seconds(reaction_tt),
        }
    if closed is not None:
        closed_ms, closer = closed
        metrics["chatDuration"] = seconds(closed_ms - ts)
        if served is not None and closed_ms > served[1]:
            metrics["serviceTimeDuration"] = seconds(closed_ms - served[1])
        if closer is not None and agent_spoke_last and lr is not None:
            metrics["visitorInactivity"] = (closed_ms - lr) // SECOND
    if metrics:
        room["metrics"] = metrics
    if on_hold:
        room["onHold"] = True
    if closed is not None:
        closed_ms, closer = closed
        room["closedAt"] = at(closed_ms)
        room["closedBy"] = (
            closer.ref() if closer else {"_id": visitor.id, "username": visitor.username}
        )
        room["closer"] = "user" if closer else "visitor"
    return room, messages


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
