"""Rocket.Chat's REST analytics endpoints (SPEC §4): eight department lists and the overview;
the Real-time Monitoring dashboards (SPEC §10)."""

from starlette.routing import Route

from omnigate.http.rest import dashboards, departments, overview

routes: list[Route] = [*departments.routes, *overview.routes, *dashboards.routes]

__all__ = ["routes"]
