"""``departments`` (keyset pages in name or metric order) and ``department``, in the caller's
scope, returned as plain records with their prefetched metric values."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from omnigate.context import Context
from omnigate.metrics.catalog import DEPARTMENT_METRICS_BY_NAME, Metric
from omnigate.metrics.ranges import TimeRange
from omnigate.records import departments as department_records
from omnigate.records.departments import DepartmentRecord
from omnigate.resolvers.cursors import Cursor, SortValue
from omnigate.resolvers.keyset import (
    Node,
    Ordering,
    Page,
    PageRequest,
    metric_window,
)
from omnigate.resolvers.prefetch import Prefetched, prefetch

Info = strawberry.Info[Context, None]


DepartmentNode = Node[DepartmentRecord]
DepartmentPage = Page[DepartmentRecord]


async def resolve_departments(
    info: Info,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    ordering: Ordering,
) -> DepartmentPage:
    """One keyset page of the departments the caller sees."""
    context = info.context
    request = PageRequest.parse(
        first=first,
        after=after,
        last=last,
        before=before,
        ordering=ordering.name,
        max_page_size=context.settings.limits.max_page_size,
    )
    value_of: Callable[[DepartmentRecord], SortValue]
    if ordering.metric is None or ordering.time_range is None:
        rows = await department_records.name_page(
            context.store,
            context.scope,
            descending=ordering.descending,
            after=request.after and (str(request.after.value), request.after.id),
            before=request.before and (str(request.before.value), request.before.id),
            from_end=request.from_end,
            limit=request.limit + 1,
        )
        page, has_previous, has_next = request.finish(rows)
        value_of = _name
    else:
        page, has_previous, has_next, value_of = await _metric_page(
            info, ordering.metric, ordering.time_range, ordering.descending, request
        )
    prefetched = await _prefetch(info, page, ("edges", "node"))
    nodes = [
        DepartmentNode(
            record,
            prefetched.get(record.id),
            Cursor(ordering.name, value_of(record), record.id).encode(),
        )
        for record in page
    ]
    return DepartmentPage(nodes, has_previous, has_next)


def _name(record: DepartmentRecord) -> SortValue:
    return record.name


async def _prefetch(
    info: Info, records: list[DepartmentRecord], path: tuple[str, ...] = ()
) -> Prefetched:
    return await prefetch(
        info,
        type_name="Department",
        groups=[record.id for record in records],
        metrics=DEPARTMENT_METRICS_BY_NAME,
        path=path,
    )


async def _metric_page(
    info: Info,
    metric: Metric,
    time_range: TimeRange,
    descending: bool,
    request: PageRequest,
) -> tuple[list[DepartmentRecord], bool, bool, Callable[[DepartmentRecord], SortValue]]:
    """A page in metric order: every visible department's value from ONE aggregation
    (which also primes the page's loaders), sorted in memory by (value, ``_id``)."""
    context = info.context
    records = await department_records.every(context.store, context.scope)
    ids = [record.id for record in records]
    loader = context.loaders.family(metric.family)
    rows = await loader.load_all(time_range, context.scope, ids)
    values = {i: metric.sort_key(metric.value(rows.get(i, loader.empty), {})) for i in ids}
    page, has_previous, has_next = metric_window(records, _id, values, descending, request)
    return page, has_previous, has_next, lambda record: values[record.id]


def _id(record: DepartmentRecord) -> str:
    return record.id


async def resolve_department(info: Info, department_id: str) -> DepartmentNode | None:
    """One department, ``None`` when unknown or outside the caller's scope."""
    context = info.context
    if not context.scope.sees_department(department_id):
        return None
    record = await context.loaders.departments.load(department_id)
    if record is None:
        return None
    prefetched = await _prefetch(info, [record])
    return DepartmentNode(record, prefetched.get(record.id))


async def count_departments(info: Info) -> int:
    """The departments the caller sees, in all pages."""
    return await department_records.count(info.context.store, info.context.scope)
