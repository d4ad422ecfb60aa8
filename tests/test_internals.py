"""The Strawberry and graphql-core internals omnigate relies on (``omnigate.internals``).

Each test names what an upgrade broke, so the fix starts at the right place."""

from __future__ import annotations

import inspect

from graphql import GraphQLObjectType, GraphQLResolveInfo, parse
from graphql.execution import collect_fields
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.info import Info

from omnigate import internals
from omnigate.schema import schema


def test_strawberry_info_keeps_graphql_cores_resolve_info() -> None:
    assert "_raw_info" in inspect.signature(Info).parameters or hasattr(Info, "_raw_info"), (
        "strawberry.Info no longer carries `_raw_info`: update internals.raw_info"
    )


def test_graphql_core_collect_subfields_keeps_its_signature() -> None:
    parameters = list(inspect.signature(collect_fields.collect_subfields).parameters)
    assert parameters[:6] == [
        "schema",
        "fragments",
        "variable_values",
        "operation",
        "return_type",
        "field_details_list",
    ], "graphql-core's collect_subfields changed: update internals.selected_fields"
    assert collect_fields.CollectedFields._fields[0] == "grouped_field_set"


def test_execution_context_still_dispatches_through_execute_field() -> None:
    base = StrawberryGraphQLCoreExecutionContext
    assert "execute_field" in {name for klass in base.__mro__ for name in vars(klass)}
    parameters = list(inspect.signature(base.execute_field).parameters)
    assert parameters == [
        "self",
        "parent_type",
        "source",
        "field_details_list",
        "path",
        "position_context",
    ], "graphql-core's execute_field changed: update internals.PlainExecutionContext"
    for helper in ("complete_leaf_value", "complete_value", "build_resolve_info"):
        assert hasattr(base, helper), f"graphql-core's ExecutionContext lost {helper}"


def test_selected_fields_applies_skip_and_include() -> None:
    """The helper itself, on the real schema: fragments expanded, directives honoured."""
    document = parse(
        """query ($no: Boolean!) { department(departmentId: "x") {
             ...F  name @skip(if: true)  enabled @include(if: $no) } }
           fragment F on Department { archived departmentId }"""
    )
    operation = document.definitions[0]
    fragments = {d.name.value: d for d in document.definitions[1:]}
    graphql_schema = schema._schema
    department = graphql_schema.get_type("Department")
    assert isinstance(department, GraphQLObjectType)
    root_field = operation.selection_set.selections[0]
    from graphql.execution.values import VariableValues

    raw = GraphQLResolveInfo(
        "department",
        [root_field],
        department,
        graphql_schema.query_type,
        None,
        graphql_schema,
        fragments,
        None,
        operation,
        VariableValues(sources={}, coerced={"no": False}),
        None,
        None,
        None,
        None,
    )
    selected = internals.selected_fields(raw, department, [root_field])
    assert list(selected) == ["archived", "departmentId"]
