"""``read_settings``: Rocket.Chat's values, and its defaults for absent or invalid ones."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from omnigate.db import Store
from omnigate.metrics.settings import RocketChatSettings, read_settings

from .documents import setting


async def test_defaults_when_absent(fresh_db: Database, store: Store) -> None:
    fresh_db.rocketchat_settings.insert_one(setting("Site_Url", "http://x"))
    assert await read_settings(store) == RocketChatSettings(3600, "server", "")


async def test_reads_the_three_settings(fresh_db: Database, store: Store) -> None:
    fresh_db.rocketchat_settings.insert_many(
        [
            setting("Livechat_visitor_inactivity_timeout", 1800),
            setting("Default_Timezone_For_Reporting", "custom"),
            setting("Default_Custom_Timezone", "Europe/Paris"),
        ]
    )
    assert await read_settings(store) == RocketChatSettings(1800, "custom", "Europe/Paris")


async def test_integral_float_timeout_is_accepted(fresh_db: Database, store: Store) -> None:
    fresh_db.rocketchat_settings.insert_many(
        [
            setting("Livechat_visitor_inactivity_timeout", 600.0),
            setting("Default_Timezone_For_Reporting", "user"),
        ]
    )
    found = await read_settings(store)
    assert found.visitor_inactivity_timeout == 600
    assert type(found.visitor_inactivity_timeout) is int
    assert found.reporting_timezone == "user"


@pytest.mark.parametrize(
    ("timeout", "reporting", "custom"),
    [
        ("1800", "Server", 42),
        (0, "", None),
        (-60, None, ["UTC"]),
        (True, 1, {"tz": "UTC"}),
        (12.5, "europe", False),
        (None, "custom ", 3.5),
    ],
)
async def test_invalid_values_fall_back_to_defaults(
    fresh_db: Database, store: Store, timeout: Any, reporting: Any, custom: Any
) -> None:
    fresh_db.rocketchat_settings.insert_many(
        [
            setting("Livechat_visitor_inactivity_timeout", timeout),
            setting("Default_Timezone_For_Reporting", reporting),
            setting("Default_Custom_Timezone", custom),
        ]
    )
    assert await read_settings(store) == RocketChatSettings()


async def test_document_without_value_is_the_default(fresh_db: Database, store: Store) -> None:
    fresh_db.rocketchat_settings.insert_one({"_id": "Livechat_visitor_inactivity_timeout"})
    assert (await read_settings(store)).visitor_inactivity_timeout == 3600
