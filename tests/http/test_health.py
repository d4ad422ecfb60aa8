"""``/healthz`` and ``/readyz``, including ``/readyz`` flipping when the database stops."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.embedded import EmbeddedServer
from omnigate.http.app import create_app


def test_healthz_and_readyz(mongo_port: int) -> None:
    settings = Settings(
        mongo_url=f"mongodb://127.0.0.1:{mongo_port}/rocketchat?directConnection=true"
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_readyz_flips_to_503_when_the_database_stops() -> None:
    server = EmbeddedServer()
    url = server.start()
    settings = Settings(
        mongo_url=url.replace(
            "directConnection=true", "directConnection=true&serverSelectionTimeoutMS=500"
        ),
        max_time_ms=1000,
    )
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/readyz").status_code == 200
            server.stop()
            down = client.get("/readyz")
            assert down.status_code == 503
            assert down.json()["status"] == "unavailable"
            assert client.get("/healthz").status_code == 200
    finally:
        server.stop()


def test_an_invalid_server_timezone_stops_the_start() -> None:
    with pytest.raises(ValueError, match="OMNIGATE_TIMEZONE: Unknown timezone 'Mars/Olympus'"):
        create_app(Settings(server_timezone="Mars/Olympus"))
