"""Gateway overhead: the dashboard through omnigate vs the same MongoDB work done directly.

Same SecantusDB process, same data, interleaved rounds (the order rotates every round):

* ``gateway``: ``POST /graphql`` with the dashboard query (100 departments × 8 metrics +
  overview) through the whole ASGI app in this process (httpx2 ``ASGITransport``: auth,
  GraphQL parse/validate/execute, DataLoaders, orjson) or, with ``--server``, through
  ``omnigate serve`` on 127.0.0.1;
* ``direct``: the same commands with pymongo and omnigate's metric functions, no GraphQL:
  the settings ``find``, the department page ``find`` and ``count``, then the four
  aggregations (opened, closed, transfers, overview) at once, folded into rows;
* ``aggregations``: only the four aggregations (department ids known beforehand).

    .venv/bin/python bench/overhead.py [--rooms 20000] [--rounds 12] [--server]
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from common import (
    DASHBOARD_BODY,
    NOW,
    RANGE_START,
    Summary,
    arguments,
    asgi_client,
    dataset,
    interleaved,
    machine,
    post_graphql,
    serve,
)

from omnigate.db import Store, create_client, database_name
from omnigate.metrics.closed import closed_by_department
from omnigate.metrics.opened import opened_by_department
from omnigate.metrics.overview import overview
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.settings import read_settings
from omnigate.metrics.timezones import parse_timezone, reporting_timezone
from omnigate.metrics.transfers import transfers_by_department
from omnigate.records import departments as department_records
from omnigate.scope import UNRESTRICTED

TARGET = 1.2


@asynccontextmanager
async def gateway_client(
    url: str, settings: Any, use_server: bool
) -> AsyncIterator[httpx2.AsyncClient]:
    if not use_server:
        async with asgi_client(settings) as client:
            yield client
        return
    with serve(url) as (base, _pid):
        async with httpx2.AsyncClient(base_url=base, timeout=120.0) as client:
            yield client


async def direct_variants(
    store: Store,
) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]:
    """(the gateway's commands done directly, only its four aggregations)."""
    time_range = TimeRange.of(RANGE_START, NOW)

    async def aggregations(ids: list[str], timeout: int, timezone: Any) -> Any:
        return await asyncio.gather(
            opened_by_department(
                store, GroupQuery.of(time_range, UNRESTRICTED, ids), timeout=timeout
            ),
            closed_by_department(
                store, GroupQuery.of(time_range, UNRESTRICTED, ids), timeout=timeout
            ),
            transfers_by_department(store, GroupQuery.of(time_range, UNRESTRICTED, ids)),
            overview(store, time_range, UNRESTRICTED, None, timezone),
        )

    async def same_commands() -> Any:
        settings = await read_settings(store)
        timezone = reporting_timezone(
            None, settings, server_timezone=parse_timezone("UTC"), user_utc_offset=0
        )
        page, _count = await asyncio.gather(
            department_records.name_page(
                store,
                UNRESTRICTED,
                descending=False,
                after=None,
                before=None,
                from_end=False,
                limit=101,
            ),
            department_records.count(store, UNRESTRICTED),
        )
        ids = [record.id for record in page]
        return await aggregations(ids, settings.visitor_inactivity_timeout, timezone)

    settings = await read_settings(store)
    timezone = reporting_timezone(
        None, settings, server_timezone=parse_timezone("UTC"), user_utc_offset=0
    )
    page = await department_records.name_page(
        store, UNRESTRICTED, descending=False, after=None, before=None, from_end=False, limit=101
    )
    page_ids = [record.id for record in page]

    async def only_aggregations() -> Any:
        return await aggregations(page_ids, settings.visitor_inactivity_timeout, timezone)

    return same_commands, only_aggregations


async def main() -> None:
    parser = arguments(__doc__.splitlines()[0], rooms=20_000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--server", action="store_true", help="omnigate serve on loopback")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with dataset(args.rooms, data_dir=args.data_dir) as data:
        client = create_client(data.url, max_time_ms=600_000)
        store = Store(client[database_name(data.url)], 600_000)
        same_commands, only_aggregations = await direct_variants(store)
        settings = data.settings
        try:
            async with gateway_client(data.url, settings, args.server) as gateway:
                # warm-up: connections, auth cache, parser/validation caches
                await post_graphql(gateway, data.headers, DASHBOARD_BODY)
                await same_commands()
                samples = await interleaved(
                    {
                        "gateway": lambda: post_graphql(gateway, data.headers, DASHBOARD_BODY),
                        "direct": same_commands,
                        "aggregations": only_aggregations,
                    },
                    args.rounds,
                )
        finally:
            await client.close()
    mode = "omnigate serve on 127.0.0.1" if args.server else "in-process ASGI (httpx2)"
    print(
        f"\n{args.rooms} rooms, dashboard (100 departments × 8 metrics + overview), {mode}, "
        f"{args.rounds} interleaved rounds"
    )
    summaries = {name: Summary.of(values) for name, values in samples.items()}
    for name, summary in summaries.items():
        print(f"  {name:<13} {summary.ms()}")
    gateway, direct = summaries["gateway"], summaries["direct"]
    only = summaries["aggregations"]
    ratios = [g / d for g, d in zip(samples["gateway"], samples["direct"], strict=True)]
    print(
        f"\n  gateway/direct        median {gateway.median / direct.median:.3f}   "
        f"p95 {gateway.p95 / direct.p95:.3f}   (per-round median "
        f"{Summary.of(ratios).median:.3f})"
    )
    print(
        f"  gateway/aggregations  median {gateway.median / only.median:.3f}   "
        f"p95 {gateway.p95 / only.p95:.3f}"
    )
    print(f"  gateway - direct      median {(gateway.median - direct.median) * 1e3:.1f} ms")
    verdict = "meets" if gateway.median / direct.median <= TARGET else "MISSES"
    print(f"  target gateway/direct <= {TARGET}: {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
