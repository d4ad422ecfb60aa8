"""``GET /metrics``: the Prometheus text format, for the allowed scrapers only.

Not public: it answers 404, as an unknown path does, unless the request carries
``Authorization: Bearer <OMNIGATE_METRICS_TOKEN>`` or comes from a network of
``OMNIGATE_METRICS_ALLOW`` (CIDRs, e.g. ``10.0.0.0/8,127.0.0.1/32``; the TCP peer's
address, not a forwarded header). With several workers (``PROMETHEUS_MULTIPROC_DIR``) any
worker answers with the sum of all of them.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from omnigate.config import Operations

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# The classic text format (what ``generate_latest`` writes for our names), which every
# Prometheus version reads; prometheus-client's own server answers with it by default.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def networks(cidrs: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    """``OMNIGATE_METRICS_ALLOW``'s networks; a malformed one stops the start-up."""
    try:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
    except ValueError as exc:
        raise ValueError(f"OMNIGATE_METRICS_ALLOW: {exc}") from exc


def _from(request: Request, allowed: tuple[IpNetwork, ...]) -> bool:
    if not allowed or request.client is None:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(address in network for network in allowed)


def _with_token(request: Request, token: str | None) -> bool:
    if token is None:
        return False
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def exposition() -> bytes:
    """Every instrument, summed over the worker processes when there are several."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics_routes(operations: Operations) -> list[Route]:
    allowed = networks(operations.metrics_networks)
    token = operations.metrics_token

    async def metrics(request: Request) -> Response:
        if not (_with_token(request, token) or _from(request, allowed)):
            return PlainTextResponse("Not Found", 404)
        return Response(exposition(), media_type=CONTENT_TYPE)

    return [Route("/metrics", metrics, methods=["GET"])]
