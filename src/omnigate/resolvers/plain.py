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

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    is_leaf_type,
)
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
        # field name -> its scalar type when the field is a non-null scalar, else None
        self._scalars: dict[str, GraphQLLeafType | None] = {}

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
                name = field_details_list[0].node.name.value
                scalar = self._scalars.get(name, _MISSING)
                if scalar is _MISSING:
                    scalar = self._scalars[name] = _non_null_scalar(
                        self.schema.get_field(parent_type, name)
                    )
                if scalar is None or value is None:
                    return self._complete_prefetched(
                        parent_type, field_details_list, path, value, position_context
                    )
                try:
                    # what ``complete_value`` does for a non-null scalar (no ``info`` needed)
                    return self.complete_leaf_value(scalar, value)
                except Exception as raw_error:
                    field_def = self.schema.get_field(parent_type, name)
                    assert field_def is not None
                    self.handle_field_error(raw_error, field_def.type, field_details_list, path)
                    return None
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


def _non_null_scalar(field_def: GraphQLField | None) -> GraphQLLeafType | None:
    return_type = None if field_def is None else field_def.type
    if isinstance(return_type, GraphQLNonNull) and is_leaf_type(return_type.of_type):
        return return_type.of_type
    return None
