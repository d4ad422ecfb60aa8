"""``GET /metrics``: scraped and parsed with prometheus_client's text parser; not public."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from omnigate.config import Operations, Settings
from omnigate.http.app import create_app
from omnigate.observability.instruments import ANONYMOUS, MAX_OPERATIONS, OTHER, BoundedNames
from omnigate.seed import SeedReport
from tests.conftest import SEEDED_DB, mongo_url
from tests.ops.test_shared_results import DASHBOARD_BODY

TOKEN = "s3cret-scraper"
BEARER = {"Authorization": f"Bearer {TOKEN}"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def client(seeded: SeedReport, mongo_port: int) -> Iterator[TestClient]:
    operations = Operations(metrics_token=TOKEN)
    settings = Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB), operations=operations)
    with TestClient(create_app(settings)) as client:
        yield client


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum over the samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, have), v in samples.items() if n == name and wanted <= have)


def test_requests_aggregations_cache_and_auth_failures_are_counted(
    client: TestClient, manager_headers: dict[str, str]
) -> None:
    before = scrape(client)
    for _ in range(2):  # the second from the cache
        response = client.post("/graphql", json=DASHBOARD_BODY, headers=manager_headers)
        assert response.status_code == 200 and "errors" not in response.json()
    wrong = {"X-User-Id": manager_headers["X-User-Id"], "X-Auth-Token": "wrong"}
    assert client.post("/graphql", json=DASHBOARD_BODY, headers=wrong).status_code == 401
    assert client.post("/graphql", json={"query": "{ nope }"}, headers=manager_headers).json()[
        "errors"
    ]
    rest = "/api/v1/livechat/analytics/departments/amount-of-chats"
    assert client.get(rest, headers=manager_headers).status_code == 400
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    dashboard = {"transport": "graphql", "operation": "DepartmentDashboard"}
    assert delta("omnigate_requests_total", **dashboard, outcome="ok") == 2
    assert delta("omnigate_request_duration_seconds_count", **dashboard) == 2
    assert delta("omnigate_requests_total", transport="graphql", outcome="unauthenticated") == 1
    assert delta("omnigate_requests_total", transport="graphql", outcome="bad_request") == 1
    assert delta("omnigate_requests_total", transport="rest", operation=rest) == 1
    assert delta("omnigate_requests_total", operation=rest, outcome="bad_request") == 1
    assert delta("omnigate_auth_failures_total", reason="unauthenticated") == 1
    # the dashboard's families: run once (misses), answered from the cache the second time
    for family in ("opened", "closed", "transfers", "overview"):
        ran = delta("omnigate_aggregation_duration_seconds_count", family=family)
        assert ran == delta("omnigate_aggregation_rows_count", family=family)
        assert delta("omnigate_cache_lookups_total", family=family, result="miss") == ran
        assert delta("omnigate_cache_lookups_total", family=family, result="hit") >= 1
    assert delta("omnigate_aggregation_rows_sum", family="opened") >= 1
    # the scrape itself is in flight while it is answered
    assert value(after, "omnigate_requests_in_flight", transport="metrics") == 1


def test_labels_stay_bounded(client: TestClient, manager_headers: dict[str, str]) -> None:
    """Operation names come from clients: each process keeps a bounded set of them; user
    ids and queries never become labels."""
    for i in range(3):
        body = {"query": f"query Op{i} {{ __typename }}"}
        assert client.post("/graphql", json=body, headers=manager_headers).status_code == 200
    samples = scrape(client)
    ours = [(name, labels) for name, labels in samples if name.startswith("omnigate_")]
    keys = {key for _, labels in ours for key, _ in labels}
    assert keys <= {"transport", "operation", "outcome", "family", "result", "reason", "kind", "le"}
    graphql = {
        v
        for _, labels in ours
        if ("transport", "graphql") in labels
        for k, v in labels
        if k == "operation"
    }
    # named, unless earlier tests of this process already used up the distinct names
    assert {"Op0", "Op1", "Op2"} <= graphql or OTHER in graphql
    assert len(graphql - {OTHER, ANONYMOUS}) <= MAX_OPERATIONS
    assert not any(manager_headers["X-User-Id"] in v for _, labels in ours for _, v in labels)
    names = BoundedNames(limit=2)
    assert [names(n) for n in ("A", "B", "C", "A", None, "")] == [
        "A",
        "B",
        OTHER,
        "A",
        ANONYMOUS,
        ANONYMOUS,
    ]


def test_not_public_without_the_token_or_an_allowed_network(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404


@pytest.mark.parametrize(
    ("peer", "allowed", "status"),
    [
        ("10.1.2.3", ("10.0.0.0/8",), 200),
        ("10.1.2.3", ("192.168.0.0/16", "10.1.2.3"), 200),
        ("192.0.2.1", ("10.0.0.0/8",), 404),
        ("::1", ("::1/128",), 200),
        ("10.1.2.3", (), 404),
    ],
)
async def test_allowed_networks(
    peer: str, allowed: tuple[str, ...], status: int, mongo_port: int
) -> None:
    settings = Settings(
        mongo_url=mongo_url(mongo_port, SEEDED_DB),
        operations=Operations(metrics_networks=allowed),
    )
    app: Any = create_app(settings)
    transport = httpx2.ASGITransport(app=app, client=(peer, 40000))
    async with httpx2.AsyncClient(transport=transport, base_url="http://gw") as http:
        assert (await http.get("/metrics")).status_code == status


def test_a_malformed_network_stops_the_start_up(mongo_port: int) -> None:
    operations = Operations(metrics_networks=("10.0.0.0/33",))
    with pytest.raises(ValueError, match="OMNIGATE_METRICS_ALLOW"):
        create_app(Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB), operations=operations))
