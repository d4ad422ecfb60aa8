"""Telling the playground's live queries from its plain queries."""

from __future__ import annotations

from graphql import OperationDefinitionNode, OperationType, parse

from omnigate.playground import Example, load_examples


def is_subscription(example: Example) -> bool:
    """Whether the example's operation is a subscription (a live query, which needs a
    WebSocket or Server-Sent Events)."""
    definitions = parse(example.query).definitions
    (operation,) = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    return operation.operation is OperationType.SUBSCRIPTION


def query_examples() -> list[Example]:
    """The examples a plain POST runs."""
    return [example for example in load_examples() if not is_subscription(example)]
