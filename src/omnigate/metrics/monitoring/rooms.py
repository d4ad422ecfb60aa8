"""Every room figure of the monitoring page from ONE aggregation: a ``$facet`` per grouping.

The rooms are read once (livechat, in scope, of the department filter, opened in the range
or closed in it, and opened on the whole days around it); each facet groups them its way:

* ``DAYS``: the overview of the whole days, one row per (local day, hour), the overview's
  own pipeline (``metrics.overview``);
* ``DEPARTMENTS``: one row per department with the "opened in range" and "closed in range"
  families' sums (the department lists' own accumulators), the chat states of the charts
  and the timings' sums and maxima; totals and Rocket.Chat's means of department means are
  folded from these rows;
* ``AGENTS``: one row per agent (``servedBy.username``): open, on hold, closed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, TypeVar

from omnigate.db.names import ROOMS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.closed import closed_accumulators, closed_row
from omnigate.metrics.filters import (
    LIVECHAT,
    Expression,
    as_float,
    as_int,
    count_if,
    group_filter,
    present,
    scope_stages,
    sum_if,
)
from omnigate.metrics.monitoring.query import MonitoringQuery
from omnigate.metrics.opened import opened_accumulators, opened_row
from omnigate.metrics.overview import OverviewData, overview_of, overview_pipeline
from omnigate.metrics.rows import EMPTY_CLOSED, EMPTY_OPENED, ClosedRow, GroupKey, OpenedRow

T = TypeVar("T")


class Facet(Enum):
    """The groupings of the rooms aggregation."""

    DAYS = "days"
    DEPARTMENTS = "departments"
    AGENTS = "agents"


_IS_OPEN: Expression = {"$eq": ["$open", True]}
_ON_HOLD: Expression = {"$eq": ["$onHold", True]}
_NOT_ON_HOLD: Expression = {"$ne": ["$onHold", True]}
# The charts' states (Rocket.Chat's countAll*ChatsBetweenDate): open = answered and running,
# closed = has a chat duration, queued = open without an agent.
_RUNNING: Expression = {
    "$and": [{"$not": [present("$metrics.chatDuration")]}, _NOT_ON_HOLD, present("$servedBy")]
}
_FINISHED: Expression = present("$metrics.chatDuration")
_QUEUED: Expression = {"$and": [_IS_OPEN, {"$not": [present("$servedBy")]}]}
# (timing, the value averaged, the value whose maximum is "longest"): Rocket.Chat's
# calculate{Response,Reaction,Duration}TimingsBetweenDates.
_TIMINGS = (
    ("response", "$metrics.response.avg", "$metrics.response.ft"),
    ("reaction", "$metrics.reaction.ft", "$metrics.reaction.ft"),
    ("chat_duration", "$metrics.chatDuration", "$metrics.chatDuration"),
)


def _both(*conditions: Expression) -> Expression:
    return {"$and": list(conditions)}


def _truthy(field: str) -> Expression:
    """JavaScript truthiness of a number: present and not 0 (Rocket.Chat counts those)."""
    return {"$and": [field]}


def _restricted(accumulator: Document, condition: Expression) -> Document:
    """A family's ``$sum`` accumulator over the documents where ``condition`` holds only."""
    [(operator, value)] = accumulator.items()
    if operator != "$sum":
        raise ValueError(f"only $sum accumulators can be restricted, not {operator}")
    return {"$sum": {"$cond": [condition, value, 0]}}


@dataclass(frozen=True, slots=True)
class ChatStates:
    """Rooms opened in the range by state, as Rocket.Chat's chats chart counts them."""

    open: int = 0
    closed: int = 0
    queued: int = 0
    on_hold: int = 0


@dataclass(frozen=True, slots=True)
class Timing:
    """A duration over the rooms opened in the range: the sum and the rooms it is averaged
    over (those with a non-zero value), and the longest value (0 when none)."""

    total: float = 0.0
    rooms: int = 0
    longest: float = 0.0

    @property
    def average(self) -> float:
        return self.total / self.rooms if self.rooms else 0.0


@dataclass(frozen=True, slots=True)
class Timings:
    response: Timing = Timing()
    reaction: Timing = Timing()
    chat_duration: Timing = Timing()


