"""Builders of Rocket.Chat-shaped documents for the metric tests.

Dates are whole milliseconds in UTC, as BSON stores them, so the reference computations
see exactly what the database holds.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

Document = dict[str, Any]

TRANSFER = "livechat_transfer_history"


def at(text: str) -> datetime:
    """An ISO-8601 instant without offset, read as UTC: ``at("2024-05-01T10:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def room(_id: str, ts: datetime, department: str | None = None, **fields: Any) -> Document:
    """A livechat room created at ``ts``; ``department=None`` leaves ``departmentId`` out."""
    document: Document = {"_id": _id, "t": "l", "ts": ts, "open": True, "msgs": 0}
    if department is not None:
        document["departmentId"] = department
    document.update(fields)
    return document


def closed(document: Document, closed_at: datetime, **metrics: Any) -> Document:
    """``document`` closed at ``closed_at``, with ``metrics`` merged into its ``metrics``."""
    document = {**document, "open": False, "closedAt": closed_at}
    document.pop("onHold", None)
    document["metrics"] = {**document.get("metrics", {}), **metrics}
    return document


def served(document: Document, served_at: datetime, last_message: datetime) -> Document:
    """``document`` taken by agent ``a1`` at ``served_at`` who last wrote at ``last_message``."""
    return {
        **document,
        "waitingResponse": False,
        "servedBy": {"_id": "a1", "username": "agent", "ts": served_at},
        "responseBy": {
            "_id": "a1",
            "username": "agent",
            "firstResponseTs": served_at,
            "lastMessageTs": last_message,
        },
    }


def transfer(_id: str, rid: str, ts: datetime, **data: Any) -> Document:
    """A ``livechat_transfer_history`` message of room ``rid``."""
    return {
        "_id": _id,
        "t": TRANSFER,
        "rid": rid,
        "ts": ts,
        "msg": "",
        "transferData": {"scope": "department", "transferredBy": {"_id": "a1"}, **data},
    }


def setting(_id: str, value: Any) -> Document:
    return {"_id": _id, "value": value, "packageValue": None, "type": "string"}


def _instant(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = int((end - start) / timedelta(milliseconds=1))
    return start + timedelta(milliseconds=rng.randint(0, span))


def _maybe(rng: random.Random, value: Any, probability: float = 0.8) -> Any:
    return value if rng.random() < probability else None


def random_room(
    rng: random.Random, _id: str, start: datetime, end: datetime, departments: list[str | None]
) -> Document:
    """A room created within ``[start, end]`` with a random mix of the optional fields."""
    ts = _instant(rng, start, end)
    fields: Document = {"msgs": rng.randint(0, 40)}
    if rng.random() < 0.3:
        fields["waitingResponse"] = True
    elif rng.random() < 0.5:
        fields["waitingResponse"] = False
    if rng.random() < 0.2:
        fields["onHold"] = rng.random() < 0.7
    if rng.random() < 0.1:
        fields["t"] = "c"  # not a livechat room: never counted
    document = room(_id, ts, rng.choice(departments), **fields)
    if rng.random() < 0.7:
        served_at = ts + timedelta(milliseconds=rng.randint(0, 600_000))
        last = served_at + timedelta(milliseconds=rng.randint(0, 3_600_000))
        document = served(document, served_at, last)
        document.pop("waitingResponse")
        document.update({k: v for k, v in fields.items() if k == "waitingResponse"})
    metrics: Document = {}
    for name, value in (
        ("visitorInactivity", rng.choice([0, 100, 3599, 3600, 3601, 7200, 9000])),
        ("chatDuration", round(rng.uniform(1, 5000), 3)),
        ("serviceTimeDuration", round(rng.uniform(1, 4000), 3)),
    ):
        if (kept := _maybe(rng, value)) is not None:
            metrics[name] = kept
    if rng.random() < 0.8:
        metrics["response"] = {
            key: round(rng.uniform(0, 300), 3) for key in ("avg", "ft") if rng.random() < 0.85
        }
    if rng.random() < 0.8:
        metrics["reaction"] = {"ft": round(rng.uniform(0, 120), 3)} if rng.random() < 0.85 else {}
    if metrics:
        document["metrics"] = metrics
    if rng.random() < 0.6:
        document = closed(document, ts + timedelta(milliseconds=rng.randint(0, 86_400_000)))
    return document
