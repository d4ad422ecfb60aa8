"""Persisted queries: Apollo's automatic persisted queries (APQ) and an allow-list mode.

APQ: a client sends ``extensions.persistedQuery = {"version": 1, "sha256Hash": H}``, over
POST or GET, without the query; an unknown ``H`` answers ``PERSISTED_QUERY_NOT_FOUND``
(HTTP 200, as Apollo's clients expect) and the client sends the query with its hash once,
which registers it. Registrations live in this process (an LRU of ``MAX_REGISTERED``), or
in Redis with ``OMNIGATE_CACHE_URL`` (shared by every worker and replica).

Allow-list (``OMNIGATE_PERSISTED_QUERIES_ONLY=DIR``): only the documents of DIR's
``.graphql`` files run, sent by hash (SHA-256 of the file's text or of its canonical
print) or as text (compared in canonical form, so whitespace and comments do not matter);
anything else is refused with ``PERSISTED_QUERY_NOT_ALLOWED`` and nothing is registered.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from graphql import GraphQLError, OperationDefinitionNode, parse, print_ast
from redis import asyncio as redis
from redis.exceptions import RedisError
from strawberry.http import GraphQLRequestData

MAX_REGISTERED = 1_000
REDIS_TTL_SECONDS = 7 * 24 * 3600
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
_SHA256 = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger("omnigate.http")


class PersistedQueryError(Exception):
    """A persisted-query refusal, answered as ``{"errors": [...]}`` with ``code``."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=256)
def canonical(query: str) -> str | None:
    """The document printed by graphql-core (``None`` when it does not parse)."""
    try:
        return print_ast(parse(query, no_location=True))
    except GraphQLError:
        return None


@lru_cache(maxsize=256)
def operation_name(query: str) -> str | None:
    """The name of the document's only operation (``None``: several, anonymous, invalid)."""
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].name is None:
        return None
    return operations[0].name.value


class Registry(Protocol):
    async def get(self, sha: str) -> str | None: ...

    async def put(self, sha: str, query: str) -> None: ...


class MemoryRegistry:
    """Registered queries of this process, least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_REGISTERED) -> None:
        self._max = max_entries
        self._queries: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha: str) -> str | None:
        query = self._queries.get(sha)
        if query is not None:
            self._queries.move_to_end(sha)
        return query

    async def put(self, sha: str, query: str) -> None:
        self._queries[sha] = query
        self._queries.move_to_end(sha)
        while len(self._queries) > self._max:
            self._queries.popitem(last=False)


class RedisRegistry:
    """Registered queries in Redis, kept a week after their last registration.

    With Redis unreachable a hash is not found and a registration is dropped: the client
    then sends its query in full, which runs.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    async def get(self, sha: str) -> str | None:
        try:
            value = await self._redis.get(f"omnigate:apq:{sha}")
        except (RedisError, OSError) as exc:
            log.warning("persisted queries: redis GET failed: %s", exc)
            return None
        return None if value is None else value.decode()

    async def put(self, sha: str, query: str) -> None:
        try:
            await self._redis.set(f"omnigate:apq:{sha}", query.encode(), ex=REDIS_TTL_SECONDS)
        except (RedisError, OSError) as exc:
            log.warning("persisted queries: redis SET failed: %s", exc)


class AllowList:
    """The documents of a directory's ``.graphql`` files (read once, at start-up)."""

    def __init__(self, directory: Path) -> None:
        files = sorted(directory.rglob("*.graphql")) if directory.is_dir() else []
        if not files:
            raise ValueError(
                f"OMNIGATE_PERSISTED_QUERIES_ONLY: no .graphql file in {str(directory)!r}"
            )
        self.by_hash: dict[str, str] = {}
        self.documents: set[str] = set()
        for path in files:
            text = path.read_text(encoding="utf-8")
            printed = canonical(text)
            if printed is None:
                raise ValueError(f"OMNIGATE_PERSISTED_QUERIES_ONLY: {path} is not valid GraphQL")
            self.by_hash[sha256(text)] = text
            self.by_hash[sha256(printed)] = text
            self.documents.add(printed)

    def allows(self, query: str) -> bool:
        return canonical(query) in self.documents


class PersistedQueries:
    """Resolves a request's persisted query; with an ``allow_list``, enforces it."""

    def __init__(self, registry: Registry, allow_list: AllowList | None = None) -> None:
        self.registry = registry
        self.allow_list = allow_list

    async def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """``data`` with its query filled in from the hash; raises ``PersistedQueryError``."""
        persisted = (data.extensions or {}).get("persistedQuery")
        if persisted is not None:
            sha = _requested_hash(persisted)
            if data.query is None:
                if self.allow_list is not None:
                    query = self.allow_list.by_hash.get(sha)
                else:
                    query = await self.registry.get(sha)
                if query is None:
                    raise PersistedQueryError("PersistedQueryNotFound", NOT_FOUND, 200)
                return replace(data, query=query)
            if sha256(data.query) != sha:
                raise PersistedQueryError(
                    "provided sha does not match query", "BAD_USER_INPUT", 400
                )
            if self.allow_list is None:
                await self.registry.put(sha, data.query)
        if (
            self.allow_list is not None
            and data.query is not None
            and not self.allow_list.allows(data.query)
        ):
            raise PersistedQueryError(
                "This server only runs the operations of its allow-list "
                "(OMNIGATE_PERSISTED_QUERIES_ONLY); this document is not one of them.",
                NOT_ALLOWED,
                400,
            )
        return data


def _requested_hash(persisted: Any) -> str:
    """``sha256Hash`` of ``extensions.persistedQuery`` (version 1, 64 lowercase hex digits)."""
    if (
        not isinstance(persisted, dict)
        or persisted.get("version") != 1
        or not isinstance(persisted.get("sha256Hash"), str)
        or not _SHA256.fullmatch(persisted["sha256Hash"])
    ):
        raise PersistedQueryError(
            'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<64 lowercase '
            'hexadecimal digits>"}',
            "BAD_USER_INPUT",
            400,
        )
    return persisted["sha256Hash"]
