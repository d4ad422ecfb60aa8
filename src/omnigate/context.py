"""The per-request GraphQL context: who asks, the store, the loaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from omnigate.auth import Principal
from omnigate.config import Settings
from omnigate.db import Store
from omnigate.loaders import DataLoaders
from omnigate.metrics.settings import RocketChatSettings, read_settings
from omnigate.metrics.timezones import ReportingTimezone, reporting_timezone
from omnigate.scope import Scope


@dataclass(slots=True)
class Context:
    """Built once per request; the loaders (and their caches) die with it.

    ``store`` is the request's view of the database, with its own aggregation budget;
    ``now`` the instant it is answered as of (what ends the agents' open activity
    sessions): a live query's tick sets it to the tick's instant.
    """

    store: Store
    settings: Settings
    principal: Principal
    request_id: str
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    loaders: DataLoaders = field(init=False)
    _rocketchat_settings: asyncio.Future[RocketChatSettings] | None = field(
        default=None, init=False
    )

    def __post_init__(self) -> None:
        self.loaders = DataLoaders.build(
            self.store,
            self.scope,
            self.rocketchat_settings,
            self._default_timezone,
            max_overview_days=self.settings.limits.max_overview_days,
            now=self.now,
        )

    @property
    def scope(self) -> Scope:
        """What the caller may see: every loader and listing is keyed by it."""
        return self.principal.scope

    async def rocketchat_settings(self) -> RocketChatSettings:
        """Rocket.Chat's settings, read at most once per request."""
        if self._rocketchat_settings is None:
            self._rocketchat_settings = asyncio.ensure_future(read_settings(self.store))
        return await self._rocketchat_settings

    async def _default_timezone(self) -> ReportingTimezone:
        """The reporting timezone without argument (the days of agents' activity)."""
        return await self.reporting_timezone(None)

    async def reporting_timezone(self, argument: str | None) -> ReportingTimezone:
        """The timezone of an overview: the argument, else the reporting setting."""
        return reporting_timezone(
            argument,
            await self.rocketchat_settings(),
            server_timezone=self.settings.timezone,
            user_utc_offset=self.principal.utc_offset,
        )
