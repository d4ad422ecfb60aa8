"""Live queries in several workers: two gateways (each its own database client, result
cache, hub and Redis connection, as two worker processes or replicas) served by uvicorn,
with subscribers on both. Sharing a Redis cache, they compute each tick once between them;
without it, each computes its own. Aggregations are counted by each gateway's client."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx2
import pytest
from pymongo.database import Database

from omnigate.config import Operations, Settings
from omnigate.playground import load_examples
from omnigate.seed import SeedReport
from tests.conftest import SEED_NOW, SEEDED_DB, mongo_url
from tests.live.clients import Aggregations, Gateway, serving, sse_client, ws_client
from tests.live.test_transports import (
    ALICE,
    BOB,
    EVERY,
    MARGIN,
    QUERY,
    VARIABLES,
    subscribed,
    table,
)
from tests.metrics.documents import at, room

WALL = next(e.query for e in load_examples() if e.name == "09-real-time-monitoring")
LIVE_WALL = WALL.replace("query WallScreen", "subscription LiveWall", 1)
LIVE_WALL = LIVE_WALL.replace("  monitoring(", f"  live(every: {EVERY}) {{ monitoring(", 1)
LIVE_WALL = LIVE_WALL.rstrip().removesuffix("}") + "}}\n"
WALL_VARIABLES = {
    "range": {
        "start": (SEED_NOW - timedelta(days=1)).isoformat(),
        "end": SEED_NOW.isoformat(),
    }
}


def two_worker_settings(url: str, cache_url: str | None) -> Settings:
    return Settings(mongo_url=url, operations=Operations(cache_url=cache_url))


async def between_ticks() -> None:
    """Sleep to half an interval past a multiple of EVERY on the clock (the ticks' instants):
    the ticks of that instant are done (they take milliseconds here), the next not begun."""
    await asyncio.sleep(EVERY - (time.time() % EVERY) + EVERY / 2)


def computations(*gateways: Gateway) -> list[int]:
    return [gateway.hub.stats()["computations"] for gateway in gateways]


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "per-worker"])
async def test_workers_sharing_redis_compute_each_tick_once_between_them(
    shared: bool, request: pytest.FixtureRequest, live_db: Database, mongo_port: int
) -> None:
    cache_url = request.getfixturevalue("fresh_redis") if shared else None
    settings = two_worker_settings(mongo_url(mongo_port, live_db.name), cache_url)
    counted = [Aggregations(), Aggregations()]
    async with (
        serving(settings, [counted[0]]) as one,
        serving(settings, [counted[1]]) as two,
        ws_client(one) as first,
        ws_client(two) as second,
    ):
        payloads = [await subscribed(first, ALICE), await subscribed(second, BOB)]
        async with sse_client(two, ALICE, QUERY, VARIABLES) as third:
            event, payload = await third.receive()
            assert event == "next"
            assert [*payloads, payload] == [table(1, 1)] * 3

            live_db.rocketchat_room.insert_one(room("r3", at("2024-05-04T10:00"), "d1"))
            changed = time.monotonic()
            pushed = await asyncio.gather(first.receive(), second.receive(), third.receive())
            assert time.monotonic() - changed < EVERY + MARGIN  # in both workers
            assert [pushed[0]["payload"], pushed[1]["payload"], pushed[2][1]] == [table(2, 1)] * 3

            await between_ticks()
            ticks = computations(one, two)
            ran = counted[0].count + counted[1].count  # the query is one aggregation
            assert min(ticks) >= 2
            if shared:  # the same instants in both: each computed by one worker only
                assert ran == max(ticks)
            else:
                assert ran == sum(ticks)


async def test_a_wall_screen_watched_in_two_workers_costs_one_wall_screen_per_tick(
    seeded: SeedReport, mongo_port: int, manager_headers: dict[str, str], fresh_redis: str
) -> None:
    """Every read of the monitoring page (the agents' open sessions end at the tick's
    instant, not at each worker's clock) is the same command in both workers."""
    settings = two_worker_settings(mongo_url(mongo_port, SEEDED_DB), fresh_redis)
    counted = [Aggregations(), Aggregations()]
    async with (
        serving(settings, [counted[0]]) as one,
        serving(settings, [counted[1]]) as two,
        httpx2.AsyncClient() as client,
    ):
        # what one wall screen costs: the same selection as a plain query, cache empty
        body = {"query": WALL, "variables": WALL_VARIABLES}
        response = await client.post(one.http_url, json=body, headers=manager_headers)
        assert response.status_code == 200 and "errors" not in response.json()
        per_screen = counted[0].count
        assert per_screen >= 3
        counted[0].count = 0

        async with ws_client(one) as first, ws_client(two) as second:
            for client_ in (first, second):
                assert (await client_.init(manager_headers))["type"] == "connection_ack"
                await client_.subscribe("1", LIVE_WALL, WALL_VARIABLES)
            firsts = [await first.receive(), await second.receive()]
            assert [m["type"] for m in firsts] == ["next", "next"]
            assert firsts[0]["payload"] == firsts[1]["payload"]
            assert "errors" not in firsts[0]["payload"]
            watched = dict(firsts[0]["payload"]["data"]["live"]["monitoring"])
            asked = dict(response.json()["data"]["monitoring"])
            for figures in (watched, asked):  # as of the tick's instant / of the request
                figures.pop("averageAvailableTime")
            assert watched == asked
            await asyncio.sleep(2 * EVERY)
            await between_ticks()
            ticks = computations(one, two)
            assert min(ticks) >= 3
            assert counted[0].count + counted[1].count == per_screen * max(ticks)
