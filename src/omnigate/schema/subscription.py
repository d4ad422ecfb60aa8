"""The root ``Subscription`` type: live queries."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from omnigate.resolvers.live import MAX_EVERY, MIN_EVERY, watch
from omnigate.schema.query import Info, Query


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A live query: any selection of `Query` fields, recomputed every "
        "`every` seconds and sent whenever its result changed (the first result at once). "
        "Subscribers of the same document, variables and scope share one computation per "
        "tick. Over the graphql-transport-ws protocol at /graphql (credentials in the "
        "`connection_init` payload or the headers) or Server-Sent Events (POST /graphql "
        "with `Accept: text/event-stream`); credentials are re-checked at every tick."
    )
    async def live(
        self,
        info: Info,
        every: Annotated[
            int,
            strawberry.argument(
                description=f"Seconds between two computations, {MIN_EVERY} to {MAX_EVERY}."
            ),
        ] = 5,
    ) -> AsyncGenerator[Query, None]:
        # The events are the query's results, computed once per tick for all subscribers
        # and completed as such (omnigate.internals.Precomputed).
        return await watch(info, every)  # type: ignore[return-value]
