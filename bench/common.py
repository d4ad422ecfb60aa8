"""Shared pieces of the benchmark scripts (see docs/benchmarks.md).

A *dataset* is a SecantusDB child process seeded with ``omnigate.seed`` (fixed seed and
clock, so every run reads the same documents) over ``DEPARTMENTS`` departments: the seed's
catalogue has 12, the dashboard of SPEC §3 asks for a page of 100, so the seed runs with 88
more small teams in its catalogue (``wide_catalogue``). The gateway is then measured on the
dashboard query (100 departments × 8 metrics for one 30-day range, plus the overview).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from omnigate.config import Operations, Settings
from omnigate.embedded import EmbeddedServer
from omnigate.playground import load_examples
from omnigate.seed import DatabaseNotEmpty, seed

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

SEED = 1
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)  # the seeded data covers the 90 days before
RANGE_START = NOW - timedelta(days=30)
RANGE = {"start": RANGE_START.isoformat(), "end": NOW.isoformat()}
DEPARTMENTS = 100
CREDENTIALS = "bench-credentials.json"
# SecantusDB is pure Python: at 100k rooms one aggregation takes tens of seconds, beyond
# the default 15 s maxTimeMS; the benchmarks measure, they do not test the time limit.
MAX_TIME_MS = 600_000
# The benchmarks measure each request's own work: the result cache is off unless a script
# turns it on (bench/viewers.py does, through OMNIGATE_CACHE_SECONDS).
NO_CACHE = Operations(cache_seconds=0)

# the playground's department dashboard (GraphiQL's first tab), run for a fixed range
DASHBOARD_QUERY = next(e.query for e in load_examples() if e.name == "01-department-dashboard")
DASHBOARD_VARIABLES = {"range": RANGE}
DASHBOARD_BODY = {"query": DASHBOARD_QUERY, "variables": DASHBOARD_VARIABLES}


# --------------------------------------------------------------------------- datasets


@dataclass(frozen=True, slots=True)
class Dataset:
    """A running, seeded database and the manager login to query it with."""

    url: str
    rooms: int
    headers: dict[str, str]
    seed_seconds: float  # 0.0 when reused from --data-dir
    server_pid: int | None

    @property
    def settings(self) -> Settings:
        return Settings(mongo_url=self.url, max_time_ms=MAX_TIME_MS, operations=NO_CACHE)


BENCH_SHARE = 0.02  # of each added department; the 12 of the seed's catalogue sum to 1


@contextmanager
def wide_catalogue(total: int = DEPARTMENTS) -> Iterator[None]:
    """Let ``omnigate.seed`` write ``total`` departments: its catalogue of 12 plus small
    teams that take ``BENCH_SHARE`` of the chats each (a long tail after the big ones).

    Patching the catalogue at seeding time costs nothing, where reassigning the rooms of
    a seeded database afterwards takes longer than seeding itself on SecantusDB.
    """
    from omnigate.seed import cast
    from omnigate.seed.departments import CATALOGUE, DepartmentSpec

    extra = tuple(
        DepartmentSpec(f"Team {i:03d}", "added by bench/common.py", BENCH_SHARE, 1)
        for i in range(len(CATALOGUE) + 1, total + 1)
    )
    cast.CATALOGUE = CATALOGUE + extra  # type: ignore[misc]
    try:
        yield
    finally:
        cast.CATALOGUE = CATALOGUE  # type: ignore[misc]


@contextmanager
def dataset(
    rooms: int, *, data_dir: Path | None = None, departments: int = DEPARTMENTS, quiet: bool = False
) -> Iterator[Dataset]:
    """A SecantusDB process holding ``rooms`` seeded rooms over ``departments`` departments.

    With ``data_dir`` the database is kept there (one sub-directory per room count) and
    reused by later runs, which then skip seeding.
    """
    storage = None if data_dir is None else data_dir / f"rooms-{rooms}"
    server = EmbeddedServer(storage)
    url = server.start()
    try:
        saved = storage / CREDENTIALS if storage is not None else None
        if saved is not None and saved.exists():
            credentials = json.loads(saved.read_text())
            headers, seed_seconds = credentials["headers"], 0.0
            log(quiet, f"reusing {rooms} rooms from {storage}")
        else:
            log(quiet, f"seeding {rooms} rooms over {departments} departments ...")
            try:
                with wide_catalogue(departments):
                    report = seed(url, rooms=rooms, seed=SEED, now=NOW)
            except DatabaseNotEmpty:
                raise SystemExit(f"{storage} holds data but no {CREDENTIALS}: remove it") from None
            headers = {"X-User-Id": report.manager_id, "X-Auth-Token": report.manager_token}
            seed_seconds = report.seconds
            log(quiet, f"seeded in {seed_seconds:.1f} s ({report.messages} messages)")
            if saved is not None:
                saved.write_text(json.dumps({"headers": headers}))
        yield Dataset(url, rooms, headers, seed_seconds, server.pid)
    finally:
        server.stop()


def log(quiet: bool, message: str) -> None:
    if not quiet:
        print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- MongoDB traffic


def family(collection: str, pipeline: list[dict[str, Any]]) -> str:
    """Which of the gateway's aggregations a pipeline is (by its shape)."""
    if collection == "rocketchat_message":
        return "transfers"
    if collection == "rocketchat_livechat_agent_activity":
        return "agent activity"
    group = next((stage["$group"] for stage in pipeline if "$group" in stage), {})
    if str(group.get("_id")).startswith("$servedBy."):
        return "agent served"
    if str(group.get("_id")).startswith("$responseBy."):
        return "agent first response"
    if isinstance(group.get("_id"), dict) and "day" in group["_id"]:
        return "overview"
    if any("closedAt" in stage.get("$match", {}) for stage in pipeline):
        return "closed"
    return "opened" if collection == "rocketchat_room" else collection


