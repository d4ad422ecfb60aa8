"""The eight department lists of SPEC §4, one table row each over the three metric families.

Each endpoint makes one call to its family's function (``opened_by_department``,
``closed_by_department`` or ``transfers_by_department``), keeps the groups its predicate
says are present, and rounds the row's value as Rocket.Chat does: averages and the total
service time up (``ceil``), the percentage down (``floor``).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.routing import Route

from omnigate.auth import Principal
from omnigate.db.store import Store
from omnigate.http.rest import params
from omnigate.http.rest.endpoint import BASE_PATH, rest_endpoint
from omnigate.http.state import app_state
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import ClosedRow, DepartmentKey, OpenedRow
from omnigate.metrics.settings import read_settings
from omnigate.metrics.transfers import transfers_by_department

RowT = TypeVar("RowT")
Answered = bool | None
Departments = list[DepartmentKey] | None
Family = Callable[[Store, TimeRange, Departments], Awaitable[Mapping[DepartmentKey, RowT]]]


async def _opened(
    store: Store, time_range: TimeRange, departments: Departments
) -> dict[DepartmentKey, OpenedRow]:
    timeout = (await read_settings(store)).visitor_inactivity_timeout
    return await opened_by_department(store, time_range, departments, timeout=timeout)


async def _closed(
    store: Store, time_range: TimeRange, departments: Departments
) -> dict[DepartmentKey, ClosedRow]:
    timeout = (await read_settings(store)).visitor_inactivity_timeout
    return await closed_by_department(store, time_range, departments, timeout=timeout)


@dataclass(frozen=True, slots=True)
class DepartmentList(Generic[RowT]):
    """One endpoint: its family, the groups it lists, and each item's values (before ``_id``).

    ``answered`` is the parsed ``answered`` parameter where the endpoint takes one, else ``None``.
    """

    path: str
    family: Family[RowT]
    present: Callable[[RowT, Answered], bool]
    item: Callable[[RowT, Answered], dict[str, int]]
    takes_answered: bool = False


LISTS: tuple[DepartmentList[Any], ...] = (
    DepartmentList(
        "amount-of-chats",
        _opened,
        lambda row, answered: row.chats(answered) > 0,
        lambda row, answered: {"rooms": row.chats(answered)},
        takes_answered=True,
    ),
    DepartmentList(
        "average-service-time",
        _opened,
        lambda row, _: row.service_rooms > 0,
        lambda row, _: {"averageServiceTimeInSeconds": math.ceil(row.average_service_time)},
    ),
    DepartmentList(
        "average-chat-duration-time",
        _closed,
        lambda row, _: row.rooms > 0,
        lambda row, _: {"averageChatDurationTimeInSeconds": math.ceil(row.average_chat_duration)},
    ),
    DepartmentList(
        "total-service-time",
        _closed,
        lambda row, _: row.service_rooms > 0,
        lambda row, _: {
            "chats": row.service_rooms,
            "serviceTimeDuration": math.ceil(row.service_seconds),
        },
    ),
    DepartmentList(
        "average-waiting-time",
        _opened,
        lambda row, _: row.answered > 0,
        lambda row, _: {"averageWaitingTimeInSeconds": math.ceil(row.average_waiting_time)},
    ),
    DepartmentList(
        "total-transferred-chats",
        transfers_by_department,
        lambda transfers, _: transfers > 0,
        lambda transfers, _: {"numberOfTransferredRooms": transfers},
    ),
    DepartmentList(
        "total-abandoned-chats",
        _closed,
        lambda row, _: row.abandoned > 0,
        lambda row, _: {"abandonedRooms": row.abandoned},
    ),
    DepartmentList(
        "percentage-abandoned-chats",
        _opened,
        lambda row, _: row.rooms > 0,
        # abandoned_percentage divides the integer 100 * abandoned, so its floor is exact
        # (29 of 100 gives 29, where 29 / 100 * 100 would give 28.999999999999996).
        lambda row, _: {"percentageOfAbandonedChats": math.floor(row.abandoned_percentage)},
    ),
)


def _null_first(key: DepartmentKey) -> tuple[bool, str]:
    return (key is not None, key or "")


def department_list_handler(
    spec: DepartmentList[Any],
) -> Callable[[Request, Principal], Awaitable[dict[str, Any]]]:
    """The handler answering ``spec``'s path (after authentication)."""

    async def handle(request: Request, principal: Principal) -> dict[str, Any]:
        query = request.query_params
        params.require(query, "start", "end")
        time_range = TimeRange.of(params.instant(query, "start"), params.instant(query, "end"))
        answered = params.boolean(query, "answered") if spec.takes_answered else None
        department = params.department_id(query)
        page = params.page(query)
        rows = await spec.family(
            app_state(request).store, time_range, None if department is None else [department]
        )
        groups = sorted(
            (key for key, row in rows.items() if spec.present(row, answered)), key=_null_first
        )
        items = [{**spec.item(rows[key], answered), "_id": key} for key in page.of(groups)]
        return {
            "departments": items,
            "count": len(items),
            "offset": page.offset,
            "total": len(groups),
            "success": True,
        }

    return handle


routes = [
    Route(
        f"{BASE_PATH}/departments/{spec.path}",
        rest_endpoint(department_list_handler(spec)),
        methods=["GET"],
    )
    for spec in LISTS
]
