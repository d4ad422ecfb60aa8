"""Requests per second of small cached-plan queries against ``omnigate serve``.

``omnigate serve`` runs on 127.0.0.1 with 1 and then 2 uvicorn workers over a seeded
SecantusDB; a load generator in a SECOND process (this script with ``--load``) keeps
``--concurrency`` requests in flight (a minimal asyncio HTTP/1.1 client over keep-alive
connections) for ``--seconds`` (after a
2-second warm-up that is not counted), and reports requests/s, latency and errors (any
status but 200 or any GraphQL error counts). Queries:

* ``department``: ``{ department(departmentId: ...) { name } }`` (one ``find`` per request);
* ``page``: ``{ departments(first: 5) { edges { node { name } } } }`` (one ``find``);
* ``typename``: ``{ __typename }`` (no database: the gateway's own ceiling).

    .venv/bin/python bench/throughput.py [--seconds 10] [--concurrency 16] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
from common import Summary, arguments, children, cpu_seconds, dataset, machine, serve

QUERIES = {
    "department": '{ department(departmentId: "%s") { name } }',
    "page": "{ departments(first: 5) { edges { node { name } } } }",
    "typename": "{ __typename }",
}
WARM_UP = 2.0


async def load(
    base: str, headers: dict[str, str], query: str, seconds: float, concurrency: int
) -> dict[str, Any]:
    """Keep ``concurrency`` keep-alive connections busy, one request in flight on each.

    A minimal HTTP/1.1 client on asyncio streams (the request bytes are built once, the
    response is read by ``Content-Length``): a full client such as httpx2 costs more CPU
    per request than the gateway's small queries and would measure itself instead.
    """
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"query": query}).encode()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"POST /graphql HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n{head}\r\n"
    ).encode() + body
    ok = errors = 0
    latencies: list[float] = []
    failures: dict[str, int] = {}
    started = time.perf_counter()
    counting_from = started + WARM_UP
    deadline = counting_from + seconds
    cpu = 0.0

    async def connection() -> None:
        nonlocal ok, errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while (now := time.perf_counter()) < deadline:
                try:
                    writer.write(request)
                    status_line = await reader.readline()
                    length = 0
                    while (line := await reader.readline()) not in (b"\r\n", b""):
                        if line[:15].lower() == b"content-length:":
                            length = int(line[15:])
                    content = await reader.readexactly(length)
                    status = int(status_line.split()[1])
                    good = status == 200 and b'"errors"' not in content
                    reason = "" if good else f"HTTP {status}"
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                    good, reason = False, type(exc).__name__
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                done = time.perf_counter()
                if now < counting_from:
                    continue
                if good:
                    ok += 1
                    latencies.append(done - now)
                else:
                    errors += 1
                    failures[reason] = failures.get(reason, 0) + 1
        finally:
            writer.close()

    cpu_started = time.process_time()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    cpu = time.process_time() - cpu_started
    elapsed = time.perf_counter() - counting_from
    summary = Summary.of(latencies) if latencies else None
    return {
        "requests": ok,
        "errors": errors,
        "failures": failures,
        "seconds": elapsed,
        "rps": ok / elapsed,
        "median_ms": summary.median * 1e3 if summary else None,
        "p95_ms": summary.p95 * 1e3 if summary else None,
        "load_cpu": cpu / (time.perf_counter() - started),
    }


def run_load_process(
    base: str, headers: dict[str, str], query: str, seconds: float, concurrency: int
) -> dict[str, Any]:
    """The load generator in its own process (so it does not share the gateway's GIL)."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--load",
        base,
        "--headers",
        json.dumps(headers),
        "--query",
        query,
        "--seconds",
        str(seconds),
        "--concurrency",
        str(concurrency),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], rooms=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--queries", nargs="+", default=list(QUERIES), choices=list(QUERIES))
    parser.add_argument(
        "--stacks",
        nargs="+",
        default=["serve"],
        choices=list(STACK_LABELS),
        help="serve: `omnigate serve` as installed (uvicorn picks httptools+uvloop when "
        "they are installed); h11 / httptools: the same code with that HTTP parser and event "
        "loop forced (httptools needs uvicorn[standard]); uvicorn-h11: plain `uvicorn "
        "--workers N` on h11, without omnigate's TCP_NODELAY fix",
    )
    parser.add_argument("--load", help=argparse.SUPPRESS)  # internal: be the load generator
    parser.add_argument("--headers", help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        result = asyncio.run(
            load(args.load, json.loads(args.headers), args.query, args.seconds, args.concurrency)
        )
        print(json.dumps(result))
        return
    print(f"machine: {machine()}")
    results: list[tuple[str, int, str, dict[str, Any]]] = []
    with dataset(args.rooms, data_dir=args.data_dir) as data:
        for stack in args.stacks:
            for workers in args.workers:
                with serve(data.url, workers=workers, stack=_stack(stack)) as (base, pid):
                    department_id = _first_department(base, data.headers)
                    processes = children(pid) if workers > 1 else [pid]
                    for name in args.queries:
                        query = QUERIES[name].replace("%s", department_id)
                        before = [cpu_seconds(p) for p in processes]
                        result = run_load_process(
                            base, data.headers, query, args.seconds, args.concurrency
                        )
                        result["worker_cpu"] = [
                            round(cpu_seconds(p) - b, 2)
                            for p, b in zip(processes, before, strict=True)
                        ]
                        results.append((stack, workers, name, result))
                        print(
                            f"  {stack} workers={workers} {name:<10} {result['rps']:8.0f} "
                            f"req/s errors {result['errors']}",
                            file=sys.stderr,
                            flush=True,
                        )
    print(
        f"\nload generator in another process: {args.concurrency} concurrent requests "
        f"for {args.seconds:.0f} s (+{WARM_UP:.0f} s warm-up), {args.rooms} rooms; "
        "worker CPU = seconds of CPU each worker used over warm-up + run\n"
    )
    print(
        f"  {'server':<22} {'workers':>7}  {'query':<10} {'req/s':>7} {'median':>8} "
        f"{'p95':>8} {'requests':>8} {'errors':>6}  {'loadgen CPU':>11}  worker CPU s"
    )
    for stack, workers, name, r in results:
        print(
            f"  {STACK_LABELS[stack]:<22} {workers:>7}  {name:<10} {r['rps']:7.0f} "
            f"{r['median_ms']:6.1f}ms {r['p95_ms']:6.1f}ms {r['requests']:8d} "
            f"{r['errors']:6d}  {100 * r['load_cpu']:10.0f}%  {r['worker_cpu']}"
            + (f"  {r['failures']}" if r["failures"] else "")
        )
    total_errors = sum(r["errors"] for *_, r in results)
    print(f"\n  errors: {total_errors} (target 0): {'meets' if total_errors == 0 else 'MISSES'}")


STACK_LABELS = {
    "serve": "omnigate serve",
    "h11": "serve, h11+asyncio",
    "httptools": "serve, httptools+uvloop",
    "uvicorn-h11": "plain uvicorn, h11",
}


def _stack(name: str) -> str | None:
    return None if name == "serve" else name


def _first_department(base: str, headers: dict[str, str]) -> str:
    response = httpx2.post(
        f"{base}/graphql",
        json={"query": "{ departments(first: 1) { edges { node { departmentId } } } }"},
        headers=headers,
        timeout=60.0,
    )
    response.raise_for_status()
    return response.json()["data"]["departments"]["edges"][0]["node"]["departmentId"]


if __name__ == "__main__":
    main()
