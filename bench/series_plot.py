"""Draws docs/series.png from the demo's data, and prints the README's series example.

Seeds a temporary SecantusDB as ``omnigate demo`` does (5 000 rooms, seed 1) with the
clock fixed at ``NOW``, asks omnigate (the whole ASGI app, in process) for 90 daily
buckets in Europe/Berlin (the workspace and its busiest departments, one aggregation for
all of them) and the spread of waiting times, and plots them. Then runs the README's
query and prints it with its answer, so both can be redrawn:

    .venv/bin/python bench/series_plot.py [--rooms 5000] [--plot docs/series.png]
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.embedded import EmbeddedServer
from omnigate.http.app import create_app
from omnigate.seed import seed

ROOT = Path(__file__).resolve().parent.parent
PLOT = ROOT / "docs" / "series.png"
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)  # the seeded data covers the 90 days before
SEED = 1
THRESHOLD = 60  # seconds of the service level
DEPARTMENTS = 4  # drawn apart; the others are summed

PLOT_QUERY = """
query Trend($range: DateRange!, $departments: Int!) {
  series(range: $range, granularity: DAY, timezone: "Europe/Berlin") {
    label chats averageWaitingTime withinAMinute: serviceLevel(thresholdSeconds: 60)
  }
  waitingTime: percentiles(range: $range, metric: WAITING_TIME, ps: [0.5, 0.9])
  departments(first: $departments, orderBy: {field: CHATS, direction: DESC, range: $range}) {
    edges { node { name series(range: $range, granularity: DAY, timezone: "Europe/Berlin") {
      chats } } }
  }
}
"""
PLOT_RANGE = {"start": "2026-08-24T00:00:00+02:00", "end": "2026-11-20T23:59:59.999+01:00"}

README_QUERY = """query ClocksGoBack($range: DateRange!) {
  series(range: $range, granularity: DAY, timezone: "Europe/Berlin") {
    label
    start
    end
    chats
    answeredChats
    averageWaitingTime
    withinAMinute: serviceLevel(thresholdSeconds: 60)
  }
  waitingTime: percentiles(range: $range, metric: WAITING_TIME, ps: [0.5, 0.9, 0.99])
}"""
README_VARIABLES = {
    "range": {"start": "2026-10-24T00:00:00+02:00", "end": "2026-10-26T23:59:59.999+01:00"}
}


def ask(client: TestClient, headers: dict[str, str], query: str, variables: dict[str, Any]) -> Any:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def plot(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    series = data["series"]
    days = [date.fromisoformat(bucket["label"]) for bucket in series]
    figure, (volume, service) = plt.subplots(
        2, 1, figsize=(11, 6.5), dpi=110, sharex=True, height_ratios=(3, 2)
    )
    bottom = [0] * len(days)
    for edge in data["departments"]["edges"]:
        chats = [bucket["chats"] for bucket in edge["node"]["series"]]
        volume.bar(days, chats, bottom=bottom, width=0.85, label=edge["node"]["name"])
        bottom = [b + c for b, c in zip(bottom, chats, strict=True)]
    others = [bucket["chats"] - b for bucket, b in zip(series, bottom, strict=True)]
    volume.bar(days, others, bottom=bottom, width=0.85, color="lightgrey", label="others")
    volume.set_ylabel("chats opened")
    volume.set_title("Chats per day (Europe/Berlin), busiest departments first")
    volume.legend(loc="upper left", ncols=DEPARTMENTS + 1, fontsize="small")
    volume.grid(True, axis="y", alpha=0.3)

    level = service.plot(
        days, [b["withinAMinute"] for b in series], color="tab:green", label="answered ≤ 60 s"
    )
    service.set_ylim(0, 100)
    service.set_ylabel("% answered within 60 s", color="tab:green")
    waiting = service.twinx()
    mean = waiting.plot(
        days,
        [b["averageWaitingTime"] for b in series],
        color="tab:purple",
        linewidth=1,
        label="mean waiting time",
    )
    lines = level + mean
    for p, value, style in zip(
        ("median", "90th pct"), data["waitingTime"], ("--", ":"), strict=True
    ):
        lines += [
            waiting.axhline(value, color="tab:purple", linestyle=style, label=f"{p} (90 days)")
        ]
    waiting.set_ylim(0, max(data["waitingTime"]) * 1.3)
    waiting.set_ylabel("waiting time (s)", color="tab:purple")
    service.set_title("Service level and waiting time")
    labels = [line.get_label() for line in lines]
    service.legend(lines, labels, loc="lower center", ncols=len(lines), fontsize="small")
    service.grid(True, alpha=0.3)
    service.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=2))
    service.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    figure.suptitle(
        "omnigate series(granularity: DAY): demo data, 90 days, "
        "one aggregation for the workspace and one for all departments"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=5000)
    parser.add_argument("--plot", type=Path, default=PLOT)
    args = parser.parse_args()
    with EmbeddedServer() as server:
        report = seed(server.url, rooms=args.rooms, seed=SEED, now=NOW)
        headers = {"X-User-Id": report.manager_id, "X-Auth-Token": report.manager_token}
        with TestClient(create_app(Settings(mongo_url=server.url))) as client:
            variables = {"range": PLOT_RANGE, "departments": DEPARTMENTS}
            plot(ask(client, headers, PLOT_QUERY, variables), args.plot)
            answer = ask(client, headers, README_QUERY, README_VARIABLES)
    print(f"wrote {args.plot}\n")
    print(f"```graphql\n{README_QUERY}\n```\n")
    print(f"```json\n{json.dumps(README_VARIABLES)}\n```\n")
    print(f"```json\n{json.dumps({'data': answer}, indent=2)}\n```")


if __name__ == "__main__":
    main()
