"""Real-time monitoring (SPEC §10): every figure of Rocket.Chat's Real-time Monitoring page.

``monitoring_parts`` computes the parts a request needs with one aggregation per collection
(rooms, visitors, users, agent activity), whatever the number of departments and agents;
``figures`` derives Rocket.Chat's means of department means and the room-weighted means.
"""

from omnigate.metrics.monitoring.activity import AvailableTime
from omnigate.metrics.monitoring.parts import Part, monitoring_parts
from omnigate.metrics.monitoring.query import MonitoringQuery
from omnigate.metrics.monitoring.rooms import AgentStates, ChatStates, MonitoringRow, Timing
from omnigate.metrics.monitoring.statuses import AgentsStatus

__all__ = [
    "AgentStates",
    "AgentsStatus",
    "AvailableTime",
    "ChatStates",
    "MonitoringQuery",
    "MonitoringRow",
    "Part",
    "Timing",
    "monitoring_parts",
]
