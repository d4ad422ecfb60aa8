"""Rocket.Chat ``users`` / ``rocketchat_permissions`` documents, hashed independently here."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from pymongo.database import Database

RC_DEFAULT_ROLES = ["admin", "livechat-manager", "livechat-monitor"]


def hashed(token: str) -> str:
    """base64(SHA-256(token)), as Rocket.Chat stores it."""
    return base64.b64encode(hashlib.sha256(token.encode("utf-8")).digest()).decode("ascii")


def add_user(
    db: Database,
    user_id: str,
    *,
    tokens: tuple[str, ...] | None = None,
    roles: tuple[str, ...] = ("user", "livechat-manager"),
    **fields: Any,
) -> str:
    """Insert a user; returns its first login token (``tok-<id>`` by default)."""
    tokens = (f"tok-{user_id}",) if tokens is None else tokens
    login_tokens = [{"hashedToken": hashed(t), "when": datetime.now(UTC)} for t in tokens]
    db.users.insert_one(
        {
            "_id": user_id,
            "username": f"name-{user_id}",
            "roles": list(roles),
            "services": {"password": {"bcrypt": "x"}, "resume": {"loginTokens": login_tokens}},
            **fields,
        }
    )
    return tokens[0] if tokens else ""


def set_permission(db: Database, roles: list[str]) -> None:
    db.rocketchat_permissions.replace_one(
        {"_id": "view-livechat-manager"},
        {"_id": "view-livechat-manager", "roles": roles},
        upsert=True,
    )
