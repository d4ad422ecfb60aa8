"""Live queries: what N subscribers of a dashboard cost the gateway and the database.

For each case (1, 100 and 1,000 WebSocket subscribers of the same dashboard, and 100
subscribers of 10 different ones) it starts the gateway in a child process (one worker,
websockets' implementation, MongoDB commands counted there), connects the subscribers from
this process (one graphql-transport-ws connection each, as browsers would), waits for
every first payload, then measures:

* a quiet window of ``--ticks`` intervals: aggregations per tick (the database's work),
  payloads sent (none: nothing changed), gateway CPU;
* a change: one room inserted into the database; the push latency of every subscriber
  (insertion to receipt of the changed payload) and the gateway CPU of that push;
* the gateway's resident memory with the subscribers, against the same process before;
* that closing every connection frees every subscription.

The dashboard is the playground's (100 departments × 8 metrics + the overview, one 30-day
range) as ``subscription { live(every: N) { ... } }``; the 10 different dashboards differ
by their range (the last 21 to 30 days). The interval is 20 s by default: SecantusDB runs
one aggregation at a time and needs about a second for this dashboard at 1,000 rooms, so
ten different dashboards need ten seconds of database time per round (with a shorter
interval the hub skips ticks, as it should, and the figures measure SecantusDB).
Writes docs/benchmarks-live.png.

    .venv/bin/python bench/live.py [--rooms 1000] [--every 20] [--ticks 2] [--no-deflate]
        [--cases 1 100 1000 100x10] [--plot docs/benchmarks-live.png]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from common import (
    DASHBOARD_QUERY,
    NOW,
    ROOT,
    CommandCounter,
    Dataset,
    cpu_seconds,
    dataset,
    free_port,
    machine,
    percentile,
    proc_status,
)
from pymongo import MongoClient
from pymongo.monitoring import CommandStartedEvent
from websockets.asyncio.client import ClientConnection, connect

PLOT = ROOT / "docs" / "benchmarks-live.png"
CASES = {"1": (1, 1), "100": (100, 1), "1000": (1000, 1), "100x10": (100, 10)}
CONNECT_BATCH = 50  # subscribers connecting at once
NEXT = '{"id":"1","type":"next","payload":{"data":{"live":{'  # a payload without errors


def live_dashboard(every: int) -> str:
    """The playground's dashboard query as a live query."""
    selection = DASHBOARD_QUERY[DASHBOARD_QUERY.index("{") :]
    return f"subscription LiveDashboard($range: DateRange!) {{ live(every: {every}) {selection} }}"


def ranges(count: int) -> list[dict[str, str]]:
    """``count`` different ranges: the last 30, 29, ... days before NOW."""
    return [
        {"start": (NOW - timedelta(days=30 - i)).isoformat(), "end": NOW.isoformat()}
        for i in range(count)
    ]


# ------------------------------------------------------------------ the gateway process


class TickClock(CommandCounter):
    """Also notes when each aggregation started (wall clock, as the benchmark's) and the
    start of the range it reads: the first aggregation of a range after a change is the
    start of the tick that pushes it."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[float, str | None]] = []

    def started(self, event: CommandStartedEvent) -> None:
        super().started(event)
        if event.command_name == "aggregate":
            self.starts.append((time.time(), range_start(event.command.get("pipeline", []))))


def range_start(pipeline: list[dict[str, Any]]) -> str | None:
    """The ``ts.$gte`` of a pipeline's first ``$match`` (ISO-8601), if it has one."""
    first = pipeline[0].get("$match", {}) if pipeline else {}
    bound = first.get("ts", {}).get("$gte") if isinstance(first.get("ts"), dict) else None
    return bound.replace(tzinfo=UTC).isoformat() if isinstance(bound, datetime) else None


