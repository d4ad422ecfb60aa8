"""Per-request DataLoaders: one generic loader per metric family, overviews, departments,
agents, the trend families (series, percentiles, service level) and the monitoring page's parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from omnigate.db import Store
from omnigate.loaders.agents import (
    AgentDepartmentsLoader,
    AgentLoader,
    DepartmentAgentsLoader,
    agent_departments_loader,
    agent_loader,
    department_agents_loader,
)
from omnigate.loaders.departments import DepartmentLoader, department_loader
from omnigate.loaders.family import (
    AgentFamilyLoader,
    FamilyLoader,
    SettingsReader,
    TimezoneReader,
)
from omnigate.loaders.monitoring import MonitoringLoader, monitoring_loader
from omnigate.loaders.overview import OverviewLoader, overview_loader
from omnigate.loaders.trends import (
    TrendLoader,
    percentiles_loader,
    series_loader,
    service_level_loader,
)
from omnigate.metrics.families import FAMILIES, Family
from omnigate.scope import Scope


@dataclass(frozen=True, slots=True)
class DataLoaders:
    """The loaders of one request; built fresh per request so caches never leak."""

    families: dict[Family, FamilyLoader]
    overview: OverviewLoader
    departments: DepartmentLoader
    agents: AgentLoader
    department_agents: DepartmentAgentsLoader
    agent_departments: AgentDepartmentsLoader
    series: TrendLoader
    percentiles: TrendLoader
    service_levels: TrendLoader
    monitoring: MonitoringLoader

    @classmethod
    def build(
        cls,
        store: Store,
        scope: Scope,
        settings: SettingsReader,
        timezone: TimezoneReader,
        *,
        max_overview_days: int,
        now: datetime,
    ) -> DataLoaders:
        return cls(
            families={
                family: (
                    AgentFamilyLoader(spec, store, settings, timezone)
                    if spec.by_agent
                    else FamilyLoader(spec, store, settings)
                )
                for family, spec in FAMILIES.items()
            },
            overview=overview_loader(store, max_overview_days),
            departments=department_loader(store, scope),
            agents=agent_loader(store, scope),
            department_agents=department_agents_loader(store, scope),
            agent_departments=agent_departments_loader(store, scope),
            series=series_loader(store, settings),
            percentiles=percentiles_loader(store),
            service_levels=service_level_loader(store),
            monitoring=monitoring_loader(store, settings, now),
        )

    def family(self, family: Family) -> FamilyLoader:
        return self.families[family]
