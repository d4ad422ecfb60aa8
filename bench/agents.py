"""The 100-agent leaderboard next to the department dashboard: aggregations and latency.

Seeds 100 departments and ``--agents`` agents (default 120: the seed's 24 are too few for a
page of 100), then sends through the whole ASGI app, in interleaved rounds:

* ``dashboard``: the playground's department dashboard (100 departments × 8 metrics for one
  30-day range, plus the overview), as the other benchmarks;
* ``leaderboard``: ``agents(first: 100)`` ordered by chats, with the eleven agent metrics
  for the same range (the agents table of Rocket.Chat's Analytics screen, for 100 agents).

For each it counts the MongoDB commands, the aggregations by family and the rows they
return (pymongo ``CommandListener``), then times both.

    .venv/bin/python bench/agents.py [--rooms 20000] [--rounds 8] [--agents 120]
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from common import (
    DASHBOARD_BODY,
    RANGE,
    CommandCounter,
    Summary,
    arguments,
    asgi_client,
    dataset,
    interleaved,
    machine,
    post_graphql,
)

from omnigate.metrics.catalog import AGENT_METRICS, Unit

METRICS = " ".join(
    f"{m.name}(range: $range)" + (" { chats seconds }" if m.unit is Unit.SERVICE_TIME else "")
    for m in AGENT_METRICS
)
LEADERBOARD_QUERY = f"""query Leaderboard($range: DateRange!) {{
  agents(first: 100, orderBy: {{field: CHATS, direction: DESC, range: $range}}) {{
    totalCount
    edges {{ node {{ agentId username name statusLivechat {METRICS} }} }}
  }}
}}"""
LEADERBOARD_BODY = {"query": LEADERBOARD_QUERY, "variables": {"range": RANGE}}


@contextmanager
def more_agents(count: int) -> Iterator[None]:
    """Let ``omnigate.seed`` write ``count`` agents instead of its 24."""
    from omnigate.seed import cast

    saved = cast.AGENTS
    cast.AGENTS = count  # type: ignore[misc]
    try:
        yield
    finally:
        cast.AGENTS = saved  # type: ignore[misc]


def traffic(counter: CommandCounter) -> str:
    families = ", ".join(f"{name} {rows} rows" for name, rows in counter.aggregations)
    commands = ", ".join(f"{n} {name}" for name, n in sorted(counter.commands.items()))
    return f"{commands}; {counter.total_rows} documents returned\n    aggregations: {families}"


async def main() -> None:
    parser = arguments(__doc__.splitlines()[0], rooms=20_000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--agents", type=int, default=120)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    data_dir = None if args.data_dir is None else args.data_dir / f"agents-{args.agents}"
    with more_agents(args.agents), dataset(args.rooms, data_dir=data_dir) as data:
        counter = CommandCounter()
        async with asgi_client(data.settings, event_listeners=[counter]) as client:
            bodies: dict[str, dict[str, Any]] = {
                "dashboard": DASHBOARD_BODY,
                "leaderboard": LEADERBOARD_BODY,
            }
            results = {}
            for name, body in bodies.items():
                await post_graphql(client, data.headers, body)  # warm-up: caches, auth
                counter.reset()
                results[name] = await post_graphql(client, data.headers, body)
                print(f"\n{name}: {traffic(counter)}")
            agents = results["leaderboard"]["data"]["agents"]
            print(
                f"  leaderboard: {len(agents['edges'])} agents of {agents['totalCount']}, "
                f"top: {agents['edges'][0]['node']['username']} "
                f"({agents['edges'][0]['node']['chats']} chats)"
            )
            samples = await interleaved(
                {
                    name: (lambda body=body: post_graphql(client, data.headers, body))
                    for name, body in bodies.items()
                },
                args.rounds,
            )
    print(f"\n{args.rooms} rooms, {args.agents} agents, {args.rounds} interleaved rounds")
    summaries = {name: Summary.of(values) for name, values in samples.items()}
    for name, summary in summaries.items():
        print(f"  {name:<12} {summary.ms()}")
    ratio = summaries["leaderboard"].median / summaries["dashboard"].median
    print(f"  leaderboard/dashboard median {ratio:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