@dataclass
class CommandCounter(CommandListener):
    """Counts the commands a client sends and the documents the server sends back
    (``cursor.firstBatch``/``nextBatch`` of aggregate, find and getMore; 1 for ``count``)."""

    commands: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    aggregations: list[tuple[str, int]] = field(default_factory=list)  # (family, rows)
    _names: dict[int, str] = field(default_factory=dict)

    def reset(self) -> None:
        self.commands.clear()
        self.rows.clear()
        self.aggregations.clear()
        self._names.clear()

    def started(self, event: CommandStartedEvent) -> None:
        self.commands[event.command_name] += 1
        if event.command_name == "aggregate":
            self._names[event.request_id] = family(
                str(event.command["aggregate"]), event.command.get("pipeline", [])
            )

    def succeeded(self, event: CommandSucceededEvent) -> None:
        reply = event.reply
        cursor = reply.get("cursor")
        if cursor is not None:
            batch = cursor.get("firstBatch", cursor.get("nextBatch", []))
            count = len(batch)
        elif event.command_name == "count":
            count = 1
        else:
            count = 0
        self.rows[event.command_name] += count
        collection = self._names.pop(event.request_id, None)
        if collection is not None:
            self.aggregations.append((collection, count))

    def failed(self, event: CommandFailedEvent) -> None:
        self._names.pop(event.request_id, None)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# ------------------------------------------------------------------- gateway clients


@asynccontextmanager
async def asgi_client(
    settings: Settings, *, event_listeners: Sequence[CommandListener] = ()
) -> AsyncIterator[httpx2.AsyncClient]:
    """The whole ASGI app in this process (lifespan included), behind an httpx2 client."""
    from omnigate.http.app import create_app

    app = create_app(settings, event_listeners=event_listeners)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
            yield client


