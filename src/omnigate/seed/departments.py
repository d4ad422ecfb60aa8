"""Livechat departments: a realistic catalogue and their ``rocketchat_livechat_department`` docs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnigate.seed.clock import DAY, at
from omnigate.seed.users import User, ascii_fold

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    """One department of the catalogue.

    ``share`` is its part of new chats (0: it never gets any); ``stopped_days_ago`` is
    when it was disabled or archived (no new chats since); ``archived=None`` leaves the
    field out, as in departments created before Rocket.Chat had archiving.
    """

    name: str
    description: str
    share: float
    agents: int
    enabled: bool = True
    archived: bool | None = False
    stopped_days_ago: int | None = None


CATALOGUE = (
    DepartmentSpec("Sales", "Quotes, pricing and new customers", 0.22, 5, archived=None),
    DepartmentSpec("Customer Support", "Orders, accounts and general questions", 0.25, 6),
    DepartmentSpec("Billing", "Invoices, payments and refunds of charges", 0.12, 3),
    DepartmentSpec("Technical Support", "Installation, errors and integrations", 0.14, 4),
    DepartmentSpec("Onboarding", "Help for customers in their first 30 days", 0.06, 2),
    DepartmentSpec("Returns & Refunds", "Returns, exchanges and refunds", 0.06, 2),
    DepartmentSpec("Enterprise Accounts", "Dedicated team for enterprise contracts", 0.04, 2),
    DepartmentSpec("Atención al Cliente", "Soporte en español", 0.05, 2),
    DepartmentSpec("Careers", "Questions about open positions", 0.01, 1, archived=None),
    DepartmentSpec("Shipping", "Deliveries, tracking", 0.03, 2, enabled=False, stopped_days_ago=20),
    DepartmentSpec(
        "Legacy Helpdesk",
        "Replaced by Customer Support",
        0.02,
        1,
        enabled=False,
        archived=True,
        stopped_days_ago=60,
    ),
    DepartmentSpec("Partnerships", "Resellers and technology partners (new)", 0.0, 1),
)


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A unit (Rocket.Chat EE) grouping departments, watched by monitors.

    ``former`` lists departments that left the unit ``days_ago``: rooms created (or
    forwarded) before then still carry the unit in their ``departmentAncestors``.
    """

    name: str
    departments: tuple[str, ...]
    former: tuple[tuple[str, int], ...] = ()


UNITS = (
    UnitSpec("Front Office", ("Sales", "Customer Support", "Onboarding", "Atención al Cliente")),
    UnitSpec("Back Office", ("Billing", "Returns & Refunds"), former=(("Technical Support", 30),)),
)


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    spec: UnitSpec


@dataclass(frozen=True, slots=True)
class Department:
    """A seeded department: who works (or worked) in it, until when it takes new chats, its
    unit now and the unit it left (``(unit id, left at ms)``)."""

    id: str
    spec: DepartmentSpec
    agents: tuple[User, ...]
    receives_until_ms: int | None
    unit_id: str | None = None
    former_unit: tuple[str, int] | None = None

    def ancestors_at(self, ms: int) -> list[str] | None:
        """The ``ancestors`` the department had at ``ms`` (copied into rooms then)."""
        if self.former_unit is not None and ms < self.former_unit[1]:
            return [self.former_unit[0]]
        return None if self.unit_id is None else [self.unit_id]

    def receives_at(self, ms: int) -> bool:
        """Whether a chat started at ``ms`` may land in (or be transferred to) it."""
        if self.spec.share <= 0:
            return False
        return self.receives_until_ms is None or ms < self.receives_until_ms

    def ref(self) -> Document:
        """The ``{_id, name}`` Rocket.Chat stores as a transfer's ``nextDepartment``."""
        return {"_id": self.id, "name": self.spec.name}


def department_document(department: Department, agents: list[User], updated_ms: int) -> Document:
    """The department as Rocket.Chat 7.x stores it, with its current ``agents``."""
    spec = department.spec
    slug = ascii_fold(spec.name).lower().replace(" & ", "-").replace(" ", "-")
    document: Document = {
        "_id": department.id,
        "enabled": spec.enabled,
        "name": spec.name,
        "description": spec.description,
        "showOnRegistration": spec.enabled,
        "showOnOfflineForm": spec.enabled,
        "requestTagBeforeClosingChat": False,
        "email": f"{slug}@example.com",
        "chatClosingTags": [],
        "offlineMessageChannelName": "",
        "numAgents": len(agents),
        "_updatedAt": at(updated_ms),
        "type": "d",
        "departmentsAllowedToForward": [],
        "fallbackForwardDepartment": "",
        "maxNumberSimultaneousChat": 0,
    }
    if spec.archived is not None:
        document["archived"] = spec.archived
    if department.unit_id is not None:
        document["parentId"] = department.unit_id
        document["ancestors"] = [department.unit_id]
    return document


def unit_document(unit: Unit, departments: int, monitors: int, updated_ms: int) -> Document:
    """A unit as Rocket.Chat EE stores it, in the departments' collection."""
    return {
        "_id": unit.id,
        "name": unit.spec.name,
        "type": "u",
        "visibility": "private",
        "numMonitors": monitors,
        "numDepartments": departments,
        "_updatedAt": at(updated_ms),
    }


def stop_ms(spec: DepartmentSpec, now_ms: int) -> int | None:
    """When the department stopped taking chats, if it did."""
    return None if spec.stopped_days_ago is None else now_ms - spec.stopped_days_ago * DAY


def assignment_document(_id: str, department: Department, agent: User) -> Document:
    """An agent's ``rocketchat_livechat_department_agents`` entry, as Rocket.Chat 7.x saves it."""
    return {
        "_id": _id,
        "agentId": agent.id,
        "departmentId": department.id,
        "departmentEnabled": department.spec.enabled,
        "username": agent.username,
        "count": 0,
        "order": 0,
    }
