"""Everything omnigate relies on from Strawberry's and graphql-core's internals, in one place.

``tests/test_internals.py`` fails loudly when an upgrade changes any of it:

* ``raw_info``: graphql-core's ``GraphQLResolveInfo`` behind Strawberry's ``Info``
  (``Info._raw_info``), read by the prefetch to see the query's selection.
* ``selected_fields``: graphql-core's ``collect_subfields`` (fragments, ``@skip`` and
  ``@include`` applied exactly as the executor applies them); ``variable_values``: the
  operation's coerced variables, which Strawberry's executor exposes as a plain dict where
  graphql-core passes its ``VariableValues``.
* ``PlainExecutionContext``: a subclass of Strawberry's execution context overriding
  graphql-core's ``execute_field``, to complete prefetched fields as plain data, and the
  root field of a subscription event that is ``Precomputed`` (a live query's tick, computed
  once for all its subscribers) as its data.

Prefetched metric fields answered as plain data, without calling their resolvers:
Strawberry wraps every field that has a resolver: for each call it builds an ``Info`` and
converts the arguments into input objects (``DateRange``), the bulk of a metric field's
cost (docs/benchmarks.md); graphql-core itself first coerces the field's arguments again
for every object. The prefetch already computed every value of a page (an object's
``prefetched`` dict, by response key), so the execution context below completes such a
field straight from that value, as graphql-core completes any resolver's result (same
serialization, same errors). A field without a prefetched value (a bad argument, an alias
asked with two meanings, an object resolved without prefetch, or middleware installed)
goes through its resolver.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    is_leaf_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FieldDetailsList,
    FragmentDetails,
    collect_subfields,
)
from graphql.execution.executor import to_nodes
from graphql.execution.values import VariableValues
from graphql.pyutils import Path
from strawberry import Info
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Precomputed:
    """A subscription event that answers its root field: ``data`` is the field's value,
    completed already (JSON), ``errors`` those of its computation, with paths below it."""

    data: dict[str, Any] | None
    errors: tuple[GraphQLError, ...]


class PlainExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing prefetched metric fields directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A field middleware (an extension with a ``resolve`` hook) must see every field:
        # then nothing is completed directly. Strawberry always passes a manager, empty
        # when no extension hooks ``resolve``.
        manager = self.middleware_manager
        self._middleware = bool(manager and manager.middlewares)
        # (type, field) -> its scalar type when the field is a non-null scalar, else None
        self._scalars: dict[tuple[str, str], GraphQLLeafType | None] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if isinstance(source, Precomputed):
            return self._precomputed(source, path)
        prefetched = getattr(source, "prefetched", None)
        if prefetched and not self._middleware:
            value = prefetched.get(path.key, _MISSING)
            if value is not _MISSING:
                name = field_details_list[0].node.name.value
                scalar = self._scalars.get((parent_type.name, name), _MISSING)
                if scalar is _MISSING:
                    scalar = self._scalars[(parent_type.name, name)] = _non_null_scalar(
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

    def _precomputed(self, event: Precomputed, path: Path) -> Any:
        """The event's data as the field's value, its errors re-rooted under the field.
        No data (a non-null field failed below) makes the whole response's data null, as
        it would have for this subscription's own execution."""
        errors = [
            GraphQLError(
                error.message,
                source=error.source,
                positions=error.positions,
                path=[*path.as_list(), *(error.path or ())],
                extensions=error.extensions,
            )
            for error in event.errors
        ]
        if event.data is None and errors:
            *others, last = errors
            for error in others:
                self.collected_errors.add(error, None)
            raise last
        for error in errors:
            self.collected_errors.add(error, None)
        return event.data

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


def raw_info(info: Info[Any, Any]) -> GraphQLResolveInfo:
    """graphql-core's resolve info behind Strawberry's ``Info``."""
    return info._raw_info


def variable_values(raw: GraphQLResolveInfo) -> VariableValues:
    """The operation's coerced variables as graphql-core's helpers take them."""
    values: Any = raw.variable_values
    if isinstance(values, VariableValues):
        return values
    return VariableValues(sources={}, coerced=values)


def selected_fields(
    raw: GraphQLResolveInfo, object_type: GraphQLObjectType, nodes: list[FieldNode]
) -> dict[str, list[FieldNode]]:
    """The fields selected on ``object_type`` below ``nodes``, by response key, with
    fragments expanded and ``@skip``/``@include`` applied, as the executor collects them."""
    fragments = {name: FragmentDetails(node) for name, node in raw.fragments.items()}
    collected = collect_subfields(
        raw.schema,
        fragments,
        variable_values(raw),
        raw.operation,
        object_type,
        [FieldDetails(node, None) for node in nodes],
    )
    return {
        key: [detail.node for detail in details]
        for key, details in collected.grouped_field_set.items()
    }