async def post_graphql(
    client: httpx2.AsyncClient, headers: dict[str, str], body: dict[str, Any] = DASHBOARD_BODY
) -> dict[str, Any]:
    response = await client.post("/graphql", json=body, headers=headers)
    response.raise_for_status()
    result = response.json()
    if result.get("errors"):
        raise RuntimeError(f"GraphQL errors: {result['errors']}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# HTTP parser and event loop of uvicorn: h11 + asyncio are pure Python (what a plain
# `pip install omnigate` runs with); httptools + uvloop are uvicorn's `standard` extra.
STACKS = {"h11": ("h11", "asyncio"), "httptools": ("httptools", "uvloop")}
# `omnigate serve` (src/omnigate/cli.py) with the HTTP parser and loop forced.
_SERVE_WITH_STACK = """
import sys, uvicorn
from uvicorn.supervisors import Multiprocess
from omnigate.cli import _TcpConfig
host, port, workers, http, loop = sys.argv[1:]
options = dict(factory=True, host=host, port=int(port), log_level="warning", http=http, loop=loop)
if int(workers) <= 1:
    uvicorn.run("omnigate.http.app:create_app", **options)
else:
    config = _TcpConfig("omnigate.http.app:create_app", workers=int(workers), **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
"""


@contextmanager
def serve(
    url: str,
    *,
    workers: int = 1,
    stack: str | None = None,
    timeout: float = 30.0,
    environment: dict[str, str] | None = None,
) -> Iterator[tuple[str, int]]:
    """``omnigate serve`` as a child process on 127.0.0.1; yields (base URL, its pid).

    ``environment`` adds (or overrides) variables of the server. On exit the server gets
    10 s to stop, then its whole process group (workers included) is killed.

    ``stack`` forces uvicorn's HTTP parser and loop: "h11" or "httptools" run the code of
    ``omnigate serve`` with them; "uvicorn-h11" runs plain ``uvicorn --workers`` on h11
    (whose shared socket lacks TCP_NODELAY, see ``omnigate.cli._TcpConfig``).
    """
    port = free_port()
    env = {
        "OMNIGATE_CACHE_SECONDS": "0",  # unless the environment says otherwise
        **os.environ,
        "MONGO_URL": url,
        "OMNIGATE_MAX_TIME_MS": str(MAX_TIME_MS),
        **(environment or {}),
    }
    if stack is None:
        command = [
            str(VENV_BIN / "omnigate"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    elif stack == "uvicorn-h11":
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "omnigate.http.app:create_app",
            "--factory",
            "--http",
            "h11",
            "--loop",
            "asyncio",
            "--log-level",
            "warning",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    else:
        command = [
            sys.executable,
            "-c",
            _SERVE_WITH_STACK,
            "127.0.0.1",
            str(port),
            str(workers),
            *STACKS[stack],
        ]
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx2.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"omnigate serve did not start (exit {process.poll()})")
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # workers still answering, too
            process.wait()


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (kB) of a process, from /proc/PID/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/PID/stat (10 ms resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------- statistics


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Summary:
    n: int
    median: float
    p95: float
    minimum: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Summary:
        return cls(len(samples), statistics.median(samples), percentile(samples, 95), min(samples))

    def ms(self) -> str:
        return (
            f"median {self.median * 1e3:8.2f} ms   p95 {self.p95 * 1e3:8.2f} ms   "
            f"min {self.minimum * 1e3:8.2f} ms   (n={self.n})"
        )


async def interleaved(
    variants: dict[str, Callable[[], Awaitable[Any]]], rounds: int
) -> dict[str, list[float]]:
    """Wall time of each variant, run in turn ``rounds`` times (order rotated every round)."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            await variants[name]()
            samples[name].append(time.perf_counter() - started)
    return samples


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}, "
        f"load average {load[0]:.2f} at start"
    )


def arguments(description: str, rooms: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rooms", type=int, default=rooms, help=f"rooms to seed (default {rooms})")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the seeded database here and reuse it next time"
    )
    return parser


def run(main: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(main())
