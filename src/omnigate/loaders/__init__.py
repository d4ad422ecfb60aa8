"""Per-request DataLoaders, one module per aggregation family."""

from __future__ import annotations

from dataclasses import dataclass

from omnigate.db import Store
from omnigate.loaders.closed import ClosedLoader, closed_loader
from omnigate.loaders.departments import DepartmentLoader, department_loader
from omnigate.loaders.family import Timeout
from omnigate.loaders.opened import OpenedLoader, opened_loader
from omnigate.loaders.overview import OverviewLoader, overview_loader
from omnigate.loaders.transfers import TransfersLoader, transfers_loader


@dataclass(frozen=True, slots=True)
class DataLoaders:
    """The loaders of one request; built fresh per request so caches never leak."""

    opened: OpenedLoader
    closed: ClosedLoader
    transfers: TransfersLoader
    overview: OverviewLoader
    departments: DepartmentLoader

    @classmethod
    def build(cls, store: Store, timeout: Timeout, *, max_overview_days: int) -> DataLoaders:
        return cls(
            opened=opened_loader(store, timeout),
            closed=closed_loader(store, timeout),
            transfers=transfers_loader(store),
            overview=overview_loader(store, max_overview_days),
            departments=department_loader(store),
        )
