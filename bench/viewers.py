"""Many dashboards watching: the database's work against the number of viewers.

N simulated viewers (10, 100, 1000) each keep the playground's department dashboard open,
refreshing it every 5 s as Rocket.Chat's monitoring page does (a refresh is skipped while
the previous one is still loading), against ``omnigate serve`` with 1 and 2 workers,
without the result cache, with it (per process), and with 2 workers sharing it in Redis.
The database is reached through ``WireCounter`` (bench/wire.py), which counts the commands
it receives; the viewers run in another process (a minimal HTTP/1.1 client on keep-alive
connections). Each run lasts ``--seconds`` (viewers start spread over the first 5 s), then
up to ``--grace`` seconds for the answers still loading; what is still unanswered then
counts as unfinished. Reported: database aggregations (and finds) per second, answered
refreshes, p50/p99 latency, gateway CPU (all its processes; 100% = one core).

    .venv/bin/python bench/viewers.py [--viewers 10 100 1000] [--seconds 20] [--rooms 2000]
        [--data-dir DIR] [--json out.json] [--plot docs/benchmarks-viewers.png]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from common import (
    DASHBOARD_BODY,
    arguments,
    children,
    cpu_seconds,
    dataset,
    free_port,
    machine,
    percentile,
    serve,
)
from pymongo import MongoClient
from wire import WireCounter

PERIOD = 5.0  # seconds between two refreshes of one dashboard
REDIS_OPTIONS = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
AGGREGATIONS_PER_DASHBOARD = 4  # opened, closed, transfers, overview (tests/ops check it)
# name: (workers, environment of `omnigate serve`); "{redis}" is the Redis URL
CONFIGS: dict[str, tuple[int, dict[str, str]]] = {
    "1 worker, no cache": (1, {"OMNIGATE_CACHE_SECONDS": "0"}),
    "1 worker, cache": (1, {"OMNIGATE_CACHE_SECONDS": "5"}),
    "2 workers, no cache": (2, {"OMNIGATE_CACHE_SECONDS": "0"}),
    "2 workers, cache per worker": (2, {"OMNIGATE_CACHE_SECONDS": "5"}),
    "2 workers, Redis": (2, {"OMNIGATE_CACHE_SECONDS": "5", "OMNIGATE_CACHE_URL": "{redis}"}),
}


# ------------------------------------------------------------------ the viewers' process


async def watch(
    base: str, headers: dict[str, str], viewers: int, seconds: float, grace: float
) -> dict[str, Any]:
    """``viewers`` dashboards, each refreshed every PERIOD s from its own start time."""
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps(DASHBOARD_BODY).encode()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"POST /graphql HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n{head}\r\n"
    ).encode() + body
    latencies: list[float] = []
    counts = {"answered": 0, "errors": 0, "skipped": 0}
    started = time.perf_counter()
    stop_at = started + seconds

    async def viewer(index: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        due = started + PERIOD * index / viewers  # opened at different moments
        try:
            while due < stop_at:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                sent = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                content = await reader.readexactly(length)
                answered = time.perf_counter()
                if status_line.split()[1:2] == [b"200"] and b'"errors"' not in content:
                    counts["answered"] += 1
                    latencies.append(answered - sent)
                else:
                    counts["errors"] += 1
                due += PERIOD
                while due < answered:  # refreshes that fell while this one was loading
                    counts["skipped"] += due < stop_at
                    due += PERIOD
        finally:
            writer.close()

    tasks = [asyncio.ensure_future(viewer(i)) for i in range(viewers)]
    done, pending = await asyncio.wait(tasks, timeout=seconds + grace)
    for task in pending:
        task.cancel()
    failures = [t.exception() for t in done if t.exception() is not None]
    return {
        **counts,
        "unfinished": len(pending),
        "connection_failures": len(failures),
        "seconds": time.perf_counter() - started,
        "p50_ms": percentile(latencies, 50) * 1e3 if latencies else None,
        "p99_ms": percentile(latencies, 99) * 1e3 if latencies else None,
    }


def run_viewers(
    base: str, headers: dict[str, str], viewers: int, seconds: float, grace: float
) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--watch",
        base,
        "--headers",
        json.dumps(headers),
        "--viewers",
        str(viewers),
        "--seconds",
        str(seconds),
        "--grace",
        str(grace),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + grace + 60, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- the conductor


@contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away redis-server (no persistence) on a free port."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed: apt-get install -y redis-server")
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), *REDIS_OPTIONS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def settle(url: str, limit: float = 300.0) -> float:
    """Wait until the database answers a trivial aggregation at once: the aggregations of
    the previous run, which outlive its gateway, have drained. The seconds waited."""
    started = time.monotonic()
    with MongoClient(url) as client:
        rooms = client.get_default_database().rocketchat_room
        while time.monotonic() - started < limit:
            probe = time.perf_counter()
            rooms.aggregate([{"$limit": 1}]).to_list()
            if time.perf_counter() - probe < 0.2:
                break
            time.sleep(0.5)
    return time.monotonic() - started


def measure(
    url: str,
    headers: dict[str, str],
    wire: WireCounter,
    config: str,
    redis_url: str,
    viewers: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """One run: a fresh gateway (and an empty Redis), ``viewers`` dashboards."""
    workers, variables = CONFIGS[config]
    variables = {name: value.format(redis=redis_url) for name, value in variables.items()}
    # nothing outlives the run's window by more than that (SecantusDB queues aggregations)
    variables["OMNIGATE_MAX_TIME_MS"] = str(round((args.seconds + args.grace) * 1000))
    redis.Redis.from_url(redis_url).flushdb()
    with serve(url, workers=workers, environment=variables) as (base, pid):
        processes = [pid, *children(pid)]
        before = sum(cpu_seconds(p) for p in processes)
        wire.reset()
        result = run_viewers(base, headers, viewers, args.seconds, args.grace)
        commands = wire.counts()
        cpu = sum(cpu_seconds(p) for p in processes) - before
    seconds = result["seconds"]
    return {
        "config": config,
        "workers": workers,
        "viewers": viewers,
        **result,
        "aggregations": commands["aggregate"],
        "finds": commands["find"] + commands["count"],
        "aggregations_per_s": commands["aggregate"] / seconds,
        "finds_per_s": (commands["find"] + commands["count"]) / seconds,
        "gateway_cpu_percent": 100 * cpu / seconds,
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| viewers | gateway | DB aggregations/s | DB finds/s | answered | skipped "
        "| unfinished | p50 | p99 | gateway CPU |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        p50 = f"{r['p50_ms']:.0f} ms" if r["p50_ms"] is not None else "-"
        p99 = f"{r['p99_ms']:.0f} ms" if r["p99_ms"] is not None else "-"
        lines.append(
            f"| {r['viewers']} | {r['config']} | {r['aggregations_per_s']:.1f} "
            f"| {r['finds_per_s']:.1f} | {r['answered']} | {r['skipped']} "
            f"| {r['unfinished']} | {p50} | {p99} | {r['gateway_cpu_percent']:.0f}% |"
        )
    return "\n".join(lines)


def plot(results: list[dict[str, Any]], path: Path, per_dashboard: int) -> None:
    """Aggregations reaching the database, and the median refresh, against viewers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (work, latency) = plt.subplots(1, 2, figsize=(11, 4.2))
    viewers = sorted({r["viewers"] for r in results})
    asked = [per_dashboard * v / PERIOD for v in viewers]
    work.plot(viewers, asked, "k--", label="asked by the viewers")
    for config in CONFIGS:
        runs = sorted((r for r in results if r["config"] == config), key=lambda r: r["viewers"])
        if not runs:
            continue
        xs = [r["viewers"] for r in runs]
        work.plot(xs, [r["aggregations_per_s"] for r in runs], "o-", label=config)
        latency.plot(xs, [r["p50_ms"] / 1000 if r["p50_ms"] else float("nan") for r in runs], "o-")
    for axis in (work, latency):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("dashboards open (each refreshed every 5 s)")
        axis.grid(True, which="both", alpha=0.3)
    work.set_ylabel("aggregations/s reaching the database")
    latency.set_ylabel("median refresh (s); none answered: no point")
    work.legend(fontsize=8)
    figure.suptitle("bench/viewers.py: the database's work stops growing with viewers")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], rooms=2_000)
    parser.add_argument("--viewers", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--grace", type=float, default=10.0)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--plot", type=Path, help="draw the figure here (PNG)")
    parser.add_argument("--replot", type=Path, help="only draw --plot from this --json file")
    parser.add_argument("--watch", help=argparse.SUPPRESS)  # internal: be the viewers
    parser.add_argument("--headers", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replot:
        plot(json.loads(args.replot.read_text()), args.plot, AGGREGATIONS_PER_DASHBOARD)
        return
    if args.watch:
        [viewers] = args.viewers
        result = asyncio.run(
            watch(args.watch, json.loads(args.headers), viewers, args.seconds, args.grace)
        )
        print(json.dumps(result))
        return
    print(f"machine: {machine()}", flush=True)
    results = []
    with (
        dataset(args.rooms, data_dir=args.data_dir) as data,
        redis_server() as redis_url,
        WireCounter("127.0.0.1", int(data.url.split(":")[2].split("/")[0])) as wire,
    ):
        url = data.url.replace(data.url.split("/")[2], f"127.0.0.1:{wire.port}")
        for viewers in args.viewers:
            for config in args.configs:
                waited = settle(data.url)
                result = measure(url, data.headers, wire, config, redis_url, viewers, args)
                result["settled_s"] = round(waited, 1)
                results.append(result)
                print(
                    f"  {viewers:5d} viewers  {config:<28} "
                    f"{result['aggregations_per_s']:7.1f} aggregations/s  "
                    f"answered {result['answered']:5d}  unfinished {result['unfinished']:4d}  "
                    f"p99 {result['p99_ms'] or 0:8.0f} ms  "
                    f"CPU {result['gateway_cpu_percent']:4.0f}%  (waited {waited:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    print(
        f"\n{args.rooms} rooms, 100 departments; each viewer refreshes the dashboard every "
        f"{PERIOD:.0f} s for {args.seconds:.0f} s (+{args.grace:.0f} s grace)\n"
    )
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.plot:
        plot(results, args.plot, per_dashboard=AGGREGATIONS_PER_DASHBOARD)


if __name__ == "__main__":
    main()
