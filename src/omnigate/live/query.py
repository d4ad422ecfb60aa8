"""The query a live subscription watches: the selection of its ``live`` field as a query
document of its own, with the variables that selection uses.

The query's text is the subscription's text with everything but the kept parts blanked
out (newlines kept): ``subscription`` becomes ``query``, the ``live(...) {`` around the
selection, the operation's directives, the variables it does not use, other operations and
unused fragments become spaces. Every kept character stays at its line and column, so the
locations of the errors the query reports are locations in the document the client sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    Token,
    TokenKind,
    VariableNode,
    ast_from_value,
    type_from_ast,
    value_from_ast_untyped,
    visit,
)
from graphql.language import Visitor

_KEYWORD = "query"


@dataclass(frozen=True, slots=True)
class LiveQuery:
    """A query to recompute at every tick: its text and its variables (JSON values).

    Equal queries (same text, same variables) are computed once per tick for all their
    subscribers of one scope."""

    document: str
    variables_json: bytes
    variables: dict[str, Any] = field(compare=False, hash=False)

    @classmethod
    def of(cls, document: str, variables: Mapping[str, Any]) -> LiveQuery:
        values = dict(variables)
        return cls(document, orjson.dumps(values, option=orjson.OPT_SORT_KEYS), values)


def live_query(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    live_field: FieldNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    coerced_variables: Mapping[str, Any],
) -> LiveQuery:
    """The query of ``live_field`` (the root field of the subscription ``operation``).

    ``coerced_variables`` are the operation's variables as the executor coerced them; the
    query gets the ones it uses back as JSON input values.
    """
    selection = live_field.selection_set
    if operation.loc is None or selection is None or selection.loc is None:
        raise ValueError("a live query needs a parsed document with locations")
    source = operation.loc.source.body
    used = _used_fragments(selection, fragments)
    kept: list[Node] = [selection, *used]
    names = _variable_names(kept)
    declared = operation.variable_definitions or ()  # None when the operation has none
    definitions = [d for d in declared if d.variable.name.value in names]

    text = _Blank(source)
    keyword = operation.loc.start_token
    text.write(keyword.start, _KEYWORD)
    if operation.name is not None:
        text.keep(operation.name)
    if definitions:
        text.keep_token(_significant(declared[0].loc, before=True))
        for definition in definitions:
            text.keep(definition)
        text.keep_token(_significant(declared[-1].loc, before=False))
    for node in kept:
        text.keep(node)

    values = {}
    for definition in definitions:
        name = definition.variable.name.value
        if name in coerced_variables:
            value_type = type_from_ast(schema, definition.type)
            literal = ast_from_value(coerced_variables[name], value_type)  # type: ignore[arg-type]
            values[name] = None if literal is None else value_from_ast_untyped(literal)
    return LiveQuery.of(str(text), values)


class _Blank:
    """A copy of ``source`` in which only the characters written or kept are not blank."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._chars = ["\n" if c == "\n" else "\r" if c == "\r" else " " for c in source]

    def write(self, start: int, text: str) -> None:
        self._chars[start : start + len(text)] = list(text)

    def keep(self, node: Node) -> None:
        assert node.loc is not None
        self._copy(node.loc.start, node.loc.end)

    def keep_token(self, token: Token) -> None:
        self._copy(token.start, token.end)

    def _copy(self, start: int, end: int) -> None:
        self._chars[start:end] = list(self._source[start:end])

    def __str__(self) -> str:
        return "".join(self._chars)


def _significant(location: Any, *, before: bool) -> Token:
    """The parenthesis around the variable definitions: the first token before the first
    definition (or after the last) that is not a comment."""
    token = location.start_token.prev if before else location.end_token.next
    while token.kind is TokenKind.COMMENT:
        token = token.prev if before else token.next
    return token


def _used_fragments(
    selection: Node, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """The fragments spread in ``selection``, and in those fragments, in document order."""
    found: dict[str, FragmentDefinitionNode] = {}
    pending = [selection]
    while pending:
        for name in _spreads(pending.pop()):
            if name not in found and name in fragments:
                found[name] = fragments[name]
                pending.append(fragments[name])
    return sorted(found.values(), key=lambda f: f.loc.start if f.loc else 0)


def _spreads(node: Node) -> set[str]:
    names: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
            names.add(spread.name.value)

    visit(node, Spreads())
    return names


def _variable_names(nodes: Iterable[Node]) -> set[str]:
    names: set[str] = set()

    class Variables(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            names.add(variable.name.value)

    for node in nodes:
        visit(node, Variables())
    return names
