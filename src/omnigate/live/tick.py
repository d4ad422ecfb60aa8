"""What a tick computes and hands to subscribers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from graphql import GraphQLError

from omnigate.auth import Principal
from omnigate.errors import OmnigateError
from omnigate.scope import Scope


class Outcome(Protocol):
    """The result of executing a live query once (Strawberry's ``ExecutionResult``)."""

    data: dict[str, Any] | None
    errors: list[GraphQLError] | None


@dataclass(frozen=True, slots=True)
class Audience:
    """What a live query's result depends on besides the query: the caller's scope and
    UTC offset (the ``user`` reporting timezone). Subscribers share a computation only
    within one audience."""

    scope: Scope
    utc_offset: float | None

    @classmethod
    def of(cls, principal: Principal) -> Audience:
        return cls(principal.scope, principal.utc_offset)


@dataclass(frozen=True, slots=True)
class TickTime:
    """When a tick computes: its ``instant`` (a multiple of ``every`` seconds since the
    epoch, the same in every worker) and the group's interval."""

    instant: datetime
    every: float

    @classmethod
    def of_slot(cls, slot: int, every: float) -> TickTime:
        return cls(datetime.fromtimestamp(slot * every, UTC), every)


@dataclass(frozen=True, slots=True, eq=False)
class Tick:
    """One computation of a live query, shared by all its subscribers.

    ``fingerprint`` is the JSON of the payload: two ticks with equal fingerprints send
    the same message. A ``final`` tick ends the subscription once delivered."""

    data: dict[str, Any] | None
    errors: tuple[GraphQLError, ...]
    fingerprint: bytes
    final: bool = False

    @classmethod
    def of(
        cls, data: dict[str, Any] | None, errors: Sequence[GraphQLError], *, final: bool = False
    ) -> Tick:
        payload = {"data": data, "errors": [error.formatted for error in errors]}
        return cls(data, tuple(errors), orjson.dumps(payload), final)

    @classmethod
    def failure(cls, error: OmnigateError, *, final: bool) -> Tick:
        """No data, one error with the error's code (e.g. the token was revoked)."""
        coded = GraphQLError(str(error), extensions={"code": error.code})
        return cls.of(None, [coded], final=final)
