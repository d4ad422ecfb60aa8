"""``rocketchat_permissions`` and ``rocketchat_settings`` documents the analytics read."""

from __future__ import annotations

from typing import Any

from omnigate.seed.clock import DAY, at

Document = dict[str, Any]

_MANAGERS = ["livechat-manager", "livechat-monitor", "admin"]

# Rocket.Chat's default roles for the livechat permissions the analytics touch.
PERMISSIONS: dict[str, list[str]] = {
    "view-livechat-manager": _MANAGERS,
    "view-livechat-analytics": _MANAGERS,
    "view-livechat-departments": _MANAGERS,
    "view-livechat-rooms": _MANAGERS,
    "view-l-room": ["livechat-agent", *_MANAGERS],
}

INACTIVITY_TIMEOUT = 3600


def permission_documents(now_ms: int) -> list[Document]:
    updated = at(now_ms - 300 * DAY)
    return [
        {"_id": name, "_updatedAt": updated, "roles": list(roles)}
        for name, roles in PERMISSIONS.items()
    ]


def _setting(
    setting_id: str,
    value: Any,
    *,
    setting_type: str,
    group: str,
    section: str,
    sorter: int,
    updated_ms: int,
    **extra: Any,
) -> Document:
    """A setting at its package default, with the fields Rocket.Chat's settings registry writes."""
    updated = at(updated_ms)
    return {
        "_id": setting_id,
        "value": value,
        "type": setting_type,
        "packageValue": value,
        "valueSource": "packageValue",
        "group": group,
        "section": section,
        "public": False,
        "blocked": False,
        "hidden": False,
        "secret": False,
        "sorter": sorter,
        "i18nLabel": setting_id,
        "i18nDescription": f"{setting_id}_Description",
        "enterprise": False,
        "requiredOnWizard": False,
        "autocomplete": True,
        "env": False,
        **extra,
        "ts": updated,
        "createdAt": updated,
        "_updatedAt": updated,
    }


def setting_documents(now_ms: int) -> list[Document]:
    updated_ms = now_ms - 300 * DAY
    return [
        _setting(
            "Livechat_visitor_inactivity_timeout", INACTIVITY_TIMEOUT,
            setting_type="int", group="Omnichannel", section="Sessions", sorter=41,
            updated_ms=updated_ms,
            i18nLabel="How_long_to_wait_to_consider_visitor_abandonment_in_seconds",
            i18nDescription="Time_in_seconds",
        ),
        _setting(
            "Default_Timezone_For_Reporting", "server",
            setting_type="select", group="General", section="Timezone", sorter=11,
            updated_ms=updated_ms,
            values=[
                {"key": "server", "i18nLabel": "Default_Server_Timezone"},
                {"key": "custom", "i18nLabel": "Default_Custom_Timezone"},
                {"key": "user", "i18nLabel": "Default_User_Timezone"},
            ],
        ),
        _setting(
            "Default_Custom_Timezone", "",
            setting_type="timezone", group="General", section="Timezone", sorter=12,
            updated_ms=updated_ms,
            enableQuery={"_id": "Default_Timezone_For_Reporting", "value": "custom"},
        ),
    ]  # fmt: skip
