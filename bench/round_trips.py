"""MongoDB round trips and rows per dashboard request: omnigate vs Rocket.Chat's REST API.

For each room count (default 2,000 and 20,000) it seeds a database with 100 departments,
sends the dashboard query (100 departments × 8 metrics for one 30-day range + the
overview) through the whole ASGI app, and counts with a pymongo ``CommandListener`` the
commands sent and the documents MongoDB returns. It then counts, on the same data, what
Rocket.Chat 7.x needs for the same numbers over REST (see ``ROCKETCHAT`` below for the
source it follows): calls, aggregations/commands and documents returned.

    .venv/bin/python bench/round_trips.py [--rooms 2000 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from common import (
    DEPARTMENTS,
    NOW,
    RANGE_START,
    CommandCounter,
    asgi_client,
    dataset,
    machine,
    post_graphql,
)
from pymongo import AsyncMongoClient

from omnigate.db.names import DEPARTMENTS as DEPARTMENTS_COLLECTION
from omnigate.db.names import MESSAGES, ROOMS
from omnigate.metrics.query import GroupQuery
from omnigate.scope import UNRESTRICTED

REST_PAGE = 100  # Rocket.Chat's largest `count`

# Rocket.Chat 7.x, apps/meteor/app/livechat/server/lib/analytics/departments.ts: every
# department endpoint runs its model method twice (`onlyCount: true` for `total`, then
# the page), each ONE aggregation ($match, $group by departmentId, $project, $sort,
# [$skip, $limit] or $count). packages/models/src/models/LivechatRooms.ts gives the $match
# of each; transfers come from Messages.findAllNumberOfTransferredRooms ($lookup of the
# room per transfer message). The overview (server/services/omnichannel-analytics/
# OverviewData.ts): `Conversations` streams getAnalyticsBetweenDate (one aggregation, one
# row PER ROOM, with a $lookup of the room's messages) plus countDocuments (an aggregate
# command) for on-hold; `Productivity` streams getAnalyticsMetricsBetweenDate (a find,
# one document PER ROOM, fetched in batches: find + getMore).


def _opened(start: datetime, end: datetime) -> dict[str, Any]:
    return {"t": "l", "ts": {"$gte": start, "$lte": end}}


def _closed(start: datetime, end: datetime) -> dict[str, Any]:
    return {"t": "l", "ts": {"$gte": start}, "closedAt": {"$lte": end}}


def department_endpoints(
    start: datetime, end: datetime, timeout: int
) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Each REST call of the dashboard: (collection, pipeline counting its groups)."""

    def groups(match: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"$match": match}, {"$group": {"_id": "$departmentId"}}]

    answered = {**_opened(start, end), "waitingResponse": {"$ne": True}}
    return {
        "amount-of-chats": (ROOMS, groups(_opened(start, end))),
        "amount-of-chats?answered=true": (ROOMS, groups(answered)),
        "total-transferred-chats": (
            MESSAGES,
            [
                {"$match": {"t": "livechat_transfer_history", "ts": {"$gte": start, "$lte": end}}},
                {
                    "$lookup": {
                        "from": ROOMS,
                        "localField": "rid",
                        "foreignField": "_id",
                        "as": "room",
                    }
                },
                {"$unwind": {"path": "$room", "preserveNullAndEmptyArrays": True}},
                {"$group": {"_id": "$room.departmentId"}},
            ],
        ),
        "total-abandoned-chats": (
            ROOMS,
            groups({**_closed(start, end), "metrics.visitorInactivity": {"$gte": timeout}}),
        ),
        "percentage-abandoned-chats": (ROOMS, groups(_opened(start, end))),
        "average-service-time": (
            ROOMS,
            groups(
                {
                    **_opened(start, end),
                    "responseBy.lastMessageTs": {"$exists": True},
                    "servedBy._id": {"$exists": True},
                }
            ),
        ),
        "average-chat-duration-time": (ROOMS, groups(_closed(start, end))),
        "average-waiting-time": (ROOMS, groups(answered)),
        "total-service-time": (
            ROOMS,
            groups({**_closed(start, end), "metrics.serviceTimeDuration": {"$exists": True}}),
        ),
    }


@dataclass
class RestCall:
    name: str
    calls: int
    commands: int
    rows: int


