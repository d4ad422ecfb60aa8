"""Read-only access to Rocket.Chat's collections, with time limits on every query."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import bson
from bson.errors import InvalidStringData
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError

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


@dataclass(slots=True)
class Store:
    """The Rocket.Chat database, read through aggregations and finds that carry ``maxTimeMS``.

    ``with_budget`` gives a per-request view that counts aggregations against a limit.
    With a ``cache``, identical aggregations share their result (see ``omnigate.db.cache``).
    """

    db: AsyncDatabase[Document]
    max_time_ms: int = 15_000
    budget: AggregationBudget = field(default_factory=AggregationBudget)
    cache: ResultCache | None = None

    def with_budget(self, max_aggregations: int | None) -> Store:
        return Store(self.db, self.max_time_ms, AggregationBudget(max_aggregations), self.cache)

    async def aggregate(
        self, collection: str, pipeline: Pipeline, *, family: str | None = None
    ) -> list[Document]:
        """Run ``pipeline`` on ``collection``; database trouble becomes ``ServiceUnavailable``.

        ``family`` names the aggregation in the metrics (the collection when not given).
        An aggregation answered by the cache still spends the budget: whether a request
        is within its limits never depends on what other requests asked before it.
        The cache key is the SHA-256 of the database name, the collection and the
        pipeline's BSON; the pipeline holds every input, the caller's scope included,
        so callers of different scopes never share a result.
        """
        self.budget.spend()
        label = family or collection
        if self.cache is None:
            requests.note_aggregation(cached=False)
            return await self._run(collection, pipeline, label)
        try:
            document = bson.encode(
                {"db": self.db.name, "collection": collection, "pipeline": pipeline}
            )
        except _UNENCODABLE as exc:
            raise BadUserInput(_UNENCODABLE_MESSAGE) from exc

        async def compute() -> bytes:
            rows = await self._run(collection, pipeline, label)
            return bson.encode({"rows": rows}, codec_options=self.db.codec_options)

        key = hashlib.sha256(document).hexdigest()
        encoded, outcome = await self.cache.fetch(key, compute, label)
        requests.note_aggregation(cached=outcome != "miss")
        # every caller decodes its own copy: identical rows (tz-aware datetimes, Int64...)
        # whether computed now or earlier, and no caller can alter another's
        return bson.decode(encoded, codec_options=self.db.codec_options)["rows"]

    async def _run(self, collection: str, pipeline: Pipeline, family: str) -> list[Document]:
        started = time.perf_counter()
        try:
            cursor = await self.db[collection].aggregate(
                pipeline, maxTimeMS=self.max_time_ms, batchSize=AGGREGATE_BATCH
            )
            rows = await cursor.to_list()
        except _UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        except _UNENCODABLE as exc:
            raise BadUserInput(_UNENCODABLE_MESSAGE) from exc
        instruments.AGGREGATION_SECONDS.labels(family).observe(time.perf_counter() - started)
        instruments.AGGREGATION_ROWS.labels(family).observe(len(rows))
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
        try:
            cursor = self.db[collection].find(
                query, projection, sort=sort, limit=limit, max_time_ms=self.max_time_ms
            )
            return await cursor.to_list()
        except _UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        except _UNENCODABLE as exc:
            raise BadUserInput(_UNENCODABLE_MESSAGE) from exc

    async def find_one(
        self, collection: str, query: Document, *, projection: Document | None = None
    ) -> Document | None:
        found = await self.find(collection, query, projection=projection, limit=1)
        return found[0] if found else None

    async def count(self, collection: str, query: Document) -> int:
        """Documents of ``collection`` matching ``query``: the ``count`` command (not an
        aggregation, so not counted against the budget)."""
        try:
            reply = await self.db.command(
                {"count": collection, "query": query, "maxTimeMS": self.max_time_ms}
            )
            return int(reply["n"])
        except _UNAVAILABLE as exc:
            raise _unavailable(exc) from exc

    async def ping(self) -> bool:
        try:
            await self.db.command("ping", maxTimeMS=self.max_time_ms)
        except PyMongoError:
            return False
        return True


def _unavailable(exc: ConnectionFailure | ExecutionTimeout) -> ServiceUnavailable:
    if isinstance(exc, ExecutionTimeout):
        instruments.DATABASE_ERRORS.labels("timeout").inc()
        return ServiceUnavailable("The database did not answer within the time limit.")
    instruments.DATABASE_ERRORS.labels("unavailable").inc()
    return ServiceUnavailable("The database is unreachable.")
