"""The access scope of a caller (SPEC §7): which rooms, departments and agents it may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omnigate.db.store import Document


@dataclass(frozen=True, slots=True)
class Scope:
    """Unrestricted (``units is None``), or a monitor's units U and the departments D in them.

    Rooms in scope: ``departmentAncestors`` holds a unit of U, or ``departmentId`` is in D.
    Departments visible: D. A monitor of no unit sees nothing. Hashable: it is part of
    every loader and cache key, so results of one scope never serve another.
    """

    units: frozenset[str] | None = None
    departments: frozenset[str] = frozenset()

    @classmethod
    def monitor(cls, units: Iterable[str], departments: Iterable[str]) -> Scope:
        return cls(frozenset(units), frozenset(departments))

    @property
    def unrestricted(self) -> bool:
        return self.units is None

    @property
    def sees_nothing(self) -> bool:
        """A monitor whose units hold no department and who watches no unit."""
        return self.units is not None and not self.units and not self.departments

    def sees_department(self, department_id: str | None) -> bool:
        """Whether a department (``None``: rooms without one) is visible."""
        if self.units is None:
            return True
        return department_id is not None and department_id in self.departments

    def room_match(self, prefix: str = "") -> Document | None:
        """The ``$match`` condition of the rooms in scope (fields under ``prefix``, e.g.
        ``"room."`` after a ``$lookup``); ``None`` when unrestricted."""
        if self.units is None:
            return None
        return {
            "$or": [
                {f"{prefix}departmentAncestors": {"$in": sorted(self.units)}},
                {f"{prefix}departmentId": {"$in": sorted(self.departments)}},
            ]
        }


UNRESTRICTED = Scope()