@dataclass(frozen=True, slots=True)
class MonitoringRow:
    """One department group (``None``: rooms without department) of the range."""

    opened: OpenedRow = EMPTY_OPENED
    closed: ClosedRow = EMPTY_CLOSED
    chats: ChatStates = ChatStates()
    open_rooms: int = 0  # opened rooms with ``open: true``
    timings: Timings = Timings()

    @property
    def finished_rooms(self) -> int:
        """Opened rooms that are no longer open (the per-department chart's "closed")."""
        return self.opened.rooms - self.open_rooms


@dataclass(frozen=True, slots=True)
class AgentStates:
    """An agent's rooms: open and on hold among those opened in the range, closed in it."""

    username: str
    agent_id: str | None
    open: int
    closed: int
    on_hold: int


def total(rows: Collection[MonitoringRow]) -> MonitoringRow:
    """The rows summed (the longest timings maximised): the figures over every room."""
    return MonitoringRow(
        opened=_sum(OpenedRow, [row.opened for row in rows]),
        closed=_sum(ClosedRow, [row.closed for row in rows]),
        chats=_sum(ChatStates, [row.chats for row in rows]),
        open_rooms=sum(row.open_rooms for row in rows),
        timings=Timings(
            response=_merged([row.timings.response for row in rows]),
            reaction=_merged([row.timings.reaction for row in rows]),
            chat_duration=_merged([row.timings.chat_duration for row in rows]),
        ),
    )


def _merged(timings: list[Timing]) -> Timing:
    return Timing(
        total=sum(timing.total for timing in timings),
        rooms=sum(timing.rooms for timing in timings),
        longest=max((timing.longest for timing in timings), default=0.0),
    )


def _sum(cls: type[T], rows: list[T]) -> T:
    """Field by field, starting from the empty row (so a float field stays a float)."""
    empty = cls()
    return cls(  # type: ignore[call-arg]
        **{
            f.name: sum((getattr(row, f.name) for row in rows), getattr(empty, f.name))
            for f in fields(cls)  # type: ignore[arg-type]
        }
    )


class RoomFacets:
    """The folded facets of one aggregation; asking for a facet that was not run is a bug."""

    def __init__(self, facets: dict[Facet, Any]) -> None:
        self._facets = facets

    def _get(self, facet: Facet) -> Any:
        if facet not in self._facets:
            raise KeyError(f"the {facet.value} facet was not asked for")
        return self._facets[facet]

    @property
    def days(self) -> OverviewData:
        return self._get(Facet.DAYS)

    @property
    def departments(self) -> dict[GroupKey, MonitoringRow]:
        return self._get(Facet.DEPARTMENTS)

    @property
    def agents(self) -> list[AgentStates]:
        return self._get(Facet.AGENTS)


def rooms_pipeline(query: MonitoringQuery, facets: Collection[Facet], *, timeout: int) -> Pipeline:
    """The one aggregation answering ``facets`` (at least one)."""
    in_range = [facet for facet in facets if facet is not Facet.DAYS]
    spans = [query.days] if Facet.DAYS in facets else []
    spans += [query.range] if in_range else []
    later: Document = {"ts": {"$lte": max(span.end for span in spans)}}
    if in_range:
        later = {"$or": [later, {"closedAt": {"$lte": query.range.end}}]}
    stages: list[Document] = [
        {"$match": {"t": LIVECHAT, "ts": {"$gte": min(span.start for span in spans)}}},
        {"$match": later},
    ]
    rooms = query.rooms
    if rooms.groups is not None:
        stages.append({"$match": {"departmentId": group_filter(rooms.groups)}})
    stages += scope_stages(rooms)
    builders = {Facet.DAYS: _days, Facet.DEPARTMENTS: _departments, Facet.AGENTS: _agents}
    return [
        *stages,
        {"$facet": {facet.value: builders[facet](query, timeout) for facet in facets}},
    ]


def _in_range(query: MonitoringQuery) -> Document:
    """Rooms opened in the range or closed in it (the outer match may be wider)."""
    end = query.range.end
    return {
        "$match": {
            "ts": {"$gte": query.range.start},
            "$or": [{"ts": {"$lte": end}}, {"closedAt": {"$lte": end}}],
        }
    }


def _conditions(query: MonitoringQuery) -> tuple[Expression, Expression]:
    """(opened in the range, closed in it) of a room of ``_in_range``."""
    end = query.range.end
    return {"$lte": ["$ts", end]}, _both(present("$closedAt"), {"$lte": ["$closedAt", end]})


