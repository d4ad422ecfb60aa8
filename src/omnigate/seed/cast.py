"""Everyone and everything the chats refer to: departments, agents, staff logins, settings."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from omnigate.db import names
from omnigate.seed.clock import DAY
from omnigate.seed.departments import CATALOGUE, Department, department_document, stop_ms
from omnigate.seed.ids import login_token, random_id
from omnigate.seed.settings import permission_documents, setting_documents
from omnigate.seed.users import (
    User,
    agent_document,
    bot_document,
    full_names,
    staff_document,
    username_for,
)

Document = dict[str, Any]

AGENTS = 24


@dataclass(frozen=True, slots=True)
class StaffSpec:
    username: str
    name: str
    roles: tuple[str, ...]
    active: bool
    utc_offset: float


# The first one is the manager whose login the seed reports.
STAFF = (
    StaffSpec("camila.reyes", "Camila Reyes", ("user", "livechat-manager"), True, -3),
    StaffSpec("admin", "Administrator", ("user", "admin"), True, 0),
    StaffSpec("noah.fischer", "Noah Fischer", ("user",), True, 1),
    StaffSpec("laura.brandt", "Laura Brandt", ("user", "livechat-manager"), False, 2),
)


@dataclass(frozen=True, slots=True)
class Cast:
    """The seeded organisation; ``documents`` holds its documents by collection."""

    departments: tuple[Department, ...]
    agents: tuple[User, ...]
    staff: tuple[User, ...]
    manager_token: str
    documents: dict[str, list[Document]]

    @property
    def manager(self) -> User:
        return self.staff[0]

    @property
    def users(self) -> tuple[User, ...]:
        """Everyone who chats in non-livechat rooms."""
        return self.agents + self.staff


def build_cast(rng: random.Random, now_ms: int) -> Cast:
    """Departments, users, permissions and settings, all drawn from ``rng``."""
    agents = tuple(
        User(random_id(rng), username_for(name), name) for name in full_names(rng, AGENTS)
    )
    departments = tuple(
        Department(
            random_id(rng), spec, tuple(rng.sample(agents, spec.agents)), stop_ms(spec, now_ms)
        )
        for spec in CATALOGUE
    )
    staff = tuple(User(random_id(rng), spec.username, spec.name) for spec in STAFF)
    tokens = [login_token(rng) for _ in STAFF]
    users = [agent_document(rng, agent, now_ms) for agent in agents]
    users += [
        staff_document(
            user,
            roles=list(spec.roles),
            token=token,
            active=spec.active,
            utc_offset=spec.utc_offset,
            now_ms=now_ms,
        )
        for user, spec, token in zip(staff, STAFF, tokens, strict=True)
    ]
    users.append(bot_document(now_ms))
    department_documents = [
        department_document(
            department,
            department.receives_until_ms or now_ms - rng.randrange(95, 400) * DAY,
        )
        for department in departments
    ]
    return Cast(
        departments=departments,
        agents=agents,
        staff=staff,
        manager_token=tokens[0],
        documents={
            names.DEPARTMENTS: department_documents,
            names.USERS: users,
            names.PERMISSIONS: permission_documents(now_ms),
            names.SETTINGS: setting_documents(now_ms),
        },
    )
