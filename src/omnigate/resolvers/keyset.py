"""Keyset pages shared by the department and agent connections: the validated ``orderBy``
(``Ordering``) and Relay arguments (``PageRequest``), the plain nodes and pages resolvers
return, and the window of a metric order over objects sorted in memory by (value, ``_id``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from omnigate.errors import BadUserInput
from omnigate.metrics.catalog import DEPARTMENT_METRICS_BY_ORDER, Metric
from omnigate.metrics.ranges import TimeRange
from omnigate.resolvers.cursors import Cursor, SortValue

T = TypeVar("T")
R = TypeVar("R")
SortKey = tuple[float, str]
NAME_ORDER = "NAME"


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


# Not slotted: a frozen slotted dataclass rejects the ``__orig_class__`` that calling
# ``Node[DepartmentRecord](...)`` sets.
@dataclass(frozen=True)
class Node(Generic[R]):
    """A record of a response (a department, an agent), with the metric values its
    selection asks for and, on a page, its cursor."""

    record: R
    prefetched: dict[str, Any] | None
    cursor: str = ""


@dataclass(frozen=True)
class Page(Generic[R]):
    nodes: list[Node[R]]
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


def metric_window(
    items: Sequence[T],
    id_of: Callable[[T], str],
    values: Mapping[str, SortValue],
    descending: bool,
    request: PageRequest,
) -> tuple[list[T], bool, bool]:
    """The page of ``items`` sorted by their value (``values`` by id) then ``_id``, both
    directions breaking ties by ``_id`` ascending, strictly between the request's cursors;
    and whether there are items before / after it."""
    sign = -1 if descending else 1

    def key(value: SortValue, item_id: str) -> SortKey:
        return (sign * float(value), item_id)

    ordered = sorted(items, key=lambda item: key(values[id_of(item)], id_of(item)))
    if request.after is not None:
        low = key(request.after.value, request.after.id)
        ordered = [item for item in ordered if key(values[id_of(item)], id_of(item)) > low]
    if request.before is not None:
        high = key(request.before.value, request.before.id)
        ordered = [item for item in ordered if key(values[id_of(item)], id_of(item)) < high]
    if request.from_end:
        ordered = ordered[::-1]
    return request.finish(ordered[: request.limit + 1])
