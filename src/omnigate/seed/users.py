"""Users: livechat agents, the staff who log in to omnigate, and the rocket.cat bot."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from omnigate.seed.clock import DAY, HOUR, at
from omnigate.seed.ids import hash_login_token

Document = dict[str, Any]

FIRST_NAMES = (
    "Ana", "Bruno", "Chloé", "David", "Elena", "Farid", "Grace", "Hiroshi", "Inès", "Jonas",
    "Kavya", "Lucas", "Maya", "Nikolai", "Olga", "Pedro", "Quentin", "Rosa", "Samuel", "Tanvi",
    "Umar", "Valeria", "William", "Ximena", "Yusuf", "Zoë", "Amelia", "Ben", "Carmen", "Diego",
)  # fmt: skip
LAST_NAMES = (
    "Almeida", "Becker", "Chen", "Dubois", "Eriksen", "Fernández", "García", "Haddad", "Ivanova",
    "Jensen", "Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
    "Silva", "Tanaka", "Usman", "Varga", "Wright", "Yilmaz", "Zimmermann", "Moreau", "Novak",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class User:
    """A Rocket.Chat user as other documents reference it."""

    id: str
    username: str
    name: str

    def ref(self) -> Document:
        """``{_id, username}``, the reference Rocket.Chat embeds in rooms and messages."""
        return {"_id": self.id, "username": self.username}

    def named_ref(self) -> Document:
        """``{_id, username, name}``, as in a message's ``u``."""
        return {"_id": self.id, "username": self.username, "name": self.name}


BOT = User("rocket.cat", "rocket.cat", "Rocket.Cat")


def ascii_fold(text: str) -> str:
    """``"Inès Müller"`` -> ``"Ines Muller"``."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def username_for(name: str) -> str:
    """``"Inès Müller"`` -> ``"ines.muller"``."""
    return ascii_fold(name).lower().replace(" ", ".")


def full_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct realistic full names."""
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    return names


def _base(user: User, created_ms: int, updated_ms: int) -> Document:
    return {
        "_id": user.id,
        "createdAt": at(created_ms),
        "services": {"email": {"verificationTokens": []}},
        "username": user.username,
        "emails": [{"address": f"{user.username}@example.com", "verified": True}],
        "type": "user",
        "status": "offline",
        "active": True,
        "_updatedAt": at(updated_ms),
        "roles": ["user"],
        "name": user.name,
        "requirePasswordChange": False,
        "settings": {},
        "lastLogin": at(updated_ms),
        "statusConnection": "offline",
        "utcOffset": 0,
        "statusDefault": "online",
    }


# Presence of the agents at ``now``: Rocket.Chat's user statuses, by weight.
STATUSES = {"online": 45, "away": 15, "busy": 10, "offline": 30}
CONNECTIONS = {"online": "online", "away": "away", "busy": "online", "offline": "offline"}
TAKING_CHATS = 0.85  # of the agents not offline, those with statusLivechat "available"


def agent_document(
    rng: random.Random, agent: User, now_ms: int, *, left: bool = False, active: bool = True
) -> Document:
    """A livechat agent (roles ``user``, ``livechat-agent``) with its presence at ``now``;
    one that ``left`` is a plain user again (Rocket.Chat removes the role), offline."""
    status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
    available = status != "offline" and rng.random() < TAKING_CHATS
    document = _base(
        agent, now_ms - rng.randrange(120, 700) * DAY, now_ms - rng.randrange(48) * HOUR
    )
    document.update(
        roles=["user", "livechat-agent"],
        status=status,
        statusConnection=CONNECTIONS[status],
        utcOffset=rng.choice((-5, -3, 0, 1, 2, 5.5)),
        statusLivechat="available" if available else "not-available",
        livechat={"maxNumberSimultaneousChat": rng.choice((3, 5, 8))},
        operator=True,
    )
    if left:
        document.update(
            roles=["user"],
            status="offline",
            statusConnection="offline",
            statusLivechat="not-available",
            operator=False,
            active=active,
        )
    return document


def staff_document(
    user: User,
    *,
    roles: list[str],
    token: str,
    active: bool,
    utc_offset: float,
    now_ms: int,
) -> Document:
    """A user who logs in: only the hash of its login token is stored."""
    document = _base(user, now_ms - 400 * DAY, now_ms - 2 * HOUR)
    document["services"]["resume"] = {
        "loginTokens": [{"when": at(now_ms - 2 * HOUR), "hashedToken": hash_login_token(token)}]
    }
    document.update(roles=roles, active=active, utcOffset=utc_offset)
    return document


def bot_document(now_ms: int) -> Document:
    """rocket.cat, the bot Rocket.Chat creates at install and closes abandoned chats as."""
    return {
        "_id": BOT.id,
        "createdAt": at(now_ms - 700 * DAY),
        "name": BOT.name,
        "username": BOT.username,
        "status": "online",
        "statusDefault": "online",
        "utcOffset": 0,
        "active": True,
        "type": "bot",
        "_updatedAt": at(now_ms - 700 * DAY),
        "roles": ["bot"],
    }
