"""Agents' available time on the range's first day (``rocketchat_livechat_agent_activity``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from omnigate.db.names import AGENT_ACTIVITY
from omnigate.db.store import Pipeline, Store
from omnigate.metrics.filters import as_float, as_int, present
from omnigate.metrics.monitoring.assigned import assigned_stages
from omnigate.metrics.monitoring.query import MonitoringQuery


@dataclass(frozen=True, slots=True)
class AvailableTime:
    """Activity documents (one per agent and day) and their available seconds in all."""

    documents: int = 0
    seconds: float = 0.0

    @property
    def average(self) -> float:
        return self.seconds / self.documents if self.documents else 0.0


def activity_pipeline(query: MonitoringQuery, now: datetime) -> Pipeline:
    """The documents of the range's first day, of the agents the query counts; an open
    session (no ``lastStoppedAt``) adds the seconds since its ``lastStartedAt`` (Rocket.Chat's
    findAllAverageAvailableServiceTime, whose ``$sum`` skips a missing value). A session
    started after ``now`` (a live tick's instant, or a clock behind Rocket.Chat's) adds 0."""
    elapsed = {"$divide": [{"$subtract": [now, "$lastStartedAt"]}, 1000]}
    running = {"$max": [0, elapsed]}
    return [
        {"$match": {"date": query.activity_day}},
        *assigned_stages("agentId", query.agent_departments),
        {
            "$group": {
                "_id": None,
                "documents": {"$sum": 1},
                "seconds": {
                    "$sum": {
                        "$cond": [
                            present("$lastStoppedAt"),
                            "$availableTime",
                            {"$sum": ["$availableTime", running]},
                        ]
                    }
                },
            }
        },
    ]


async def available_time(store: Store, query: MonitoringQuery, now: datetime) -> AvailableTime:
    departments = query.agent_departments
    if query.answers_nothing or (departments is not None and not departments):
        return AvailableTime()
    rows = await store.aggregate(AGENT_ACTIVITY, activity_pipeline(query, now))
    if not rows:
        return AvailableTime()
    return AvailableTime(as_int(rows[0]["documents"]), as_float(rows[0]["seconds"]))
