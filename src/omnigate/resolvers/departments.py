"""``departments`` (keyset pages in name or metric order), ``department`` and ``node``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from omnigate.context import Context
from omnigate.errors import BadUserInput
from omnigate.metrics.ranges import TimeRange
from omnigate.records import departments as department_records
from omnigate.records.departments import DepartmentRecord
from omnigate.resolvers.prefetch import prefetch
from omnigate.schema.connection import DepartmentConnection, DepartmentEdge
from omnigate.schema.cursors import Cursor, SortValue
from omnigate.schema.inputs import DepartmentOrder, DepartmentOrderField, OrderDirection
from omnigate.schema.types import METRIC_FIELDS, Department, ServiceTime

Info = strawberry.Info[Context, None]
SortKey = tuple[Any, str]

# The metric field each ordering sorts by (its value as the field computes it).
_ORDER_FIELD: dict[DepartmentOrderField, str] = {
    DepartmentOrderField.CHATS: "chats",
    DepartmentOrderField.TRANSFERRED_CHATS: "transferredChats",
    DepartmentOrderField.ABANDONED_CHATS: "abandonedChats",
    DepartmentOrderField.ABANDONED_CHATS_PERCENTAGE: "abandonedChatsPercentage",
    DepartmentOrderField.AVERAGE_SERVICE_TIME: "averageServiceTime",
    DepartmentOrderField.AVERAGE_CHAT_DURATION: "averageChatDuration",
    DepartmentOrderField.TOTAL_SERVICE_TIME: "totalServiceTime",
    DepartmentOrderField.AVERAGE_WAITING_TIME: "averageWaitingTime",
}


def _sort_value(value: Any) -> float:
    """A field value as a sort key: ``TOTAL_SERVICE_TIME`` sorts by ``seconds``."""
    return value.seconds if isinstance(value, ServiceTime) else float(value)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Validated Relay arguments: read ``limit`` rows from the start or the end of the
    window between the ``after`` and ``before`` keys (``trim`` keeps the last N of a
    ``first`` page, as Relay specifies for ``first`` and ``last`` together)."""

    after: Cursor | None
    before: Cursor | None
    from_end: bool
    limit: int
    trim: int | None

    @classmethod
    def parse(
        cls,
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
        ordering: str,
        max_page_size: int,
    ) -> PageRequest:
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= max_page_size:
                raise BadUserInput(
                    f"`{name}` must be between 0 and {max_page_size}, got {value}: the page "
                    "size limit (OMNIGATE_MAX_PAGE_SIZE); page through larger lists with cursors."
                )
        return cls(
            after=None
            if after is None
            else Cursor.decode(after, argument="after", ordering=ordering),
            before=(
                None
                if before is None
                else Cursor.decode(before, argument="before", ordering=ordering)
            ),
            from_end=first is None and last is not None,
            limit=first if first is not None else last if last is not None else max_page_size,
            trim=last if first is not None else None,
        )

    def finish(self, rows: list[DepartmentRecord]) -> tuple[list[DepartmentRecord], bool, bool]:
        """From up to ``limit + 1`` rows in reading order: the page (ascending) and
        whether there are rows before / after it."""
        more = len(rows) > self.limit
        page = rows[: self.limit]
        if self.from_end:
            return page[::-1], more, self.before is not None
        has_previous = self.after is not None
        if self.trim is not None and len(page) > self.trim:
            page, has_previous = page[len(page) - self.trim :], True
        return page, has_previous, more


async def resolve_departments(
    info: Info,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    order_by: DepartmentOrder | None,
) -> DepartmentConnection:
    context = info.context
    order = order_by or DepartmentOrder(field=DepartmentOrderField.NAME)
    descending = order.direction is OrderDirection.DESC
    ordering = f"{order.field.value}:{order.direction.value}"
    if order.field is not DepartmentOrderField.NAME and order.range is None:
        raise BadUserInput(
            f"orderBy.range is required to order by {order.field.value}: "
            "give the date range the metric is computed over."
        )
    time_range = order.range.to_time_range() if order.range else None
    request = PageRequest.parse(
        first=first,
        after=after,
        last=last,
        before=before,
        ordering=ordering,
        max_page_size=context.settings.limits.max_page_size,
    )
    if time_range is None:
        rows = await department_records.name_page(
            context.store,
            descending=descending,
            after=request.after and (str(request.after.value), request.after.department_id),
            before=request.before and (str(request.before.value), request.before.department_id),
            from_end=request.from_end,
            limit=request.limit + 1,
        )
        page, has_previous, has_next = request.finish(rows)
        value_of: Callable[[DepartmentRecord], SortValue] = lambda record: record.name  # noqa: E731
    else:
        page, has_previous, has_next, value_of = await _metric_page(
            info, order.field, time_range, descending, request
        )
    prefetched = await prefetch(info, [record.id for record in page], ("edges", "node"))
    edges = [
        DepartmentEdge(
            cursor=Cursor(ordering, value_of(record), record.id).encode(),
            node=Department.from_record(record, prefetched.get(record.id)),
        )
        for record in page
    ]
    return DepartmentConnection(
        edges=edges,
        page_info=relay.PageInfo(
            has_previous_page=has_previous,
            has_next_page=has_next,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def _metric_page(
    info: Info,
    field: DepartmentOrderField,
    time_range: TimeRange,
    descending: bool,
    request: PageRequest,
) -> tuple[list[DepartmentRecord], bool, bool, Callable[[DepartmentRecord], SortValue]]:
    """A page in metric order: every department's value from ONE aggregation (which
    also primes the page's loaders), sorted in memory by (value, ``_id``)."""
    loaders = info.context.loaders
    records = await department_records.every(info.context.store)
    ids = [record.id for record in records]
    family, value = METRIC_FIELDS[_ORDER_FIELD[field]]
    loader = getattr(loaders, family)
    rows = await loader.load_all(time_range, ids)
    values = {i: _sort_value(value(rows.get(i, loader.empty), {})) for i in ids}
    sign = -1 if descending else 1

    def key(value: SortValue, department_id: str) -> SortKey:
        return (sign * float(value), department_id)

    ordered = sorted(records, key=lambda record: key(values[record.id], record.id))
    if request.after is not None:
        low = key(request.after.value, request.after.department_id)
        ordered = [r for r in ordered if key(values[r.id], r.id) > low]
    if request.before is not None:
        high = key(request.before.value, request.before.department_id)
        ordered = [r for r in ordered if key(values[r.id], r.id) < high]
    if request.from_end:
        ordered = ordered[::-1]
    page, has_previous, has_next = request.finish(ordered[: request.limit + 1])
    return page, has_previous, has_next, lambda record: values[record.id]


async def resolve_department(info: Info, department_id: str) -> Department | None:
    record = await info.context.loaders.departments.load(department_id)
    if record is None:
        return None
    prefetched = await prefetch(info, [record.id])
    return Department.from_record(record, prefetched.get(record.id))


async def resolve_node(info: Info, node_id: strawberry.ID) -> Department | None:
    """Relay ``node``: a malformed id is bad input, an unknown type or id is null."""
    try:
        global_id = relay.GlobalID.from_id(node_id)
    except GlobalIDValueError as exc:
        raise BadUserInput(f"`id` {node_id!r} is not a valid global id.") from exc
    if global_id.type_name != "Department":
        return None
    return await resolve_department(info, global_id.node_id)
