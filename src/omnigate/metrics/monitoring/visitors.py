"""Visitors active in the range (``rocketchat_livechat_visitor``), in the caller's scope."""

from __future__ import annotations

from omnigate.db.names import VISITORS
from omnigate.db.store import Document, Pipeline, Store
from omnigate.metrics.filters import as_int
from omnigate.metrics.monitoring.query import MonitoringQuery


def visitors_pipeline(query: MonitoringQuery) -> Pipeline:
    """Visitors with ``start <= _updatedAt < end`` (Rocket.Chat's getVisitorsBetweenDate),
    of the department filter, or of a monitor's departments; one row."""
    match: Document = {"_updatedAt": {"$gte": query.range.start, "$lt": query.range.end}}
    departments = query.agent_departments
    if departments is not None:
        match["department"] = {"$in": sorted(departments)}
    return [{"$match": match}, {"$group": {"_id": None, "visitors": {"$sum": 1}}}]


async def visitor_count(store: Store, query: MonitoringQuery) -> int:
    departments = query.agent_departments
    if query.answers_nothing or (departments is not None and not departments):
        return 0
    rows = await store.aggregate(VISITORS, visitors_pipeline(query))
    return as_int(rows[0]["visitors"]) if rows else 0
