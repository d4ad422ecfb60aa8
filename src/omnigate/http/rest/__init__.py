"""Rocket.Chat's REST analytics endpoints: eight department lists and the overview (SPEC §4),
the agent overview and three agent lists (SPEC §8), the Real-time Monitoring dashboards
(SPEC §10)."""

from starlette.routing import Route

from omnigate.http.rest import agents, dashboards, departments, overview

routes: list[Route] = [
    *departments.routes,
    *overview.routes,
    *agents.routes,
    *dashboards.routes,
]

__all__ = ["routes"]
