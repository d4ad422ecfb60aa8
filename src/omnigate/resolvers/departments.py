"""``departments`` (keyset pages in name or metric order) and ``department``, in the caller's
scope, returned as plain records with their prefetched metric values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry

from omnigate.context import Context
from omnigate.errors import BadUserInput
from omnigate.metrics.catalog import DEPARTMENT_METRICS_BY_NAME, DEPARTMENT_METRICS_BY_ORDER, Metric
from omnigate.metrics.ranges import TimeRange
from omnigate.records import departments as department_records
from omnigate.records.departments import DepartmentRecord
from omnigate.resolvers.cursors import Cursor, SortValue
from omnigate.resolvers.keyset import metric_window
from omnigate.resolvers.prefetch import Prefetched, prefetch

Info = strawberry.Info[Context, None]
NAME_ORDER = "NAME"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Ordering:
    """A validated ``orderBy``: by a text field (``metric is None``: a department's name, an
    agent's username) or by a metric over a range."""

    name: str  # e.g. "NAME:ASC" or "CHATS:DESC", carried by the cursors
    metric: Metric | None
    descending: bool
    time_range: TimeRange | None

    @classmethod
    def of(
        cls,
        field: str,
        descending: bool,
        time_range: TimeRange | None,
        *,
        text: str = NAME_ORDER,
        metrics: Mapping[str, Metric] = DEPARTMENT_METRICS_BY_ORDER,
    ) -> Ordering:
        name = f"{field}:{'DESC' if descending else 'ASC'}"
        if field == text:
            return cls(name, None, descending, None)
        if time_range is None:
            raise BadUserInput(
                f"orderBy.range is required to order by {field}: "
                "give the date range the metric is computed over."
            )
        return cls(name, metrics[field], descending, time_range)


@dataclass(frozen=True, slots=True)
class DepartmentNode:
    """A department of a response, with the metric values its selection asks for."""

    record: DepartmentRecord
    prefetched: dict[str, Any] | None
    cursor: str = ""


@dataclass(frozen=True, slots=True)
class DepartmentPage:
    nodes: list[DepartmentNode]
    has_previous: bool
    has_next: bool


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

    def finish(self, rows: list[T]) -> tuple[list[T], bool, bool]:
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