def serve(url: str, port: int) -> None:
    """The gateway on 127.0.0.1:``port`` with ``/bench/stats``: MongoDB commands counted
    here, the hub's figures, resident memory and CPU time of this process."""
    import uvicorn
    from common import MAX_TIME_MS
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from omnigate.config import Limits, Settings
    from omnigate.http.app import create_app

    counter = TickClock()
    many = 1_000_000  # the benchmark sets its own subscriber counts
    limits = Limits(
        max_subscriptions_per_user=many, max_subscriptions_total=many, max_aggregations=many
    )
    app = create_app(
        Settings(mongo_url=url, max_time_ms=MAX_TIME_MS, limits=limits), event_listeners=[counter]
    )

    async def stats(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "aggregations": counter.commands["aggregate"],
                "aggregation_starts": counter.starts[-200:],
                "finds": counter.commands["find"],
                "hub": app.state.omnigate.live.stats(),
                "rss_kb": proc_status(os.getpid())["VmRSS"],
                "cpu_s": cpu_seconds(os.getpid()),
            }
        )

    app.router.routes.append(Route("/bench/stats", stats))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")


class Gateway:
    """The gateway child process and a client of its HTTP side."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", url, str(self.port)],
            stdin=subprocess.DEVNULL,
        )
        self.http = httpx2.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=600)

    async def ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (await self.http.get("/readyz")).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("the gateway did not start")

    async def stats(self) -> dict[str, Any]:
        return (await self.http.get("/bench/stats")).json()

    async def stop(self) -> None:
        await self.http.aclose()
        self.process.terminate()
        self.process.wait(timeout=30)


# -------------------------------------------------------------------------- subscribers


@dataclass
class Subscriber:
    """One browser: its connection, the payloads it received and when."""

    connection: ClientConnection
    received: list[float]  # when each payload arrived
    message_bytes: int = 0

    async def read(self) -> None:
        async for raw in self.connection:
            received_at = time.time()
            # parsing 1,000 copies of the payload would make this process the bottleneck
            if not raw.startswith(NEXT) or '"errors"' in raw:  # type: ignore[arg-type]
                raise RuntimeError(f"unexpected message {str(raw)[:500]}")
            self.received.append(received_at)
            self.message_bytes = len(raw)


async def subscribe(
    port: int, headers: dict[str, str], query: str, variables: dict[str, Any], deflate: bool
) -> tuple[Subscriber, asyncio.Task[None]]:
    connection = await connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        compression="deflate" if deflate else None,
        max_size=None,
        open_timeout=120,
    )
    await connection.send(json.dumps({"type": "connection_init", "payload": headers}))
    ack = json.loads(await connection.recv())
    if ack["type"] != "connection_ack":
        raise RuntimeError(f"refused: {ack}")
    payload = {"query": query, "variables": variables}
    await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    subscriber = Subscriber(connection, [])
    return subscriber, asyncio.create_task(subscriber.read())


async def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def _utc(instant: str) -> str:
    return datetime.fromisoformat(instant).astimezone(UTC).isoformat()


def new_room(data: Dataset) -> None:
    """One more room, opened an hour before NOW in the first department: every range of
    the benchmark holds it, so every dashboard changes."""
    with MongoClient(data.url) as client:
        database = client.get_default_database()
        department = database.rocketchat_livechat_department.find_one({}, sort=[("_id", 1)])
        assert department is not None
        database.rocketchat_room.insert_one(
            {
                "_id": f"bench-{uuid.uuid4().hex}",
                "t": "l",
                "ts": NOW - timedelta(hours=1),
                "departmentId": department["_id"],
                "open": True,
                "msgs": 3,
                "waitingResponse": True,
            }
        )


# --------------------------------------------------------------------------------- cases


async def measure(
    data: Dataset,
    name: str,
    subscribers: int,
    queries: int,
    every: int,
    ticks: int,
    deflate: bool,
    phase: random.Random,
) -> dict[str, Any]:
    gateway = Gateway(data.url)
    try:
        await gateway.ready()
        query = live_dashboard(every)
        variants = ranges(queries)
        # warm-up: the dashboard once over HTTP (caches, connection pool)
        body = {"query": DASHBOARD_QUERY, "variables": {"range": variants[0]}}
        started = time.monotonic()
        (await gateway.http.post("/graphql", json=body, headers=data.headers)).raise_for_status()
        request_seconds = time.monotonic() - started
        before = await gateway.stats()

        connected: list[tuple[Subscriber, asyncio.Task[None]]] = []
        started = time.monotonic()
        for first in range(0, subscribers, CONNECT_BATCH):
            batch = range(first, min(first + CONNECT_BATCH, subscribers))
            connected += await asyncio.gather(
                *(
                    subscribe(
                        gateway.port,
                        data.headers,
                        query,
                        {"range": variants[i % queries]},
                        deflate,
                    )
                    for i in batch
                )
            )
        clients = [subscriber for subscriber, _ in connected]
        await wait_for(lambda: all(c.received for c in clients), 30 * every, "every first payload")
        first_payload_s = time.monotonic() - started
        with_subscribers = await gateway.stats()

        # the quiet window runs from the end of one tick to the end of ``ticks`` more
        groups = with_subscribers["hub"]["groups"]
        done = with_subscribers["hub"]["computations"]
        while (quiet_start := await gateway.stats())["hub"]["computations"] == done:
            await asyncio.sleep(0.05)
        window_start = time.monotonic()
        sent_before = sum(len(c.received) for c in clients)
        target = quiet_start["hub"]["computations"] + ticks * groups
        while (quiet_end := await gateway.stats())["hub"]["computations"] < target:
            await asyncio.sleep(0.05)
        quiet_seconds = time.monotonic() - window_start
        quiet_payloads = sum(len(c.received) for c in clients) - sent_before

        # the change lands at a random moment of the interval, as changes do
        await asyncio.sleep(phase.uniform(0, every))
        counts = [len(c.received) for c in clients]
        changed_at = time.time()
        await asyncio.to_thread(new_room, data)
        await wait_for(
            lambda: all(len(c.received) > n for c, n in zip(clients, counts, strict=True)),
            10 * every,
            "the changed payload",
        )
        pushed = await gateway.stats()
        latencies = [c.received[n] - changed_at for c, n in zip(clients, counts, strict=True)]
        tick_starts = {}  # range start -> start of the first tick after the change
        for started_at, start in pushed["aggregation_starts"]:
            if started_at > changed_at and start is not None:
                tick_starts.setdefault(start, started_at)
        after_tick = [
            c.received[n] - tick_starts[_utc(variants[i % queries]["start"])]
            for i, (c, n) in enumerate(zip(clients, counts, strict=True))
        ]

        for subscriber, reader in connected:
            await subscriber.connection.close()
            reader.cancel()
        deadline = time.monotonic() + 30
        while (after := await gateway.stats())["hub"]["subscribers"] or after["hub"]["tasks"]:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
    finally:
        await gateway.stop()

    computations = quiet_end["hub"]["computations"] - quiet_start["hub"]["computations"]
    aggregations = quiet_end["aggregations"] - quiet_start["aggregations"]
    intervals = quiet_seconds / every
    return {
        "case": name,
        "subscribers": subscribers,
        "queries": queries,
        "every_s": every,
        "deflate": deflate,
        "request_s": round(request_seconds, 3),
        "first_payloads_s": round(first_payload_s, 2),
        "groups": with_subscribers["hub"]["groups"],
        "quiet_s": round(quiet_seconds, 2),
        "computations_per_tick": round(computations / intervals, 2),
        "aggregations_per_computation": round(aggregations / computations, 2),
        "aggregations_per_tick": round(aggregations / intervals, 2),
        "skipped_ticks": quiet_end["hub"]["skipped_ticks"],
        "quiet_payloads": quiet_payloads,
        "quiet_cpu_percent": round(
            100 * (quiet_end["cpu_s"] - quiet_start["cpu_s"]) / quiet_seconds, 1
        ),
        "push_cpu_ms": round(1000 * (pushed["cpu_s"] - quiet_end["cpu_s"]), 1),
        "latency_median_s": round(percentile(latencies, 50), 3),
        "latency_p95_s": round(percentile(latencies, 95), 3),
        "latency_max_s": round(max(latencies), 3),
        "after_tick_median_s": round(percentile(after_tick, 50), 3),
        "after_tick_p95_s": round(percentile(after_tick, 95), 3),
        "after_tick_max_s": round(max(after_tick), 3),
        "spread_s": round(max(latencies) - min(latencies), 3),
        "message_kb": round(clients[0].message_bytes / 1024, 1),
        "rss_before_mb": round(before["rss_kb"] / 1024, 1),
        "rss_with_mb": round(with_subscribers["rss_kb"] / 1024, 1),
        "memory_kb_per_subscriber": round(
            (with_subscribers["rss_kb"] - before["rss_kb"]) / subscribers, 1
        ),
        "left_after_close": after["hub"],
    }


def plot(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [
        f"{r['subscribers']:,}" + ("" if r["queries"] == 1 else f"\n({r['queries']} dashboards)")
        for r in results
    ]
    positions = range(len(results))
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    axes[0].bar(names, [r["aggregations_per_tick"] for r in results], color="#4477aa")
    axes[0].set_title("MongoDB aggregations per tick")
    width = 0.38
    axes[1].bar(
        [p - width / 2 for p in positions],
        [r["latency_median_s"] for r in results],
        width,
        color="#66ccee",
        label="from the change (median)",
    )
    axes[1].bar(
        [p + width / 2 for p in positions],
        [r["after_tick_median_s"] for r in results],
        width,
        color="#ccbb44",
        label="from the tick's start (median)",
    )
    axes[1].scatter(
        [p + width / 2 for p in positions],
        [r["after_tick_max_s"] for r in results],
        color="#aa3377",
        label="from the tick's start (max)",
        zorder=3,
    )
    axes[1].set_xticks(list(positions), names)
    axes[1].set_title(f"push latency (s), interval {results[0]['every_s']} s")
    axes[1].legend(fontsize=8)
    axes[2].bar(
        [p - width / 2 for p in positions],
        [r["rss_before_mb"] for r in results],
        width,
        color="#bbbbbb",
        label="before",
    )
    axes[2].bar(
        [p + width / 2 for p in positions],
        [r["rss_with_mb"] for r in results],
        width,
        color="#228833",
        label="with the subscribers",
    )
    axes[2].set_xticks(list(positions), names)
    axes[2].set_title("gateway resident memory (MB)")
    axes[2].legend(fontsize=8)
    for axis in axes:
        axis.set_xlabel("subscribers")
    figure.suptitle("Live queries: subscribers of the playground dashboard, one worker")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


async def main(arguments: argparse.Namespace) -> None:
    print(f"# {machine()}", file=sys.stderr)
    results = []
    phase = random.Random(1)
    with dataset(arguments.rooms, data_dir=arguments.data_dir) as data:
        for name in arguments.cases:
            subscribers, queries = CASES[name]
            print(f"  case {name}: {subscribers} subscribers, {queries} queries", file=sys.stderr)
            result = await measure(
                data,
                name,
                subscribers,
                queries,
                arguments.every,
                arguments.ticks,
                not arguments.no_deflate,
                phase,
            )
            print(json.dumps(result), flush=True)
            results.append(result)
    if arguments.plot:
        plot(results, arguments.plot)
        print(f"  plot: {arguments.plot}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=1000, help="rooms to seed (default 1000)")
    parser.add_argument("--data-dir", type=Path, help="keep the seeded database here")
    parser.add_argument("--every", type=int, default=20, help="live(every:) in seconds")
    parser.add_argument("--ticks", type=int, default=2, help="quiet intervals measured")
    parser.add_argument(
        "--no-deflate", action="store_true", help="clients without permessage-deflate"
    )
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--plot", type=Path, default=PLOT, help="where to write the plot")
    asyncio.run(main(parser.parse_args()))
