"""The aggregation families: each answers several metrics with ONE grouped aggregation.

``FAMILIES`` is the registry the loaders and the REST lists run them through; a family is
named by ``Family``, never by a string.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from omnigate.db.store import Store
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.rows import EMPTY_CLOSED, EMPTY_OPENED, GroupKey
from omnigate.metrics.settings import RocketChatSettings
from omnigate.metrics.transfers import transfers_by_department

Row = TypeVar("Row")


class Family(Enum):
    """Rooms opened in the range, rooms closed in it, transfer events in it."""

    OPENED = "opened"
    CLOSED = "closed"
    TRANSFERS = "transfers"


Run = Callable[[Store, GroupQuery, RocketChatSettings], Awaitable[dict[GroupKey, Row]]]


@dataclass(frozen=True, slots=True)
class FamilySpec(Generic[Row]):
    """How to run a family (one aggregation, one row per group) and the row of a group
    without matching rooms."""

    run: Run[Row]
    empty: Row


async def _opened(store: Store, query: GroupQuery, settings: RocketChatSettings) -> dict[Any, Any]:
    return await opened_by_department(store, query, timeout=settings.visitor_inactivity_timeout)


async def _closed(store: Store, query: GroupQuery, settings: RocketChatSettings) -> dict[Any, Any]:
    return await closed_by_department(store, query, timeout=settings.visitor_inactivity_timeout)


async def _transfers(
    store: Store, query: GroupQuery, settings: RocketChatSettings
) -> dict[Any, Any]:
    return await transfers_by_department(store, query)


FAMILIES: dict[Family, FamilySpec[Any]] = {
    Family.OPENED: FamilySpec(_opened, EMPTY_OPENED),
    Family.CLOSED: FamilySpec(_closed, EMPTY_CLOSED),
    Family.TRANSFERS: FamilySpec(_transfers, 0),
}
