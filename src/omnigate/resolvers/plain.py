"""Prefetched metric fields answered as plain data, without calling their resolvers.

Strawberry wraps every field that has a resolver: for each call it builds an ``Info`` and
converts the arguments into input objects (``DateRange``), ~60 µs per metric field, so
100 departments × 9 metric fields cost ~60 ms of CPU on their own; graphql-core itself
first coerces the field's arguments again for every department. ``prefetch`` already
computed every value of the page (``Department.prefetched``, by response key), so the
execution context below completes such a field straight from that value, as graphql-core
completes any resolver's result (same serialization, same errors). A field without a
prefetched value (a bad argument, an alias asked with two meanings, a department resolved
without prefetch, or middleware installed) goes through its resolver as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, is_leaf_type
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from omnigate.schema.types import Department

_MISSING = object()


class PlainExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing prefetched metric fields directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A field middleware (an extension with a ``resolve`` hook) must see every field:
        # then nothing is completed directly. Strawberry always passes a manager, empty
        # when no extension hooks ``resolve``.
        manager = self.middleware_manager
        self._middleware = bool(manager and manager.middlewares)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if isinstance(source, Department) and source.prefetched and not self._middleware:
            value = source.prefetched.get(path.key, _MISSING)
            if value is not _MISSING:
                return self._complete_prefetched(
                    parent_type, field_details_list, path, value, position_context
                )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _complete_prefetched(
        self,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> Any:
        """``execute_field`` after its resolver returned ``value``."""
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        assert field_def is not None
        return_type = field_def.type
        try:
            if (
                value is not None
                and isinstance(return_type, GraphQLNonNull)
                and is_leaf_type(return_type.of_type)
            ):
                # what ``complete_value`` does for a non-null scalar, without the ``info``
                # it only needs for other types
                return self.complete_leaf_value(return_type.of_type, value)
            info = self.build_resolve_info(
                field_def, to_nodes(field_details_list), parent_type, path
            )
            completed = self.complete_value(
                return_type, field_details_list, info, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):

            async def await_completed(completed: Awaitable[Any]) -> Any:
                try:
                    return await completed
                except Exception as raw_error:
                    self.handle_field_error(raw_error, return_type, field_details_list, path)
                    return None

            return await_completed(completed)
        return completed
