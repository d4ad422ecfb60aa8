"""The examples of ``playground/``: well-formed, valid against the schema, and answered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from graphql import OperationDefinitionNode, build_schema, parse, validate
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.db import names
from omnigate.playground import Example, examples_dir, load_examples
from omnigate.schema import schema
from omnigate.seed import seed
from tests.conftest import SEED_NOW, mongo_url
from tests.examples import is_subscription

EXAMPLES = load_examples(today=SEED_NOW.date())  # the seeded test data ends at SEED_NOW
DEMO_SEED = 1  # `omnigate demo`'s default --seed
GraphQLClient = Callable[[str, dict[str, Any]], dict[str, Any]]
BUSIEST_DEPARTMENT = """
query Busiest($range: DateRange!) {
  departments(first: 1, orderBy: {field: CHATS, direction: DESC, range: $range}) {
    edges { node { departmentId } }
  }
}
"""


def _name(example: Example) -> str:
    return example.name


def test_every_file_is_an_example_in_file_name_order() -> None:
    files = sorted(path.name for path in examples_dir().iterdir())
    graphql = [name.removesuffix(".graphql") for name in files if name.endswith(".graphql")]
    assert [example.name for example in EXAMPLES] == graphql
    assert len(graphql) >= 5
    for name in files:
        assert name.endswith(".graphql") or name.removesuffix(".variables.json") in graphql, name


def test_range_placeholders_become_whole_utc_days() -> None:
    examples = {example.name: example for example in load_examples(today=date(2026, 3, 10))}
    variables = examples["02-this-week-vs-last-week"].variables
    assert variables["thisWeek"] == {
        "start": "2026-03-04T00:00:00.000Z",
        "end": "2026-03-10T23:59:59.999Z",
    }
    assert variables["lastWeek"] == {
        "start": "2026-02-25T00:00:00.000Z",
        "end": "2026-03-03T23:59:59.999Z",
    }
    assert examples["01-department-dashboard"].variables["range"]["start"] == (
        "2026-02-09T00:00:00.000Z"
    )
    assert examples["03-top-abandonment"].variables["after"] is None


@pytest.mark.parametrize("example", EXAMPLES, ids=_name)
def test_example_is_one_valid_titled_operation(example: Example) -> None:
    assert example.title and not example.title.startswith("#")
    document = parse(example.query)
    operations = [
        node for node in document.definitions if isinstance(node, OperationDefinitionNode)
    ]
    assert len(operations) == 1 and operations[0].name is not None
    assert validate(build_schema(schema.as_str()), document) == []
    declared = {node.variable.name.value for node in operations[0].variable_definitions}
    assert set(example.variables) <= declared


def test_department_ids_name_departments_of_the_demo_data(
    fresh_db: Database, mongo_port: int
) -> None:
    seed(mongo_url(mongo_port, fresh_db.name), rooms=0, seed=DEMO_SEED)
    for example in EXAMPLES:
        if "departmentId" in example.variables:
            department = fresh_db[names.DEPARTMENTS].find_one(
                {"_id": example.variables["departmentId"]}
            )
            assert department and department["enabled"], example.name


@pytest.mark.parametrize("example", EXAMPLES, ids=_name)
def test_example_runs_on_seeded_data(
    example: Example,
    graphql_client: GraphQLClient,
    http_client: TestClient,
    manager_headers: dict[str, str],
) -> None:
    variables = example.variables
    if "departmentId" in variables:
        # The file names a department of the demo's data; the test data has another seed.
        busiest = graphql_client(BUSIEST_DEPARTMENT, {"range": variables["range"]})
        department = busiest["data"]["departments"]["edges"][0]["node"]
        variables = {**variables, "departmentId": department["departmentId"]}
    if is_subscription(example):
        body = _first_live_result(http_client, manager_headers, example.query, variables)
    else:
        body = graphql_client(example.query, variables)
    assert "errors" not in body, body["errors"]
    _assert_filled(body["data"], "data")


def _assert_filled(value: Any, path: str) -> None:
    """No null object and no empty list anywhere: the example shows real numbers."""
    assert value is not None and value != [], f"{path} is empty"
    if isinstance(value, dict):
        for key, item in value.items():
            _assert_filled(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _assert_filled(item, f"{path}[{index}]")


def _first_live_result(
    client: TestClient, headers: dict[str, str], query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """The first payload of a live query, over graphql-transport-ws as GraphiQL sends it."""
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": headers})
        assert ws.receive_json()["type"] == "connection_ack"
        payload = {"query": query, "variables": variables}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        message = ws.receive_json()
        ws.send_json({"id": "1", "type": "complete"})
    assert message["type"] == "next", message
    return message["payload"]
