"""Read-only access to Rocket.Chat's collections, with time limits on every query."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import bson
from bson.errors import InvalidStringData
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, ExecutionTimeout, OperationFailure, PyMongoError

from omnigate.db.cache import ResultCache
from omnigate.errors import BadUserInput, LimitExceeded, ServiceUnavailable
from omnigate.observability import instruments, requests

Document = dict[str, Any]
Pipeline = list[dict[str, Any]]

# Grouped results come back in the reply to ``aggregate`` itself (up to 16 MB) instead of
# 101 documents and a ``getMore`` round trip for the rest (e.g. the overview's day×hour rows).
AGGREGATE_BATCH = 100_000

_UNAVAILABLE = (ConnectionFailure, ExecutionTimeout)
# Text BSON cannot carry (a lone surrogate such as "\ud800", which JSON variables can hold).
_UNENCODABLE = (UnicodeEncodeError, InvalidStringData)
_UNENCODABLE_MESSAGE = (
    "The request contains text that is not valid Unicode (a lone surrogate such as "
    "\\ud800): send well-formed UTF-8 text."
)
# MongoDB's (and SecantusDB's) code for a timezone its date operators do not know: its
# timezone database may lag behind the one omnigate validates names against.
UNKNOWN_TIMEZONE_CODE = 40485
_TIMEZONE_NAME = re.compile(r'time zone identifier: "(?P<name>[^"]*)"')


@dataclass(slots=True)
class AggregationBudget:
    """How many aggregations one request may still run (``None``: unlimited)."""

    remaining: int | None = None

    def spend(self) -> None:
        if self.remaining is None:
            return
        if self.remaining <= 0:
            raise LimitExceeded(
                "This request needs more aggregations than the limit allows "
                "(OMNIGATE_MAX_AGGREGATIONS); ask for fewer distinct ranges per request."
            )
        self.remaining -= 1


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Reads made for one instant (a live query's tick, in epoch milliseconds), shared
    through the result cache by every reader of that instant and by no other reader, and
    kept ``ttl`` seconds."""

    instant_ms: int
    ttl: float


