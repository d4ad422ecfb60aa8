"""Every example of ``playground/`` runs as GraphiQL would send it, on the demo's own data."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from graphql import OperationType, get_operation_ast, parse

from omnigate.playground import Example, load_examples
from tests.e2e.conftest import Demo


@pytest.mark.parametrize("example", load_examples(), ids=lambda example: example.name)
def test_example_answers_in_the_demo(example: Example, demo: Demo) -> None:
    """Queries POSTed; a live query (subscription) as Server-Sent Events: its first event."""
    operation = get_operation_ast(parse(example.query))
    live = operation is not None and operation.operation is OperationType.SUBSCRIPTION
    request = urllib.request.Request(
        demo.url,
        data=json.dumps({"query": example.query, "variables": example.variables}).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if live else "application/json",
            "X-User-Id": demo.user_id,
            "X-Auth-Token": demo.token,
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = _first_event(response) if live else json.load(response)
    assert "errors" not in body, body["errors"]
    data = body["data"]["live"] if live else body["data"]
    assert all(value is not None for value in data.values()), data


def _first_event(response: Any) -> dict[str, Any]:
    """The data of the first ``next`` event of an SSE stream (then the stream is closed)."""
    event = ""
    for raw in response:
        line = raw.decode().strip()
        if line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:") and event == "next":
            return json.loads(line.removeprefix("data:"))
    raise AssertionError("the stream ended without a next event")
