"""``seed``: write a reproducible Rocket.Chat-shaped data set into an empty database."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from omnigate.db import database_name, names
from omnigate.seed.activity import activity_documents
from omnigate.seed.cast import build_cast
from omnigate.seed.clock import as_datetime, default_now, to_ms
from omnigate.seed.indexes import create_indexes
from omnigate.seed.stream import documents

Document = dict[str, Any]


class DatabaseNotEmpty(Exception):
    """The target database already holds rooms: seeding would mix with real data."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What ``seed`` wrote, and the login to use against it."""

    database: str
    rooms: int  # livechat rooms
    departments: int
    messages: int
    manager_id: str
    manager_token: str  # the plain login token to send as X-Auth-Token
    monitor_id: str  # a livechat monitor of the "Front Office" unit
    monitor_token: str
    now: datetime
    seconds: float


def seed(
    url: str,
    *,
    rooms: int,
    seed: int,
    now: datetime | None = None,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Write ``rooms`` livechat rooms over the 90 days before ``now``, what they refer to, and
    the agents' activity (availability) over those days.

    ``now`` defaults to the current UTC hour; the same ``seed`` and ``now`` always
    write the same documents. Documents are streamed in batches of ``batch_size``;
    ``progress`` receives the number of livechat rooms written after each batch.
    Raises ``DatabaseNotEmpty`` (before writing anything) if the database has rooms.
    """
    if rooms < 0:
        raise ValueError("rooms must be >= 0")
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    started = time.perf_counter()
    now = default_now() if now is None else as_datetime(to_ms(now))
    now_ms = to_ms(now)
    database = database_name(url)
    with MongoClient(url, tz_aware=True) as client:
        db: Database[Document] = client[database]
        if db[names.ROOMS].find_one({}, {"_id": 1}) is not None:
            raise DatabaseNotEmpty(
                f"database {database!r} already holds rooms ({names.ROOMS}); "
                "seed only writes into a database without rooms"
            )
        rng = random.Random(seed)
        cast = build_cast(rng, now_ms)
        for collection, reference in cast.documents.items():
            db[collection].insert_many(reference)
        written = _write(db, documents(rng, cast, now_ms, rooms), batch_size, progress)
        if activity := list(activity_documents(rng, cast, now_ms)):
            db[names.AGENT_ACTIVITY].insert_many(activity)
        # Building the indexes once the data is in is twice as fast on SecantusDB as
        # maintaining them during the inserts.
        create_indexes(db)
    return SeedReport(
        database=database,
        rooms=written[names.ROOMS],
        departments=len(cast.departments),
        messages=written[names.MESSAGES],
        manager_id=cast.manager.id,
        manager_token=cast.manager_token,
        monitor_id=cast.monitors[0].id,
        monitor_token=cast.monitor_tokens[0],
        now=now,
        seconds=time.perf_counter() - started,
    )


def _write(
    db: Database[Document],
    stream: Iterable[tuple[str, Document]],
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> dict[str, int]:
    """Insert the stream in unordered batches; count livechat rooms and messages written."""
    buffers: dict[str, list[Document]] = {names.ROOMS: [], names.MESSAGES: [], names.VISITORS: []}
    written = dict.fromkeys(buffers, 0)
    livechat_pending = 0

    def flush(collection: str) -> None:
        nonlocal livechat_pending
        buffer = buffers[collection]
        if not buffer:
            return
        db[collection].insert_many(buffer, ordered=False)
        if collection != names.ROOMS:
            written[collection] += len(buffer)
        else:
            written[collection] += livechat_pending
            livechat_pending = 0
            if progress is not None:
                progress(written[collection])
        buffer.clear()

    for collection, document in stream:
        buffer = buffers[collection]
        buffer.append(document)
        if collection == names.ROOMS and document["t"] == "l":
            livechat_pending += 1
        if len(buffer) >= batch_size:
            flush(collection)
    for collection in buffers:
        flush(collection)
    return written
