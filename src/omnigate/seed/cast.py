"""Everyone and everything the chats refer to: departments, agents, staff logins, settings."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any

from omnigate.db import names
from omnigate.seed.clock import DAY
from omnigate.seed.departments import (
    CATALOGUE,
    UNITS,
    Department,
    Unit,
    assignment_document,
    department_document,
    stop_ms,
    unit_document,
)
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
# The last agents left the team this many days before now: Rocket.Chat removed their
# livechat-agent role and their department assignments (the very last one was also
# deactivated); the rooms they served before stay.
LEFT_DAYS_AGO = (45, 12)


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
class MonitorSpec:
    """A livechat monitor (Rocket.Chat EE) and the units it watches."""

    username: str
    name: str
    units: tuple[str, ...]


# The first one is the monitor whose login the seed reports; the second watches no unit.
MONITORS = (
    MonitorSpec("sofia.lindqvist", "Sofia Lindqvist", ("Front Office",)),
    MonitorSpec("omar.benali", "Omar Benali", ()),
)
MONITOR_ROLES = ["user", "livechat-monitor"]


@dataclass(frozen=True, slots=True)
class Cast:
    """The seeded organisation; ``documents`` holds its documents by collection."""

    departments: tuple[Department, ...]
    agents: tuple[User, ...]  # everyone who took chats, those who left included
    staff: tuple[User, ...]
    manager_token: str
    units: tuple[Unit, ...]
    monitors: tuple[User, ...]
    monitor_tokens: tuple[str, ...]
    documents: dict[str, list[Document]]
    left_ms: dict[User, int]  # when each agent who left did

    @property
    def manager(self) -> User:
        return self.staff[0]

    def works_at(self, agent: User, ms: int) -> bool:
        """Whether ``agent`` was an agent at ``ms``."""
        left = self.left_ms.get(agent)
        return left is None or ms < left

    @property
    def users(self) -> tuple[User, ...]:
        """Everyone who chats in non-livechat rooms."""
        return self.agents + self.staff


def build_cast(rng: random.Random, now_ms: int) -> Cast:
    """Departments, units, users, permissions and settings, all drawn from ``rng``.

    Units and monitors draw from a generator derived from ``rng``'s state without
    advancing it, so they leave every other seeded document as it was before units."""
    side = random.Random(repr(rng.getstate()))
    units = tuple(Unit(random_id(side), spec) for spec in UNITS)
    agents = tuple(
        User(random_id(rng), username_for(name), name) for name in full_names(rng, AGENTS)
    )
    departments = tuple(
        _in_units(
            Department(
                random_id(rng), spec, tuple(rng.sample(agents, spec.agents)), stop_ms(spec, now_ms)
            ),
            units,
            now_ms,
        )
        for spec in CATALOGUE
    )
    staff = tuple(User(random_id(rng), spec.username, spec.name) for spec in STAFF)
    tokens = [login_token(rng) for _ in STAFF]
    leavers = agents[len(agents) - len(LEFT_DAYS_AGO) :]
    left_ms = {a: now_ms - days * DAY for a, days in zip(leavers, LEFT_DAYS_AGO, strict=True)}
    users = [
        agent_document(rng, agent, now_ms, left=agent in left_ms, active=agent != agents[-1])
        for agent in agents
    ]
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
    current = {d: [a for a in d.agents if a not in left_ms] for d in departments}
    department_documents = [
        department_document(
            department,
            current[department],
            department.receives_until_ms or now_ms - rng.randrange(95, 400) * DAY,
        )
        for department in departments
    ]
    assignments = [
        assignment_document(random_id(rng), department, agent)
        for department in departments
        for agent in current[department]
    ]
    monitors = tuple(User(random_id(side), spec.username, spec.name) for spec in MONITORS)
    monitor_tokens = tuple(login_token(side) for _ in MONITORS)
    users += [
        staff_document(
            user, roles=MONITOR_ROLES, token=token, active=True, utc_offset=1, now_ms=now_ms
        )
        for user, token in zip(monitors, monitor_tokens, strict=True)
    ]
    unit_monitors = [
        {"_id": random_id(side), "monitorId": user.id, "unitId": unit.id, "username": user.username}
        for user, spec in zip(monitors, MONITORS, strict=True)
        for unit in units
        if unit.spec.name in spec.units
    ]
    unit_documents = [
        unit_document(
            unit,
            sum(department.unit_id == unit.id for department in departments),
            sum(document["unitId"] == unit.id for document in unit_monitors),
            now_ms - 100 * DAY,
        )
        for unit in units
    ]
    return Cast(
        departments=departments,
        agents=agents,
        staff=staff,
        manager_token=tokens[0],
        units=units,
        monitors=monitors,
        monitor_tokens=monitor_tokens,
        left_ms=left_ms,
        documents={
            names.DEPARTMENTS: department_documents + unit_documents,
            names.UNIT_MONITORS: unit_monitors,
            names.DEPARTMENT_AGENTS: assignments,
            names.USERS: users,
            names.PERMISSIONS: permission_documents(now_ms),
            names.SETTINGS: setting_documents(now_ms),
        },
    )


def _in_units(department: Department, units: tuple[Unit, ...], now_ms: int) -> Department:
    """The department with its current unit and the unit it left, as ``UNITS`` says."""
    name = department.spec.name
    current = next((unit.id for unit in units if name in unit.spec.departments), None)
    former = next(
        (
            (unit.id, now_ms - days_ago * DAY)
            for unit in units
            for left, days_ago in unit.spec.former
            if left == name
        ),
        None,
    )
    return dataclasses.replace(department, unit_id=current, former_unit=former)
