"""Per-request DataLoaders: one generic loader per metric family, overviews, departments,
the monitoring page's parts."""

from __future__ import annotations

from dataclasses import dataclass

from omnigate.db import Store
from omnigate.loaders.departments import DepartmentLoader, department_loader
from omnigate.loaders.family import FamilyLoader, SettingsReader
from omnigate.loaders.monitoring import MonitoringLoader, monitoring_loader
from omnigate.loaders.overview import OverviewLoader, overview_loader
from omnigate.metrics.families import FAMILIES, Family
from omnigate.scope import Scope


@dataclass(frozen=True, slots=True)
class DataLoaders:
    """The loaders of one request; built fresh per request so caches never leak."""

    families: dict[Family, FamilyLoader]
    overview: OverviewLoader
    departments: DepartmentLoader
    monitoring: MonitoringLoader

    @classmethod
    def build(cls, store: Store, scope: Scope, settings: SettingsReader) -> DataLoaders:
        return cls(
            families={
                family: FamilyLoader(spec, store, settings) for family, spec in FAMILIES.items()
            },
            overview=overview_loader(store),
            departments=department_loader(store, scope),
            monitoring=monitoring_loader(store, settings),
        )

    def family(self, family: Family) -> FamilyLoader:
        return self.families[family]
