"""How the trend aggregations (series, percentiles, service level) group rooms.

A ``Grouping`` names the room field a group is read from: none (the workspace, one group
``None``), ``departmentId`` (departments) or ``servedBy._id`` (agents, SPEC §8: the rooms an
agent served; the rooms it answered first, ``responseBy._id``, for first-response values).
It is part of every trend query and loader key, so one implementation serves them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omnigate.db.store import Document
from omnigate.metrics.filters import LIVECHAT, Expression, group_filter, in_range, scope_stages
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.scope import Scope


@dataclass(frozen=True, slots=True)
class Grouping:
    """Rooms grouped by ``field`` (``None``: all rooms in one group ``None``); first-response
    values by ``first_response_field``. ``departments``: the groups are departments, which
    the scope may hide (a hidden one has no rooms, as one that does not exist)."""

    field: str | None
    first_response_field: str | None
    departments: bool = False

    def group_field(self, first_response: bool = False) -> str | None:
        return self.first_response_field if first_response else self.field

    def group_expression(self, first_response: bool = False) -> Expression:
        """The group of a room, as an aggregation expression."""
        field = self.group_field(first_response)
        return {"$literal": None} if field is None else f"${field}"

    def query(self, time_range: TimeRange, scope: Scope, groups: Iterable[GroupKey]) -> GroupQuery:
        """The query of ``groups``: every room in one group without a field, else the rooms
        of the groups, without the departments the scope hides."""
        if self.field is None:
            return GroupQuery.of(time_range, scope)
        shown = [g for g in groups if not self.departments or scope.sees_department(g)]
        return GroupQuery.of(time_range, scope, shown)

    def match(self, query: GroupQuery, first_response: bool = False) -> list[Document]:
        """``$match`` stages of the livechat rooms opened in the range, of the query's
        groups, in scope (each filter a stage of its own, see ``filters.opened_match``)."""
        stages: list[Document] = [{"$match": {"t": LIVECHAT, "ts": in_range(query.range)}}]
        field = self.group_field(first_response)
        if field is not None and query.groups is not None:
            stages.append({"$match": {field: group_filter(query.groups)}})
        return [*stages, *scope_stages(query)]


WORKSPACE = Grouping(field=None, first_response_field=None)
BY_DEPARTMENT = Grouping(
    field="departmentId", first_response_field="departmentId", departments=True
)
BY_AGENT = Grouping(field="servedBy._id", first_response_field="responseBy._id")
