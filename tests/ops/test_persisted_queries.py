"""Persisted queries: Apollo's APQ protocol over POST and GET, shared through Redis, and the
allow-list mode (``OMNIGATE_PERSISTED_QUERIES_ONLY``) with ``playground/`` as the list."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from omnigate.config import Operations, Settings
from omnigate.http.app import create_app
from omnigate.playground import examples_dir
from omnigate.seed import SeedReport
from tests.conftest import SEEDED_DB, mongo_url
from tests.examples import query_examples

QUERY = "query Names { departments(first: 3) { edges { node { name } } } }"
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def serve(url: str, **operations: Any) -> TestClient:
    return TestClient(create_app(Settings(mongo_url=url, operations=Operations(**operations))))


@pytest.fixture(scope="module")
def url(seeded: SeedReport, mongo_port: int) -> str:
    return mongo_url(mongo_port, SEEDED_DB)


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with serve(url) as client:
        yield client


def test_apq_over_post_registers_then_runs_by_hash(
    client: TestClient, manager_headers: dict[str, str]
) -> None:
    sha = sha256(QUERY)
    by_hash = {"extensions": persisted(sha)}
    response = client.post("/graphql", json=by_hash, headers=manager_headers)
    assert (response.status_code, response.json()) == (200, NOT_FOUND)
    expected = client.post("/graphql", json={"query": QUERY}, headers=manager_headers).json()
    assert "errors" not in expected
    registered = client.post(
        "/graphql", json={"query": QUERY, **by_hash}, headers=manager_headers
    ).json()
    assert registered == expected
    again = client.post("/graphql", json=by_hash, headers=manager_headers)
    assert (again.status_code, again.json()) == (200, expected)


def test_apq_over_get(client: TestClient, manager_headers: dict[str, str]) -> None:
    query = "query OneName { departments(first: 1) { edges { node { name } } } }"
    extensions = json.dumps(persisted(sha256(query)))
    headers = {**manager_headers, "Accept": "*/*"}  # what a browser's fetch sends
    response = client.get("/graphql", params={"extensions": extensions}, headers=headers)
    assert (response.status_code, response.json()) == (200, NOT_FOUND)
    response = client.get(
        "/graphql", params={"query": query, "extensions": extensions}, headers=headers
    )
    assert response.status_code == 200 and "errors" not in response.json()
    by_hash = client.get("/graphql", params={"extensions": extensions}, headers=headers)
    assert by_hash.json() == response.json()


def test_apq_needs_credentials(client: TestClient) -> None:
    response = client.post(
        "/graphql", json={"query": QUERY, "extensions": persisted(sha256(QUERY))}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        (persisted("0" * 64), "provided sha does not match query"),
        ({"persistedQuery": {"version": 2, "sha256Hash": sha256(QUERY)}}, "version"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, "sha256Hash"),
        ({"persistedQuery": "yes"}, "sha256Hash"),
    ],
)
def test_bad_persisted_query_extensions(
    client: TestClient, manager_headers: dict[str, str], extensions: Any, message: str
) -> None:
    body = {"query": QUERY, "extensions": extensions}
    response = client.post("/graphql", json=body, headers=manager_headers)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and message in error["message"]


def test_registrations_are_shared_through_redis(
    url: str, fresh_redis: str, manager_headers: dict[str, str]
) -> None:
    """Two gateways (replicas) with the same OMNIGATE_CACHE_URL: registered on one, run by
    hash on the other."""
    body = {"query": QUERY, "extensions": persisted(sha256(QUERY))}
    with serve(url, cache_url=fresh_redis) as one, serve(url, cache_url=fresh_redis) as two:
        expected = one.post("/graphql", json=body, headers=manager_headers).json()
        by_hash = {"extensions": body["extensions"]}
        assert two.post("/graphql", json=by_hash, headers=manager_headers).json() == expected


# ------------------------------------------------------------------------- allow-list


@pytest.fixture(scope="module")
def allow_listed(url: str) -> Iterator[TestClient]:
    with serve(url, persisted_queries_only=examples_dir()) as client:
        yield client


@pytest.mark.parametrize("example", query_examples(), ids=lambda example: example.name)
def test_the_playground_runs_as_an_allow_list(
    allow_listed: TestClient, manager_headers: dict[str, str], example: Any
) -> None:
    """Each example runs as text, as text laid out differently, and by hash alone."""
    variables = example.variables
    as_text = allow_listed.post(
        "/graphql", json={"query": example.query, "variables": variables}, headers=manager_headers
    )
    assert as_text.status_code == 200 and "errors" not in as_text.json()
    relaid = " ".join(line for line in example.query.splitlines() if not line.startswith("#"))
    as_relaid = allow_listed.post(
        "/graphql", json={"query": relaid, "variables": variables}, headers=manager_headers
    )
    assert as_relaid.json() == as_text.json()
    by_hash = {"extensions": persisted(sha256(example.query)), "variables": variables}
    assert allow_listed.post("/graphql", json=by_hash, headers=manager_headers).json() == (
        as_text.json()
    )


def test_anything_else_is_refused(
    allow_listed: TestClient, manager_headers: dict[str, str]
) -> None:
    response = allow_listed.post("/graphql", json={"query": QUERY}, headers=manager_headers)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    assert "OMNIGATE_PERSISTED_QUERIES_ONLY" in error["message"]
    # a registration attempt is refused too, and registers nothing
    body = {"query": QUERY, "extensions": persisted(sha256(QUERY))}
    assert allow_listed.post("/graphql", json=body, headers=manager_headers).status_code == 400
    by_hash = {"extensions": persisted(sha256(QUERY))}
    assert allow_listed.post("/graphql", json=by_hash, headers=manager_headers).json() == NOT_FOUND
    introspection = {"query": "{ __schema { queryType { name } } }"}
    assert (
        allow_listed.post("/graphql", json=introspection, headers=manager_headers).status_code
        == 400
    )


def test_a_bad_allow_list_stops_the_start_up(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no \.graphql file"):
        serve(url, persisted_queries_only=tmp_path)
    (tmp_path / "broken.graphql").write_text("query {")
    with pytest.raises(ValueError, match=r"broken\.graphql is not valid GraphQL"):
        serve(url, persisted_queries_only=tmp_path)
