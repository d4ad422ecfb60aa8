"""The live-query hub of one worker process.

Subscribers of the same query (text and variables), interval and audience form a group;
one task per group ticks for all of them: it re-checks every subscriber's credentials
against the database (no cached check: a revoked token or a removed permission ends its
subscriptions at the next tick), computes the query once with a fresh context, and offers
the result to each subscriber, whose mailbox passes it on only when it differs from what
that subscriber was last sent. A tick that takes longer than the interval makes the group
skip the ticks it overlapped: ticks never queue up.

A group's first tick runs at once; the next ones at the wall clock's multiples of the
interval (every 5 s: at :00, :05, :10...), the same instants in every worker and replica.
A tick computes as of its instant (``Execute``'s ``TickTime``), which the store uses
to share the tick's reads with every other computation of that instant (see
``Store.at``): workers sharing a Redis cache compute each tick once between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from omnigate.auth import Principal
from omnigate.config import Limits
from omnigate.errors import LimitExceeded, OmnigateError, ServiceUnavailable
from omnigate.live.query import LiveQuery
from omnigate.live.subscriber import Credentials, LiveRequest, Subscriber
from omnigate.live.tick import Audience, Outcome, Tick, TickTime

log = logging.getLogger("omnigate.live")

Execute = Callable[[LiveQuery, Principal, TickTime], Awaitable[Outcome]]
Authenticate = Callable[[Credentials], Awaitable[Principal]]
GroupKey = tuple[LiveQuery, float, Audience]


@dataclass(eq=False)
class Group:
    """The subscribers of one query, interval and audience, and their ticking task."""

    query: LiveQuery
    every: float
    audience: Audience
    principal: Principal  # a subscriber's, re-checked at every tick: whom the query runs as
    subscribers: dict[Subscriber, None] = field(default_factory=dict)  # ordered set
    latest: Tick | None = None
    task: asyncio.Task[None] | None = None
    computations: int = 0
    skipped: int = 0


class LiveHub:
    """Groups subscribers, ticks each group, enforces the subscription limits."""

    def __init__(self, execute: Execute, authenticate: Authenticate, limits: Limits) -> None:
        self._execute = execute
        self._authenticate = authenticate
        self._limits = limits
        self._groups: dict[GroupKey, Group] = {}
        self._group_of: dict[Subscriber, Group] = {}
        self._per_connection: Counter[object] = Counter()
        self._per_user: Counter[str] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self.computations = 0
        self.skipped_ticks = 0

    # ------------------------------------------------------------------ subscriptions

    def check(self, connection: object, user_id: str) -> None:
        """Refuse one more subscription of ``connection`` and ``user_id`` when a limit is
        reached (``LimitExceeded``, naming the limit and its variable)."""
        limits = self._limits
        if self._per_connection[connection] >= limits.max_subscriptions_per_connection:
            raise LimitExceeded(
                "This connection already runs "
                f"{limits.max_subscriptions_per_connection} live queries, the limit "
                "(OMNIGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION): complete one first."
            )
        if self._per_user[user_id] >= limits.max_subscriptions_per_user:
            raise LimitExceeded(
                f"This user already runs {limits.max_subscriptions_per_user} live queries, "
                "the limit (OMNIGATE_MAX_SUBSCRIPTIONS_PER_USER): complete one first."
            )
        if len(self._group_of) >= limits.max_subscriptions_total:
            raise LimitExceeded(
                f"The server already runs {limits.max_subscriptions_total} live queries, "
                "its limit (OMNIGATE_MAX_SUBSCRIPTIONS_TOTAL): try again later."
            )

    def join(self, request: LiveRequest) -> Subscriber:
        """A new subscriber (limits checked); it gets its group's latest tick at once if
        there is one, else the group's first."""
        user_id = request.credentials[0]
        self.check(request.connection, user_id)
        subscriber = Subscriber(request)
        self._per_connection[request.connection] += 1
        self._per_user[user_id] += 1
        self._attach(subscriber)
        return subscriber

    def leave(self, subscriber: Subscriber) -> None:
        """Forget ``subscriber`` (idempotent); a group left empty stops ticking."""
        if subscriber not in self._group_of:
            return
        self._detach(subscriber)
        connection, user_id = subscriber.request.connection, subscriber.request.credentials[0]
        for counter, key in ((self._per_connection, connection), (self._per_user, user_id)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]
        subscriber.close()

    def stream(self, request: LiveRequest) -> LiveStream:
        return LiveStream(self, request)

    async def close(self) -> None:
        """End every subscription and stop every task (application shutdown)."""
        for subscriber in list(self._group_of):
            self.leave(subscriber)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def stats(self) -> dict[str, int]:
        """Subscribers, groups, running tasks, computations and skipped ticks so far."""
        return {
            "subscribers": len(self._group_of),
            "groups": len(self._groups),
            "tasks": len(self._tasks),
            "connections": len(self._per_connection),
            "users": len(self._per_user),
            "computations": self.computations,
            "skipped_ticks": self.skipped_ticks,
        }

    # ------------------------------------------------------------------------ groups

    def _attach(self, subscriber: Subscriber) -> None:
        request = subscriber.request
        audience = subscriber.audience
        key = (request.query, request.every, audience)
        group = self._groups.get(key)
        if group is None:
            group = Group(request.query, request.every, audience, subscriber.principal)
            self._groups[key] = group
            group.task = asyncio.get_running_loop().create_task(
                self._run(group), name=f"omnigate live query every {request.every}s"
            )
            self._tasks.add(group.task)
            group.task.add_done_callback(self._tasks.discard)
        group.subscribers[subscriber] = None
        self._group_of[subscriber] = group
        if group.latest is not None:
            subscriber.offer(group.latest)

    def _detach(self, subscriber: Subscriber) -> None:
        group = self._group_of.pop(subscriber)
        del group.subscribers[subscriber]
        if not group.subscribers:
            del self._groups[(group.query, group.every, group.audience)]
            if group.task is not None and group.task is not asyncio.current_task():
                group.task.cancel()  # its own task ends when its loop sees it empty

    async def _run(self, group: Group) -> None:
        every = group.every
        slot = math.floor(time.time() / every)  # the tick at slot × every (epoch seconds)
        while group.subscribers:
            try:
                await self._tick(group, TickTime.of_slot(slot, every))
            except Exception:
                log.exception("a live query tick failed; the next one runs as planned")
            now = time.time()
            following = max(slot + 1, math.ceil(now / every))
            missed = following - slot - 1  # the tick overran: skip the ticks it overlapped
            group.skipped += missed
            self.skipped_ticks += missed
            slot = following
            if group.subscribers:  # never longer than one interval, whatever the clock does
                await asyncio.sleep(min(every, max(0.0, slot * every - now)))

    async def _tick(self, group: Group, when: TickTime) -> None:
        unavailable = await self._recheck(group)
        if not group.subscribers:
            return
        if unavailable is not None:
            tick = Tick.failure(unavailable, final=False)
        else:
            outcome = await self._execute(group.query, group.principal, when)
            tick = Tick.of(outcome.data, outcome.errors or ())
            group.computations += 1
            self.computations += 1
        group.latest = tick
        for subscriber in list(group.subscribers):
            subscriber.offer(tick)

    async def _recheck(self, group: Group) -> ServiceUnavailable | None:
        """Check every subscriber's credentials afresh (once per distinct credentials):
        refused ones end with the refusal, those whose scope or offset changed move to
        the group of their new audience. Returns the database error that prevented a
        check, if any (their subscribers stay, the tick reports the error)."""
        subscribers = list(group.subscribers)
        distinct = list(dict.fromkeys(subscriber.credentials for subscriber in subscribers))
        outcomes = await asyncio.gather(*(self._check(credentials) for credentials in distinct))
        checked = dict(zip(distinct, outcomes, strict=True))
        unavailable = None
        for subscriber in subscribers:
            if self._group_of.get(subscriber) is not group:
                continue  # left (or moved) while the checks ran
            outcome = checked[subscriber.credentials]
            if isinstance(outcome, ServiceUnavailable):
                unavailable = outcome
            elif isinstance(outcome, OmnigateError):
                subscriber.close(Tick.failure(outcome, final=True))
                self.leave(subscriber)
            else:
                subscriber.principal = outcome
                if subscriber.audience == group.audience:
                    group.principal = outcome
                else:
                    self._detach(subscriber)
                    self._attach(subscriber)
        return unavailable

    async def _check(self, credentials: Credentials) -> Principal | OmnigateError:
        try:
            return await self._authenticate(credentials)
        except OmnigateError as exc:
            return exc


class LiveStream:
    """The ticks of one subscription as an async iterator. It joins the hub on its first
    ``__anext__`` and leaves on ``aclose`` or at its end, so that a stream never iterated
    holds nothing."""

    def __init__(self, hub: LiveHub, request: LiveRequest) -> None:
        self._hub = hub
        self._request = request
        self._subscriber: Subscriber | None = None
        self._closed = False

    def __aiter__(self) -> LiveStream:
        return self

    async def __anext__(self) -> Tick:
        if self._subscriber is None:
            if self._closed:
                raise StopAsyncIteration
            self._subscriber = self._hub.join(self._request)
        try:
            return await self._subscriber.next()
        except StopAsyncIteration:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        self._closed = True
        if self._subscriber is not None:
            self._hub.leave(self._subscriber)
