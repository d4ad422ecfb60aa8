"""``agents`` (keyset pages in username or metric order), ``agent``, a department's agents
and an agent's departments, in the caller's scope, returned as plain records with their
prefetched metric values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry

from omnigate.context import Context
from omnigate.metrics.catalog import (
    AGENT_METRICS_BY_NAME,
    AGENT_METRICS_BY_ORDER,
    DEPARTMENT_METRICS_BY_NAME,
    Metric,
)
from omnigate.metrics.ranges import TimeRange
from omnigate.records import agents as agent_records
from omnigate.records.agents import AgentRecord
from omnigate.resolvers.cursors import Cursor, SortValue
from omnigate.resolvers.departments import DepartmentNode
from omnigate.resolvers.keyset import Node, Ordering, Page, PageRequest, metric_window
from omnigate.resolvers.prefetch import Prefetched, prefetch

Info = strawberry.Info[Context, None]
USERNAME_ORDER = "USERNAME"


def agent_ordering(field: str, descending: bool, time_range: TimeRange | None) -> Ordering:
    """An ``AgentOrder``: by username, or by an agent metric over a range."""
    return Ordering.of(
        field, descending, time_range, text=USERNAME_ORDER, metrics=AGENT_METRICS_BY_ORDER
    )


AgentNode = Node[AgentRecord]
AgentPage = Page[AgentRecord]


async def resolve_agents(
    info: Info,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    ordering: Ordering,
    department: str | None,
) -> AgentPage:
    """One keyset page of the agents the caller sees (assigned to ``department`` if given)."""
    context = info.context
    request = PageRequest.parse(
        first=first,
        after=after,
        last=last,
        before=before,
        ordering=ordering.name,
        max_page_size=context.settings.limits.max_page_size,
    )
    query = await agent_records.agent_filter(context.store, context.scope, department=department)
    value_of: Callable[[AgentRecord], SortValue]
    if query is None:
        page, has_previous, has_next, value_of = [], False, False, _username
    elif ordering.metric is None or ordering.time_range is None:
        rows = await agent_records.username_page(
            context.store,
            query,
            descending=ordering.descending,
            after=request.after and (str(request.after.value), request.after.id),
            before=request.before and (str(request.before.value), request.before.id),
            from_end=request.from_end,
            limit=request.limit + 1,
        )
        page, has_previous, has_next = request.finish(rows)
        value_of = _username
    else:
        records = await agent_records.every(context.store, query)
        page, has_previous, has_next, value_of = await _metric_page(
            info, records, ordering.metric, ordering.time_range, ordering.descending, request
        )
    prefetched = await _prefetch(info, page, ("edges", "node"))
    nodes = [
        AgentNode(
            record,
            prefetched.get(record.id),
            Cursor(ordering.name, value_of(record), record.id).encode(),
        )
        for record in page
    ]
    return AgentPage(nodes, has_previous, has_next)


def _username(record: AgentRecord) -> SortValue:
    return record.username


def _id(record: AgentRecord) -> str:
    return record.id


async def _metric_page(
    info: Info,
    records: list[AgentRecord],
    metric: Metric,
    time_range: TimeRange,
    descending: bool,
    request: PageRequest,
) -> tuple[list[AgentRecord], bool, bool, Callable[[AgentRecord], SortValue]]:
    """A page in metric order: every agent's value from ONE aggregation (which also primes
    the page's loaders), sorted in memory by (value, ``_id``)."""
    context = info.context
    ids = [record.id for record in records]
    loader = context.loaders.family(metric.family)
    rows = await loader.load_all(time_range, context.scope, ids)
    values = {i: metric.sort_key(metric.value(rows.get(i, loader.empty), {})) for i in ids}
    page, has_previous, has_next = metric_window(records, _id, values, descending, request)
    return page, has_previous, has_next, lambda record: values[record.id]


async def _prefetch(
    info: Info, records: Sequence[AgentRecord], path: tuple[str, ...] = ()
) -> Prefetched:
    return await prefetch(
        info,
        type_name="Agent",
        groups=[record.id for record in records],
        metrics=AGENT_METRICS_BY_NAME,
        path=path,
    )


async def count_agents(info: Info, department: str | None) -> int:
    """The agents the caller sees (assigned to ``department`` if given), in all pages."""
    context = info.context
    query = await agent_records.agent_filter(context.store, context.scope, department=department)
    return 0 if query is None else await agent_records.count(context.store, query)


async def resolve_agent(info: Info, agent_id: str) -> AgentNode | None:
    """One agent, ``None`` when unknown, no longer an agent, or outside the caller's scope."""
    record = await info.context.loaders.agents.load(agent_id)
    if record is None:
        return None
    prefetched = await _prefetch(info, [record])
    return AgentNode(record, prefetched.get(record.id))


async def resolve_department_agents(info: Info, department_id: str) -> list[AgentNode]:
    """The current agents assigned to a department, in username order; the departments of
    a page load them together, and their metrics in one aggregation per family and range."""
    records = await info.context.loaders.department_agents.load(department_id)
    prefetched = await _prefetch(info, records)
    return [AgentNode(record, prefetched.get(record.id)) for record in records]


async def resolve_agent_departments(info: Info, agent_id: str) -> list[DepartmentNode]:
    """The departments the caller sees that an agent is assigned to, in name order."""
    records = await info.context.loaders.agent_departments.load(agent_id)
    prefetched = await prefetch(
        info,
        type_name="Department",
        groups=[record.id for record in records],
        metrics=DEPARTMENT_METRICS_BY_NAME,
    )
    return [DepartmentNode(record, prefetched.get(record.id)) for record in records]
