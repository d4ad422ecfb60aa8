"""Rocket.Chat's settings that the metrics depend on, read from ``rocketchat_settings``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnigate.db.names import SETTINGS
from omnigate.db.store import Store

INACTIVITY_TIMEOUT = "Livechat_visitor_inactivity_timeout"
REPORTING_TIMEZONE = "Default_Timezone_For_Reporting"
CUSTOM_TIMEZONE = "Default_Custom_Timezone"

REPORTING_TIMEZONE_CHOICES = frozenset({"server", "custom", "user"})


@dataclass(frozen=True, slots=True)
class RocketChatSettings:
    """The values in effect; each falls back to Rocket.Chat's default when absent or invalid."""

    visitor_inactivity_timeout: int = 3600
    reporting_timezone: str = "server"  # "server" | "custom" | "user"
    custom_timezone: str = ""


_DEFAULTS = RocketChatSettings()


async def read_settings(store: Store) -> RocketChatSettings:
    """The three settings, read with one ``find``."""
    documents = await store.find(
        SETTINGS,
        {"_id": {"$in": [INACTIVITY_TIMEOUT, REPORTING_TIMEZONE, CUSTOM_TIMEZONE]}},
        projection={"value": 1},
    )
    values = {document["_id"]: document.get("value") for document in documents}
    return RocketChatSettings(
        visitor_inactivity_timeout=_timeout(values.get(INACTIVITY_TIMEOUT)),
        reporting_timezone=_choice(values.get(REPORTING_TIMEZONE)),
        custom_timezone=_text(values.get(CUSTOM_TIMEZONE)),
    )


def _timeout(value: Any) -> int:
    """A positive whole number of seconds, else the default (0 would make every room abandoned)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _DEFAULTS.visitor_inactivity_timeout
    if value > 0 and float(value).is_integer():
        return int(value)
    return _DEFAULTS.visitor_inactivity_timeout


def _choice(value: Any) -> str:
    return value if value in REPORTING_TIMEZONE_CHOICES else _DEFAULTS.reporting_timezone


def _text(value: Any) -> str:
    return value if isinstance(value, str) else _DEFAULTS.custom_timezone
