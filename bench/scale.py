"""Seeding time, dashboard latency and gateway memory as the room count grows.

For each size (default 10,000 and 100,000 rooms; 1,000,000 with ``--max-rooms 1000000``)
it starts a fresh SecantusDB, seeds it (100 departments), starts ``omnigate serve`` (one
worker) on 127.0.0.1, sends the dashboard query (100 departments × 8 metrics + overview)
``--requests`` times after a warm-up, and reads the serving process's peak resident memory
(VmHWM in /proc/PID/status). Writes the plot to docs/benchmarks-scale.png.

    .venv/bin/python bench/scale.py [--max-rooms 1000000] [--requests 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import httpx2
from common import (
    DASHBOARD_BODY,
    ROOT,
    Summary,
    dataset,
    machine,
    proc_status,
    serve,
)

SIZES = (10_000, 100_000, 1_000_000)
PLOT = ROOT / "docs" / "benchmarks-scale.png"


def measure(rooms: int, requests: int, data_dir: Path | None) -> dict[str, Any]:
    with dataset(rooms, data_dir=data_dir) as data, serve(data.url) as (base, pid):
        with httpx2.Client(base_url=base, timeout=3600.0) as client:
            started_rss = proc_status(pid)
            warm = {"query": "{ departments(first: 1) { edges { node { name } } } }"}
            client.post("/graphql", json=warm, headers=data.headers).raise_for_status()
            latencies = []
            rows = None
            for _ in range(requests):
                started = time.perf_counter()
                response = client.post("/graphql", json=DASHBOARD_BODY, headers=data.headers)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()
                body = response.json()
                if body.get("errors"):
                    raise RuntimeError(body["errors"])
                rows = len(body["data"]["departments"]["edges"])
            memory = proc_status(pid)
        database_rss = proc_status(data.server_pid)["VmRSS"] if data.server_pid else None
    summary = Summary.of(latencies)
    return {
        "rooms": rooms,
        "seed_s": data.seed_seconds,
        "latency_median_s": summary.median,
        "latency_min_s": summary.minimum,
        "latencies_s": [round(x, 3) for x in latencies],
        "gateway_hwm_mb": memory["VmHWM"] / 1024,
        "gateway_rss_mb": memory["VmRSS"] / 1024,
        "gateway_rss_start_mb": started_rss["VmRSS"] / 1024,
        "database_rss_mb": database_rss / 1024 if database_rss else None,
        "departments": rows,
    }


def plot(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rooms = [r["rooms"] for r in results]
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    latency.plot(rooms, [r["latency_median_s"] for r in results], "o-", label="dashboard (median)")
    latency.plot(rooms, [r["seed_s"] for r in results], "s--", color="grey", label="seeding")
    latency.set_xscale("log")
    latency.set_yscale("log")
    latency.set_xlabel("livechat rooms")
    latency.set_ylabel("seconds")
    latency.set_title("Dashboard latency (SecantusDB)")
    latency.grid(True, which="both", alpha=0.3)
    latency.legend()
    memory.plot(rooms, [r["gateway_hwm_mb"] for r in results], "o-", label="gateway peak RSS")
    memory.plot(rooms, [r["gateway_rss_mb"] for r in results], "^:", label="gateway RSS after")
    if all(r["database_rss_mb"] for r in results):
        memory.plot(
            rooms,
            [r["database_rss_mb"] for r in results],
            "s--",
            color="grey",
            label="SecantusDB RSS (context)",
        )
    memory.set_xscale("log")
    memory.set_ylim(bottom=0)
    memory.set_xlabel("livechat rooms")
    memory.set_ylabel("MB")
    memory.set_title("Memory of `omnigate serve`")
    memory.grid(True, which="both", alpha=0.3)
    memory.legend()
    figure.suptitle("omnigate: 100 departments × 8 metrics + overview, one 30-day range")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rooms", type=int, default=100_000, choices=SIZES)
    parser.add_argument("--requests", type=int, default=3, help="dashboard requests per size")
    parser.add_argument("--data-dir", type=Path, help="keep/reuse the seeded databases here")
    parser.add_argument("--plot", type=Path, default=PLOT)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    results = [
        measure(rooms, args.requests, args.data_dir) for rooms in SIZES if rooms <= args.max_rooms
    ]
    print(
        f"\n  {'rooms':>9} {'seed':>8} {'dashboard median':>17} {'min':>8} "
        f"{'gateway peak RSS':>17} {'RSS after':>10} {'SecantusDB RSS':>15}"
    )
    for r in results:
        reused = " (reused)" if r["seed_s"] == 0 else ""
        print(
            f"  {r['rooms']:>9,} {r['seed_s']:7.1f}s{reused} {r['latency_median_s']:16.2f}s "
            f"{r['latency_min_s']:7.2f}s {r['gateway_hwm_mb']:14.1f} MB "
            f"{r['gateway_rss_mb']:7.1f} MB {r['database_rss_mb'] or 0:12.1f} MB"
        )
    first, last = results[0], results[-1]
    growth = last["gateway_hwm_mb"] / first["gateway_hwm_mb"]
    print(
        f"\n  gateway peak RSS x{growth:.2f} for x{last['rooms'] / first['rooms']:.0f} rooms "
        f"({'flat' if growth < 1.1 else 'GROWS'})"
    )
    plot(results, args.plot)
    print(f"  plot: {args.plot}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