@dataclass(slots=True)
class Store:
    """The Rocket.Chat database, read through aggregations and finds that carry ``maxTimeMS``.

    ``with_budget`` gives a per-request view that counts aggregations against a limit.
    With a ``cache``, identical reads (aggregations, finds, counts) share their result
    (see ``omnigate.db.cache``): the cache key is the SHA-256 of the BSON of the database
    name, the command and all its arguments. Every input of a read is one of them, the
    caller's scope included (metric pipelines hold its ``$match``, department finds its
    filter), so callers of different scopes never share a result. A ``snapshot`` store's
    key also holds its instant (see ``at``).
    """

    db: AsyncDatabase[Document]
    max_time_ms: int = 15_000
    budget: AggregationBudget = field(default_factory=AggregationBudget)
    cache: ResultCache | None = None
    snapshot: Snapshot | None = None

    def with_budget(self, max_aggregations: int | None) -> Store:
        return replace(self, budget=AggregationBudget(max_aggregations))

    def uncached(self) -> Store:
        """This store without the result cache (credential checks must read fresh data)."""
        return replace(self, cache=None, snapshot=None)

    def at(self, instant: datetime, ttl: float) -> Store:
        """This store reading for ``instant`` (a live query's tick): a read shares its
        result only with the reads of the same instant (in this process, and in every
        worker with a Redis cache), never with a read made for another instant or by a
        request, so a result is never older than the first read made for ``instant``."""
        instant_ms = round(instant.timestamp() * 1000)
        return replace(self, snapshot=Snapshot(instant_ms, ttl))

    async def aggregate(
        self, collection: str, pipeline: Pipeline, *, family: str | None = None
    ) -> list[Document]:
        """Run ``pipeline`` on ``collection``; database trouble becomes ``ServiceUnavailable``.

        ``family`` names the aggregation in the metrics (the collection when not given).
        An aggregation answered by the cache still spends the budget: whether a request
        is within its limits never depends on what other requests asked before it.
        """
        self.budget.spend()
        label = family or collection

        async def run() -> list[Document]:
            started = time.perf_counter()
            cursor = await self.db[collection].aggregate(
                pipeline, maxTimeMS=self.max_time_ms, batchSize=AGGREGATE_BATCH
            )
            rows = await cursor.to_list()
            instruments.AGGREGATION_SECONDS.labels(label).observe(time.perf_counter() - started)
            instruments.AGGREGATION_ROWS.labels(label).observe(len(rows))
            return rows

        command = {"aggregate": collection, "pipeline": pipeline}
        rows, cached = await self._read(command, label, run)
        requests.note_aggregation(cached=cached)
        return rows

    async def find(
        self,
        collection: str,
        query: Document,
        *,
        projection: Document | None = None,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 0,
    ) -> list[Document]:
        """Documents of ``collection`` matching ``query`` (not counted against the budget)."""

        async def run() -> list[Document]:
            cursor = self.db[collection].find(
                query, projection, sort=sort, limit=limit, max_time_ms=self.max_time_ms
            )
            return await cursor.to_list()

        command = {
            "find": collection,
            "filter": query,
            "projection": projection,
            "sort": sort,
            "limit": limit,
        }
        rows, _ = await self._read(command, f"find:{collection}", run)
        return rows

    async def find_one(
        self, collection: str, query: Document, *, projection: Document | None = None
    ) -> Document | None:
        found = await self.find(collection, query, projection=projection, limit=1)
        return found[0] if found else None

    async def count(self, collection: str, query: Document) -> int:
        """Documents of ``collection`` matching ``query``: the ``count`` command (not an
        aggregation, so not counted against the budget)."""

        async def run() -> list[Document]:
            reply = await self.db.command(
                {"count": collection, "query": query, "maxTimeMS": self.max_time_ms}
            )
            return [{"n": int(reply["n"])}]

        rows, _ = await self._read(
            {"count": collection, "query": query}, f"count:{collection}", run
        )
        return int(rows[0]["n"])

    async def _read(
        self, command: Document, label: str, run: Callable[[], Awaitable[list[Document]]]
    ) -> tuple[list[Document], bool]:
        """``run()``'s rows, shared through the cache when there is one; whether they came
        from the cache. Database trouble becomes ``ServiceUnavailable``."""
        with _translated():
            if self.cache is None:
                return await run(), False

            async def compute() -> bytes:
                return bson.encode({"rows": await run()}, codec_options=self.db.codec_options)

            identity = {"db": self.db.name, **command}
            ttl = None
            if self.snapshot is not None:
                identity["snapshot"] = self.snapshot.instant_ms
                ttl = self.snapshot.ttl
            key = hashlib.sha256(bson.encode(identity)).hexdigest()
            encoded, outcome = await self.cache.fetch(key, compute, label, ttl=ttl)
        # every caller decodes its own copy: the same rows (tz-aware datetimes, Int64...)
        # whether computed now or earlier, and no caller can alter another's
        rows = bson.decode(encoded, codec_options=self.db.codec_options)["rows"]
        return rows, outcome != "miss"

    async def ping(self) -> bool:
        try:
            await self.db.command("ping", maxTimeMS=self.max_time_ms)
        except PyMongoError:
            return False
        return True


@contextmanager
def _translated() -> Iterator[None]:
    """Database trouble (unreachable, ``maxTimeMS`` expired) as ``ServiceUnavailable``, a
    timezone the database does not know or text BSON cannot carry as ``BadUserInput``; any
    other refusal of the database (``OperationFailure``) is a bug and propagates."""
    try:
        yield
    except _UNAVAILABLE as exc:
        raise _unavailable(exc) from exc
    except OperationFailure as exc:
        if exc.code == UNKNOWN_TIMEZONE_CODE:
            raise _unknown_timezone(exc) from exc
        raise
    except _UNENCODABLE as exc:
        raise BadUserInput(_UNENCODABLE_MESSAGE) from exc


def _unknown_timezone(exc: OperationFailure) -> BadUserInput:
    found = _TIMEZONE_NAME.search(str((exc.details or {}).get("errmsg", "")))
    zone = f'the timezone "{found["name"]}"' if found else "the requested timezone"
    return BadUserInput(
        f'The database does not know {zone}: use a UTC offset such as "+02:00" instead.'
    )


def _unavailable(exc: ConnectionFailure | ExecutionTimeout) -> ServiceUnavailable:
    if isinstance(exc, ExecutionTimeout):
        instruments.DATABASE_ERRORS.labels("timeout").inc()
        return ServiceUnavailable("The database did not answer within the time limit.")
    instruments.DATABASE_ERRORS.labels("unavailable").inc()
    return ServiceUnavailable("The database is unreachable.")
