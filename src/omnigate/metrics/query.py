"""``GroupQuery``: the input of every grouped aggregation family, scope included."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.rows import GroupKey
from omnigate.scope import Scope


@dataclass(frozen=True, slots=True)
class GroupQuery:
    """Rooms (or events) in ``range`` and in ``scope``, grouped, for ``groups`` only (every
    visible group when ``None``). The scope has no default: a family cannot forget it."""

    range: TimeRange
    scope: Scope
    groups: frozenset[GroupKey] | None = None

    @classmethod
    def of(
        cls, time_range: TimeRange, scope: Scope, groups: Iterable[GroupKey] | None = None
    ) -> GroupQuery:
        return cls(time_range, scope, None if groups is None else frozenset(groups))

    @property
    def answers_nothing(self) -> bool:
        """An empty range, an empty group list or a scope that sees nothing: no query."""
        return (
            self.range.empty
            or (self.groups is not None and not self.groups)
            or self.scope.sees_nothing
        )
