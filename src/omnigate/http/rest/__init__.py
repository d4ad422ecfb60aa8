"""Rocket.Chat's REST analytics endpoints (SPEC §4): eight department lists and the overview."""

from starlette.routing import Route

from omnigate.http.rest import departments, overview

routes: list[Route] = [*departments.routes, *overview.routes]

__all__ = ["routes"]