def _days(query: MonitoringQuery, timeout: int) -> Pipeline:
    return overview_pipeline(query.rooms_in(query.days), query.timezone)


def _departments(query: MonitoringQuery, timeout: int) -> Pipeline:
    opened, closed = _conditions(query)
    accumulators: Document = {
        **{
            f"opened_{name}": _restricted(accumulator, opened)
            for name, accumulator in opened_accumulators(timeout=timeout).items()
        },
        **{
            f"closed_{name}": _restricted(accumulator, closed)
            for name, accumulator in closed_accumulators(timeout=timeout).items()
        },
        "open": count_if(_both(opened, _RUNNING)),
        "closed": count_if(_both(opened, _FINISHED)),
        "queued": count_if(_both(opened, _QUEUED)),
        "on_hold": count_if(_both(opened, _ON_HOLD)),
        "open_rooms": count_if(_both(opened, _IS_OPEN)),
    }
    for name, averaged, longest in _TIMINGS:
        accumulators[f"{name}_total"] = sum_if(opened, averaged)
        accumulators[f"{name}_rooms"] = count_if(_both(opened, _truthy(averaged)))
        accumulators[f"{name}_longest"] = {"$max": {"$cond": [opened, longest, None]}}
    return [_in_range(query), {"$group": {"_id": "$departmentId", **accumulators}}]


def _agents(query: MonitoringQuery, timeout: int) -> Pipeline:
    opened, closed = _conditions(query)
    return [
        _in_range(query),
        {"$match": {"servedBy.username": {"$ne": None}}},
        {
            "$group": {
                "_id": "$servedBy.username",
                "agent_id": {"$max": "$servedBy._id"},
                "open": count_if(_both(opened, _IS_OPEN, _NOT_ON_HOLD)),
                "on_hold": count_if(_both(opened, _ON_HOLD)),
                "closed": count_if(closed),
            }
        },
    ]


async def room_facets(
    store: Store, query: MonitoringQuery, facets: Collection[Facet], *, timeout: int
) -> RoomFacets:
    """``facets`` of the rooms of ``query``, from one aggregation (none when nothing can
    match)."""
    facets = list(dict.fromkeys(facets))
    found: Document = {}
    if facets and not query.answers_nothing:
        [found] = await store.aggregate(ROOMS, rooms_pipeline(query, facets, timeout=timeout))
    folded: dict[Facet, Any] = {}
    for facet in facets:
        rows = found.get(facet.value, [])
        if facet is Facet.DAYS:
            folded[facet] = overview_of(rows[0] if rows else None, query.days, query.timezone)
        elif facet is Facet.DEPARTMENTS:
            folded[facet] = {row["_id"]: _department_row(row) for row in rows}
        else:
            agents = (_agent_row(row) for row in rows)
            folded[facet] = sorted(
                (a for a in agents if a.open or a.closed or a.on_hold), key=lambda a: a.username
            )
    return RoomFacets(folded)


def _prefixed(document: Document, prefix: str) -> Document:
    return {k.removeprefix(prefix): v for k, v in document.items() if k.startswith(prefix)}


def _department_row(document: Document) -> MonitoringRow:
    def timing(name: str) -> Timing:
        return Timing(
            total=as_float(document[f"{name}_total"]),
            rooms=as_int(document[f"{name}_rooms"]),
            longest=as_float(document[f"{name}_longest"]),
        )

    return MonitoringRow(
        opened=opened_row(_prefixed(document, "opened_")),
        closed=closed_row(_prefixed(document, "closed_")),
        chats=ChatStates(
            open=as_int(document["open"]),
            closed=as_int(document["closed"]),
            queued=as_int(document["queued"]),
            on_hold=as_int(document["on_hold"]),
        ),
        open_rooms=as_int(document["open_rooms"]),
        timings=Timings(*(timing(name) for name, _, _ in _TIMINGS)),
    )


def _agent_row(document: Document) -> AgentStates:
    agent_id = document.get("agent_id")
    return AgentStates(
        username=str(document["_id"]),
        agent_id=None if agent_id is None else str(agent_id),
        open=as_int(document["open"]),
        closed=as_int(document["closed"]),
        on_hold=as_int(document["on_hold"]),
    )
