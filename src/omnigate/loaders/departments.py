"""Loader of department records by ``_id``."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.records import departments as department_records
from omnigate.records.departments import DepartmentRecord
from omnigate.scope import Scope

DepartmentLoader = DataLoader[str, DepartmentRecord | None]


def department_loader(store: Store, scope: Scope) -> DepartmentLoader:
    """Departments by id; ``None`` for an unknown one, a unit, or one outside ``scope``."""

    async def load(ids: Sequence[str]) -> list[DepartmentRecord | None]:
        found = await department_records.by_ids(store, scope, set(ids))
        return [found.get(department_id) for department_id in ids]

    return DataLoader(load_fn=load)
