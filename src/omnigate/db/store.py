"""Read-only access to Rocket.Chat's collections, with time limits on every query."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bson.errors import InvalidStringData
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, ExecutionTimeout, OperationFailure, PyMongoError

from omnigate.errors import BadUserInput, LimitExceeded, ServiceUnavailable

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


@dataclass(slots=True)
class Store:
    """The Rocket.Chat database, read through aggregations and finds that carry ``maxTimeMS``.

    ``with_budget`` gives a per-request view that counts aggregations against a limit.
    """

    db: AsyncDatabase[Document]
    max_time_ms: int = 15_000
    budget: AggregationBudget = field(default_factory=AggregationBudget)

    def with_budget(self, max_aggregations: int | None) -> Store:
        return Store(self.db, self.max_time_ms, AggregationBudget(max_aggregations))

    async def aggregate(self, collection: str, pipeline: Pipeline) -> list[Document]:
        """Run ``pipeline`` on ``collection``, its errors translated by ``_translated``."""
        self.budget.spend()
        with _translated():
            cursor = await self.db[collection].aggregate(
                pipeline, maxTimeMS=self.max_time_ms, batchSize=AGGREGATE_BATCH
            )
            return await cursor.to_list()

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
        with _translated():
            cursor = self.db[collection].find(
                query, projection, sort=sort, limit=limit, max_time_ms=self.max_time_ms
            )
            return await cursor.to_list()

    async def find_one(
        self, collection: str, query: Document, *, projection: Document | None = None
    ) -> Document | None:
        found = await self.find(collection, query, projection=projection, limit=1)
        return found[0] if found else None

    async def count(self, collection: str, query: Document) -> int:
        """Documents of ``collection`` matching ``query``: the ``count`` command (not an
        aggregation, so not counted against the budget)."""
        with _translated():
            reply = await self.db.command(
                {"count": collection, "query": query, "maxTimeMS": self.max_time_ms}
            )
            return int(reply["n"])

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
        return ServiceUnavailable("The database did not answer within the time limit.")
    return ServiceUnavailable("The database is unreachable.")