async def rocketchat_plan(url: str) -> list[RestCall]:
    """What Rocket.Chat's REST API needs for the dashboard's numbers, on the same data."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True)
    try:
        db = client.get_default_database("rocketchat")
        plan = []
        for name, (collection, pipeline) in department_endpoints(RANGE_START, NOW, 3600).items():
            groups = len(await (await db[collection].aggregate(pipeline)).to_list())
            pages = max(1, math.ceil(groups / REST_PAGE))
            # per page: the $count aggregation (1 row) and the page aggregation
            plan.append(RestCall(name, pages, 2 * pages, pages * (1 if groups else 0) + groups))
        departments = await db[DEPARTMENTS_COLLECTION].count_documents({})
        pages = max(1, math.ceil(departments / REST_PAGE))
        plan.append(RestCall("livechat/department (names)", pages, 2 * pages, departments + pages))
        rooms = await db[ROOMS].count_documents(_opened(RANGE_START, NOW))
        # the first batch of a cursor holds 101 documents, getMore fetches the rest (16 MB)
        more = int(rooms > 101)
        # Conversations: the per-room aggregation (+ getMore) and countDocuments
        plan.append(RestCall("overview?name=Conversations", 1, 2 + more, rooms + 1))
        # Productivity: a find of the rooms (+ getMore)
        plan.append(RestCall("overview?name=Productivity", 1, 1 + more, rooms))
        return plan
    finally:
        await client.close()


def _plan(explained: dict[str, Any]) -> str:
    """The access path of the first stage of an explained aggregation: IXSCAN (index) or
    COLLSCAN."""
    stages = explained.get("stages") or [explained]
    planner = stages[0].get("$cursor", stages[0]).get("queryPlanner", {})
    plan = planner.get("winningPlan", {})
    path = []
    while plan:
        path.append(
            plan.get("stage", "?") + (f" {plan['indexName']}" if "indexName" in plan else "")
        )
        plan = plan.get("inputStage")
    return " <- ".join(path) or "?"


async def explain_families(url: str, department_ids: list[str]) -> dict[str, str]:
    """``explain`` of the four aggregations of the dashboard, as the gateway sends them."""
    from zoneinfo import ZoneInfo

    from omnigate.metrics.closed import closed_pipeline
    from omnigate.metrics.opened import opened_pipeline
    from omnigate.metrics.overview import overview_pipeline
    from omnigate.metrics.ranges import TimeRange
    from omnigate.metrics.timezones import ReportingTimezone
    from omnigate.metrics.transfers import transfers_pipeline

    time_range = TimeRange.of(RANGE_START, NOW)
    families = {
        "opened": (
            ROOMS,
            opened_pipeline(GroupQuery.of(time_range, UNRESTRICTED, department_ids), timeout=3600),
        ),
        "closed": (
            ROOMS,
            closed_pipeline(GroupQuery.of(time_range, UNRESTRICTED, department_ids), timeout=3600),
        ),
        "transfers": (
            MESSAGES,
            transfers_pipeline(GroupQuery.of(time_range, UNRESTRICTED, department_ids)),
        ),
        "overview": (
            ROOMS,
            overview_pipeline(
                GroupQuery.of(time_range, UNRESTRICTED), ReportingTimezone("UTC", ZoneInfo("UTC"))
            ),
        ),
    }
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True)
    try:
        db = client.get_default_database("rocketchat")
        return {
            name: _plan(
                await db.command(
                    "explain",
                    {"aggregate": collection, "pipeline": pipeline, "cursor": {}},
                    verbosity="queryPlanner",
                )
            )
            for name, (collection, pipeline) in families.items()
        }
    finally:
        await client.close()


async def measure(rooms: int, data_dir: Path | None) -> dict[str, Any]:
    with dataset(rooms, data_dir=data_dir) as data:
        counter = CommandCounter()
        async with asgi_client(data.settings, event_listeners=[counter]) as client:
            counter.reset()
            cold = await post_graphql(client, data.headers)
            cold_commands = dict(counter.commands)
            counter.reset()
            result = await post_graphql(client, data.headers)
            warm = {
                "commands": dict(counter.commands),
                "rows": dict(counter.rows),
                "aggregations": list(counter.aggregations),
            }
        edges = result["data"]["departments"]["edges"]
        assert len(edges) == DEPARTMENTS, len(edges)
        assert cold["data"] == result["data"]
        plan = await rocketchat_plan(data.url)
        explained = await explain_families(data.url, [e["node"]["departmentId"] for e in edges])
        opened = result["data"]["overview"]["conversations"]["total"]
    return {
        "rooms": rooms,
        "cold": cold_commands,
        "warm": warm,
        "plan": plan,
        "opened": opened,
        "explain": explained,
    }


def report(results: list[dict[str, Any]]) -> None:
    print(f"\nmachine: {machine()}")
    print(
        f"dashboard: {DEPARTMENTS} departments × 8 metrics (+ answered chats) for one "
        f"30-day range + overview; auth cached (warm request)\n"
    )
    for r in results:
        warm = r["warm"]
        aggregations = warm["commands"].get("aggregate", 0)
        print(f"== {r['rooms']} rooms ({r['opened']} opened in the range)")
        print(
            f"omnigate: 1 request, {sum(warm['commands'].values())} commands "
            f"{dict(sorted(warm['commands'].items()))}, {aggregations} aggregations, "
            f"{sum(warm['rows'].values())} documents returned "
            f"{dict(sorted(warm['rows'].items()))}"
        )
        for name, rows in sorted(warm["aggregations"]):
            print(f"    aggregate {name:<10} {rows:5d} rows")
        print("  explain (first stage, SecantusDB):")
        for name, access in r["explain"].items():
            print(f"    {name:<10} {access}")
        print(
            f"  (first request, auth not cached: {sum(r['cold'].values())} commands "
            f"{dict(sorted(r['cold'].items()))})"
        )
        plan: list[RestCall] = r["plan"]
        print("Rocket.Chat 7.x REST for the same numbers:")
        for call in plan:
            print(
                f"    {call.name:<34} {call.calls} call(s) {call.commands:3d} commands "
                f"{call.rows:7d} rows"
            )
        calls = sum(c.calls for c in plan)
        commands = sum(c.commands for c in plan)
        rows = sum(c.rows for c in plan)
        print(f"  total: {calls} REST calls, {commands} commands, {rows} documents returned")
        print(
            f"  ratio: {commands / max(1, sum(warm['commands'].values())):.1f}x commands, "
            f"{rows / max(1, sum(warm['rows'].values())):.1f}x documents\n"
        )
    if len(results) >= 2:
        print("documents returned per omnigate request (warm), by room count:")
        for r in results:
            rows = dict(sorted(r["warm"]["aggregations"]))
            print(
                f"  {r['rooms']:>7} rooms: {sum(r['warm']['rows'].values())} in all; "
                f"aggregations {rows}"
            )
        print(
            "  (opened/closed/transfers: one row per department group, at most 100 for a "
            "page of 100;\n   overview: one row per (day, hour) with rooms, at most 24 x "
            "days of the range)"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--data-dir", type=Path, help="keep/reuse the seeded databases here")
    args = parser.parse_args()
    results = [await measure(rooms, args.data_dir) for rooms in args.rooms]
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
