"""The result cache end to end: 100 identical dashboards cost the database one dashboard's
aggregations and finds (in one process, over Redis, and with two worker processes sharing
Redis, counted on the wire); answers are byte for byte those of an uncached gateway; a
result is never shared between callers of different scopes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from bench.wire import WireCounter
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from pymongo.database import Database
from pymongo.monitoring import CommandListener, CommandStartedEvent
from starlette.testclient import TestClient

from omnigate.config import Operations, Settings
from omnigate.db import Store
from omnigate.db.cache import MemoryBackend, ResultCache
from omnigate.errors import LimitExceeded
from omnigate.http.app import create_app
from omnigate.http.rest.departments import REST_METRICS
from omnigate.playground import load_examples
from omnigate.seed import SeedReport
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.conftest import SEED_NOW, SEEDED_DB, mongo_url
from tests.examples import query_examples
from tests.redis_server import free_port

DASHBOARD = next(e.query for e in load_examples() if e.name == "01-department-dashboard")
RANGE = {"start": (SEED_NOW - timedelta(days=30)).isoformat(), "end": SEED_NOW.isoformat()}
DASHBOARD_BODY = {"query": DASHBOARD, "variables": {"range": RANGE}}
VIEWERS = 100
LONG_TTL = Operations(cache_seconds=60)  # longer than any of these tests
NO_CACHE = Operations(cache_seconds=0)


class AggregateCounter(CommandListener):
    """The commands a gateway's client sends, by name."""

    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()

    @property
    def aggregations(self) -> int:
        return self.commands["aggregate"]

    def started(self, event: CommandStartedEvent) -> None:
        self.commands[event.command_name] += 1

    def succeeded(self, event: object) -> None:
        pass

    def failed(self, event: object) -> None:
        pass


@asynccontextmanager
async def gateway(
    settings: Settings, counter: AggregateCounter
) -> AsyncIterator[httpx2.AsyncClient]:
    """The whole app in this process (lifespan included), behind an async client."""
    app = create_app(settings, event_listeners=[counter])
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield client


async def dashboards(
    client: httpx2.AsyncClient, headers: dict[str, str], count: int
) -> list[bytes]:
    async def one() -> bytes:
        response = await client.post("/graphql", json=DASHBOARD_BODY, headers=headers)
        assert response.status_code == 200, response.text
        return response.content

    return await asyncio.gather(*(one() for _ in range(count)))


async def sign_in(client: httpx2.AsyncClient, headers: dict[str, str]) -> None:
    """One request, so that the credentials are checked (and cached) before counting."""
    body = {"query": "{ __typename }"}
    assert (await client.post("/graphql", json=body, headers=headers)).status_code == 200


@dataclass(frozen=True)
class OneDashboard:
    commands: Counter[str]  # with the credentials already checked
    body: bytes

    @property
    def aggregations(self) -> int:
        return self.commands["aggregate"]


@pytest.fixture(scope="module")
def one_dashboard(seeded: SeedReport, mongo_port: int) -> OneDashboard:
    """What one dashboard costs an uncached gateway, and its answer."""
    counter = AggregateCounter()
    settings = Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB), operations=NO_CACHE)
    headers = {"X-User-Id": seeded.manager_id, "X-Auth-Token": seeded.manager_token}

    async def run() -> OneDashboard:
        async with gateway(settings, counter) as client:
            await sign_in(client, headers)
            counter.commands.clear()
            [body] = await dashboards(client, headers, 1)
            return OneDashboard(Counter(counter.commands), body)

    dashboard = asyncio.run(run())
    assert b'"errors"' not in dashboard.body and dashboard.aggregations >= 3
    return dashboard


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_a_hundred_identical_dashboards_cost_one_dashboard(
    backend: str,
    request: pytest.FixtureRequest,
    one_dashboard: OneDashboard,
    mongo_port: int,
    manager_headers: dict[str, str],
) -> None:
    cache_url = request.getfixturevalue("fresh_redis") if backend == "redis" else None
    operations = Operations(cache_seconds=60, cache_url=cache_url)
    settings = Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB), operations=operations)
    counter = AggregateCounter()
    async with gateway(settings, counter) as client:
        await sign_in(client, manager_headers)
        counter.commands.clear()
        bodies = await dashboards(client, manager_headers, VIEWERS)
        assert counter.commands == one_dashboard.commands  # aggregations, finds, counts
        assert set(bodies) == {one_dashboard.body}  # byte for byte the uncached answer
        await dashboards(client, manager_headers, 10)  # within the TTL: nothing more
        assert counter.commands == one_dashboard.commands


@dataclass(frozen=True)
class Served:
    base: str
    metrics_token: str
    tmp: Path  # the server's TMPDIR, where it makes its PROMETHEUS_MULTIPROC_DIR


