"""``/graphql`` over HTTP on seeded data: a multi-metric query and the auth statuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import SEED_NOW

WEEK = {
    "start": (SEED_NOW - timedelta(days=7)).isoformat(),
    "end": SEED_NOW.isoformat(),
}


def test_dashboard_query_answers(
    graphql_client: Callable[[str, dict[str, Any] | None], dict[str, Any]],
) -> None:
    body = graphql_client(
        """query($r: DateRange!) { departments(first: 100) { totalCount edges { node {
             name chats(range: $r) averageWaitingTime(range: $r) transferredChats(range: $r) } } }
           overview(range: $r) { conversations { total busiestDay { weekday } } } }""",
        {"r": WEEK},
    )
    assert "errors" not in body
    edges = body["data"]["departments"]["edges"]
    assert len(edges) == body["data"]["departments"]["totalCount"] > 0
    in_departments = sum(edge["node"]["chats"] for edge in edges)
    assert 0 < in_departments <= body["data"]["overview"]["conversations"]["total"]


def test_unauthenticated_and_forbidden_are_http_statuses(http_client: TestClient) -> None:
    query = {"query": "{ __typename }"}
    missing = http_client.post("/graphql", json=query)
    assert missing.status_code == 401
    assert missing.json() == {
        "errors": [
            {
                "message": "You must be logged in to do this.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
    wrong = http_client.post(
        "/graphql", json=query, headers={"X-User-Id": "nobody", "X-Auth-Token": "nothing"}
    )
    assert wrong.status_code == 401
