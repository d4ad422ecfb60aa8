"""The query a live subscription recomputes: its ``live`` selection as a query of its own,
every kept character at its line and column in the client's document."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from omnigate.live import LiveQuery, live_query
from omnigate.schema import schema

GRAPHQL_SCHEMA = schema._schema

DOCUMENT = """# a dashboard, with things the live query does not need
query Other { department(departmentId: "x") { ...Unused } }

subscription Wall( # comments are kept or blanked, never moved
  $every: Int = 5,
  $range: DateRange!,
  $order: DepartmentOrder
  $unused: Boolean
) {
  board: live(every: $every) {
    departments(first: 5, orderBy: $order) {
      totalCount
      edges { node { ...Row } }
    }
  }
}

fragment Row on Department { name chats(range: $range) ...Flags }
fragment Flags on Department { enabled }
fragment Unused on Department { archived }
"""
INPUTS = {
    "every": 2,
    "range": {"start": "2024-03-01T00:00:00.000+02:00", "end": "2024-03-31T23:59:59.999Z"},
    "order": {"field": "CHATS", "direction": "DESC", "range": None},
    "unused": True,
}


def extract(document: str, inputs: dict[str, Any], name: str | None = None) -> LiveQuery:
    """What the resolver does: the subscription's ``live`` field, variables as coerced."""
    parsed = parse(document)
    operation = next(
        d
        for d in parsed.definitions
        if isinstance(d, OperationDefinitionNode)
        and d.operation is OperationType.SUBSCRIPTION
        and (name is None or (d.name and d.name.value == name))
    )
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    coerced = get_variable_values(GRAPHQL_SCHEMA, operation.variable_definitions or (), inputs)
    assert not isinstance(coerced, list), coerced
    return live_query(GRAPHQL_SCHEMA, operation, field, fragments, coerced.coerced)


def test_the_query_keeps_every_kept_character_where_it_was() -> None:
    query = extract(DOCUMENT, INPUTS)
    assert len(query.document) == len(DOCUMENT)
    assert [len(line) for line in query.document.split("\n")] == [
        len(line) for line in DOCUMENT.split("\n")
    ]
    keyword = DOCUMENT.index("subscription")
    expected = DOCUMENT[:keyword] + "query       " + DOCUMENT[keyword + len("subscription") :]
    for original, kept in zip(expected, query.document, strict=True):
        assert kept in (original, " ")
    for text in ("departments(first: 5", "...Row", "fragment Row", "fragment Flags", "$range"):
        assert query.document.index(text) == DOCUMENT.index(text)


def test_the_query_is_a_valid_query_of_the_live_selection_alone() -> None:
    document = parse(extract(DOCUMENT, INPUTS).document)
    assert validate(GRAPHQL_SCHEMA, document) == []
    (operation, *fragments) = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.operation is OperationType.QUERY and operation.name
    assert operation.name.value == "Wall"
    assert [d.variable.name.value for d in operation.variable_definitions] == ["range", "order"]
    assert [f.name.value for f in fragments] == ["Row", "Flags"]  # not Unused
    assert "live" not in extract(DOCUMENT, INPUTS).document


def test_variables_are_those_the_selection_uses_as_json_input_values() -> None:
    query = extract(DOCUMENT, INPUTS)
    assert query.variables == {
        "range": {"start": "2024-02-29T22:00:00+00:00", "end": "2024-03-31T23:59:59.999000+00:00"},
        "order": {"field": "CHATS", "direction": "DESC", "range": None},
    }
    operation = parse(query.document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    again = get_variable_values(GRAPHQL_SCHEMA, operation.variable_definitions, query.variables)
    first = get_variable_values(GRAPHQL_SCHEMA, operation.variable_definitions, INPUTS)
    assert not isinstance(again, list) and not isinstance(first, list)
    assert again.coerced == first.coerced  # the same values, whatever their spelling


def test_without_variables_the_parentheses_go_too() -> None:
    document = "subscription ($every: Int) { live(every: $every) { departments { totalCount } } }"
    query = extract(document, {"every": 3})
    assert query.document.split() == ["query", "{", "departments", "{", "totalCount", "}", "}"]
    assert query.variables == {}
    assert validate(GRAPHQL_SCHEMA, parse(query.document)) == []


def test_an_operation_without_variables_or_name() -> None:
    document = "subscription { live { departments { totalCount } } }"
    query = extract(document, {})
    assert query.document.split() == ["query", "{", "departments", "{", "totalCount", "}", "}"]
    assert query.variables == {}


def test_equal_documents_and_values_make_equal_queries() -> None:
    # the same instants, spelled otherwise (DateTime values are instants), keys reordered
    same = {"end": "2024-03-31T23:59:59.999+00:00", "start": "2024-02-29T22:00:00Z"}
    spelled = {**INPUTS, "range": same}
    assert extract(DOCUMENT, INPUTS) == extract(DOCUMENT, spelled)
    assert hash(extract(DOCUMENT, INPUTS)) == hash(extract(DOCUMENT, spelled))
    later = {**INPUTS, "range": {**INPUTS["range"], "end": "2024-04-30T00:00:00Z"}}
    assert extract(DOCUMENT, INPUTS) != extract(DOCUMENT, later)
    assert extract(DOCUMENT, INPUTS) == extract(DOCUMENT, {**INPUTS, "every": 60})