@pytest.fixture
def two_workers(
    seeded: SeedReport, wire: WireCounter, fresh_redis: str, tmp_path: Path
) -> Iterator[Served]:
    """``omnigate serve --workers 2`` sharing Redis, its database behind the wire counter."""
    port, token = free_port(), "scrape-me"
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),
        "MONGO_URL": mongo_url(wire.port or 0, SEEDED_DB),
        "OMNIGATE_CACHE_URL": fresh_redis,
        "OMNIGATE_CACHE_SECONDS": "60",
        "OMNIGATE_METRICS_TOKEN": token,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "omnigate", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        yield Served(base, token, tmp_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert not list(tmp_path.glob("omnigate-metrics-*")), "the metrics directory stays"


def dashboards_by_worker(tmp: Path) -> list[float]:
    """Dashboards each worker process counted, read from its own file of the directory."""
    counts = []
    for path in tmp.glob("omnigate-metrics-*/counter_*.db"):
        counts.append(
            sum(
                value
                for key, value, *_ in MmapedDict.read_all_values_from_file(str(path))
                if json.loads(key)[1] == "omnigate_requests_total"
                and json.loads(key)[2].get("operation") == "DepartmentDashboard"
            )
        )
    return counts


def samples(text: str, family: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples of one metric family (parsed by prometheus_client's text parser)."""
    return {
        (sample.name, *sorted(sample.labels.items())): sample.value  # type: ignore[misc]
        for metric in text_string_to_metric_families(text)
        if metric.name == family
        for sample in metric.samples
    }


async def test_two_workers_sharing_redis_cost_one_dashboard(
    two_workers: Served,
    wire: WireCounter,
    one_dashboard: OneDashboard,
    manager_headers: dict[str, str],
) -> None:
    wire.reset()
    limits = httpx2.Limits(max_connections=VIEWERS)
    async with httpx2.AsyncClient(base_url=two_workers.base, limits=limits, timeout=120) as client:
        bodies = await dashboards(client, manager_headers, VIEWERS)
        scraped = await client.get(
            "/metrics", headers={"Authorization": f"Bearer {two_workers.metrics_token}"}
        )
    assert wire.count("aggregate") == one_dashboard.aggregations  # on the wire, both workers
    assert set(bodies) == {one_dashboard.body}
    served = dashboards_by_worker(two_workers.tmp)
    assert len(served) == 2 and min(served) > 0 and sum(served) == VIEWERS, served
    # /metrics sums the two workers (PROMETHEUS_MULTIPROC_DIR set by `omnigate serve`)
    requests = samples(scraped.text, "omnigate_requests")
    key = (
        "omnigate_requests_total",
        ("operation", "DepartmentDashboard"),
        ("outcome", "ok"),
        ("transport", "graphql"),
    )
    assert requests[key] == VIEWERS
    runs = samples(scraped.text, "omnigate_aggregation_duration_seconds")
    ran = sum(v for k, v in runs.items() if k[0].endswith("_count"))
    assert ran == one_dashboard.aggregations
    lookups = samples(scraped.text, "omnigate_cache_lookups")
    by_result = {  # of aggregations (finds are "find:<collection>")
        result: sum(
            v
            for k, v in lookups.items()
            if ("result", result) in k and ":" not in dict(k[1:])["family"]
        )
        for result in ("hit", "join", "miss")
    }
    assert by_result["miss"] == one_dashboard.aggregations
    assert by_result["hit"] + by_result["join"] == (VIEWERS - 1) * one_dashboard.aggregations


async def test_rest_and_graphql_answers_are_byte_for_byte_those_without_cache(
    mongo_port: int, manager_headers: dict[str, str]
) -> None:
    """Every REST endpoint and playground example, asked twice (the second from the
    cache), against an uncached gateway."""
    url = mongo_url(mongo_port, SEEDED_DB)
    span = {"start": RANGE["start"], "end": RANGE["end"]}
    days = {"from": RANGE["start"][:10], "to": RANGE["end"][:10]}
    calls: list[tuple[str, str, dict[str, str] | None, Any]] = [
        ("GET", f"/api/v1/livechat/analytics/departments/{m.rest.path}", span, None)
        for m in REST_METRICS
        if m.rest is not None
    ]
    calls += [
        ("GET", "/api/v1/livechat/analytics/overview", {"name": name, **days}, None)
        for name in ("Conversations", "Productivity")
    ]
    calls += [
        ("POST", "/graphql", None, {"query": e.query, "variables": e.variables})
        for e in query_examples()
    ]

    async def answers(operations: Operations, rounds: int) -> list[bytes]:
        settings = Settings(mongo_url=url, operations=operations)
        found = []
        async with gateway(settings, AggregateCounter()) as client:
            for _ in range(rounds):
                for method, path, params, body in calls:
                    response = await client.request(
                        method, path, params=params, json=body, headers=manager_headers
                    )
                    assert response.status_code == 200, response.text
                    found.append(response.content)
        return found

    uncached = await answers(NO_CACHE, 1)
    cached = await answers(LONG_TTL, 2)
    assert cached == uncached + uncached


# --------------------------------------------------------------------- scope isolation

MARCH = datetime.fromisoformat("2024-03-01T00:00:00+00:00")
UNIT_OF = {"d1": "u1", "d2": "u1", "d3": "u2", "d4": None}
ROOMS_IN = {"d1": 3, "d2": 5, "d3": 7, "d4": 11}
SCOPE_QUERY = """query Scoped($r: DateRange!) {
  departments { edges { node { departmentId chats(range: $r) } } }
  overview(range: $r) { conversations { total } }
}"""
SCOPE_RANGE = {"start": "2024-03-01T00:00:00Z", "end": "2024-03-31T23:59:59.999Z"}


@pytest.fixture
def units_db(fresh_db: Database) -> Database:
    """Two units (u1: d1, d2; u2: d3), d4 in none; a manager and a monitor of u1."""
    fresh_db.rocketchat_livechat_department.insert_many(
        [{"_id": unit, "type": "u", "name": unit} for unit in ("u1", "u2")]
        + [
            {
                "_id": department,
                "type": "d",
                "name": department,
                "parentId": unit,
                "ancestors": [unit] if unit else None,
            }
            for department, unit in UNIT_OF.items()
        ]
    )
    fresh_db.rocketchat_room.insert_many(
        [
            {
                "_id": f"{department}-{i}",
                "t": "l",
                "ts": MARCH + timedelta(days=i, hours=9),
                "departmentId": department,
                "departmentAncestors": [UNIT_OF[department]] if UNIT_OF[department] else None,
                "msgs": 2,
            }
            for department, count in ROOMS_IN.items()
            for i in range(count)
        ]
    )
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    add_user(fresh_db, "manager", roles=("user", "livechat-manager"))
    add_user(fresh_db, "monitor", roles=("user", "livechat-monitor"))
    fresh_db.rocketchat_livechat_unit_monitors.insert_one(
        {"_id": "m1", "monitorId": "monitor", "unitId": "u1", "username": "name-monitor"}
    )
    return fresh_db


def expected(user: str) -> dict[str, Any]:
    """Chats per visible department and the overview total, counted here from the data."""
    units = {"u1"} if user == "monitor" else None
    visible = [d for d, unit in UNIT_OF.items() if units is None or unit in units]
    return {
        "chats": {d: ROOMS_IN[d] for d in visible},
        "total": sum(ROOMS_IN[d] for d in visible),
    }


def scoped_answer(client: TestClient, user: str) -> dict[str, Any]:
    headers = {"X-User-Id": user, "X-Auth-Token": f"tok-{user}"}
    body = {"query": SCOPE_QUERY, "variables": {"r": SCOPE_RANGE}}
    data = client.post("/graphql", json=body, headers=headers).json()["data"]
    rest = client.get(
        "/api/v1/livechat/analytics/departments/amount-of-chats",
        params={"start": SCOPE_RANGE["start"], "end": SCOPE_RANGE["end"]},
        headers=headers,
    ).json()
    chats = {e["node"]["departmentId"]: e["node"]["chats"] for e in data["departments"]["edges"]}
    assert {d["_id"]: d["rooms"] for d in rest["departments"]} == chats
    return {"chats": chats, "total": data["overview"]["conversations"]["total"]}


@pytest.mark.parametrize("order", [("manager", "monitor"), ("monitor", "manager")])
def test_a_cached_result_is_never_served_to_another_scope(
    units_db: Database, mongo_port: int, order: tuple[str, str]
) -> None:
    counter = AggregateCounter()
    settings = Settings(mongo_url=mongo_url(mongo_port, units_db.name), operations=LONG_TTL)
    with TestClient(create_app(settings, event_listeners=[counter])) as client:
        first, second = order
        assert scoped_answer(client, first) == expected(first)
        ran_first = counter.aggregations
        assert scoped_answer(client, second) == expected(second)
        assert counter.aggregations > ran_first  # the second scope ran its own
        ran_both = counter.aggregations
        assert scoped_answer(client, first) == expected(first)  # each from its own entry
        assert scoped_answer(client, second) == expected(second)
        assert counter.aggregations == ran_both


async def test_cache_hits_still_spend_the_request_budget(
    fresh_db: Database, async_client: Any
) -> None:
    """Whether a request is within OMNIGATE_MAX_AGGREGATIONS never depends on the cache."""
    fresh_db.rocketchat_room.insert_one({"_id": "r", "t": "l"})
    cache = ResultCache(MemoryBackend(1 << 20), ttl=60)
    store = Store(async_client[fresh_db.name], 15_000, cache=cache)
    pipeline = [{"$match": {"t": "l"}}, {"$count": "n"}]
    assert await store.aggregate("rocketchat_room", pipeline) == [{"n": 1}]
    budgeted = store.with_budget(1)
    assert await budgeted.aggregate("rocketchat_room", pipeline) == [{"n": 1}]  # a hit
    with pytest.raises(LimitExceeded):
        await budgeted.aggregate("rocketchat_room", pipeline)
