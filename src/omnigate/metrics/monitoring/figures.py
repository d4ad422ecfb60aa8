"""Averages of the page from the department rows, two ways: Rocket.Chat's mean of department
means (its REST totalizers) and the mean over every room (GraphQL).

Both read the department metrics of the catalogue, so a department's value here is the one
its ``departments/...`` list shows and the room-weighted value is that metric over all rooms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnigate.metrics.catalog import DEPARTMENT_METRICS_BY_NAME, Metric
from omnigate.metrics.families import Family
from omnigate.metrics.monitoring.rooms import MonitoringRow, total
from omnigate.metrics.rows import GroupKey
from omnigate.scope import Scope

WAITING_TIME = DEPARTMENT_METRICS_BY_NAME["averageWaitingTime"]
ABANDONED_PERCENTAGE = DEPARTMENT_METRICS_BY_NAME["abandonedChatsPercentage"]
CHAT_DURATION = DEPARTMENT_METRICS_BY_NAME["averageChatDuration"]
SERVICE_TIME = DEPARTMENT_METRICS_BY_NAME["averageServiceTime"]


def _family_row(metric: Metric, row: MonitoringRow) -> Any:
    if metric.family is Family.OPENED:
        return row.opened
    if metric.family is Family.CLOSED:
        return row.closed
    raise ValueError(f"{metric.name} is not read from the rooms of the range")


def department_mean(metric: Metric, rows: Mapping[GroupKey, MonitoringRow], scope: Scope) -> float:
    """Rocket.Chat's unweighted mean: the mean of the values ``metric``'s REST list shows
    (rounded as there), over the groups it lists (0 when it lists none)."""
    if metric.rest is None:
        raise ValueError(f"{metric.name} has no REST list")
    values = []
    for key, row in rows.items():
        family_row = _family_row(metric, row)
        if scope.sees_department(key) and metric.rooms(family_row, {}) > 0:
            [value] = metric.rest.item(metric.value(family_row, {})).values()
            values.append(value)
    return sum(values) / len(values) if values else 0.0


def room_mean(metric: Metric, rows: Mapping[GroupKey, MonitoringRow]) -> Any:
    """``metric`` over every room of the rows (the mean weighted by rooms), unrounded."""
    return metric.value(_family_row(metric, total(rows.values())), {})
