"""Loader of department records by ``_id``."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from omnigate.db import Store
from omnigate.records import departments as department_records
from omnigate.records.departments import DepartmentRecord

DepartmentLoader = DataLoader[str, DepartmentRecord | None]


def department_loader(store: Store) -> DepartmentLoader:
    async def load(ids: Sequence[str]) -> list[DepartmentRecord | None]:
        found = await department_records.by_ids(store, set(ids))
        return [found.get(department_id) for department_id in ids]

    return DataLoader(load_fn=load)
