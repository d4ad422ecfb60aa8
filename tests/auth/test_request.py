"""``authenticate_request`` reads the Rocket.Chat headers of a real HTTP request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import asdict

import pytest
from pymongo.database import Database
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from omnigate.auth import Authenticator, authenticate_request
from omnigate.db import Store, create_client
from omnigate.errors import OmnigateError
from omnigate.http.errors import graphql_error_response, rest_error_response
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, set_permission
from tests.conftest import mongo_url


@pytest.fixture
def client(mongo_port: int, fresh_db: Database) -> Iterator[TestClient]:
    set_permission(fresh_db, RC_DEFAULT_ROLES)
    add_user(fresh_db, "u1", roles=("admin",))
    add_user(fresh_db, "agent", roles=("livechat-agent",))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        mongo = create_client(mongo_url(mongo_port, fresh_db.name), max_time_ms=15_000)
        app.state.auth = Authenticator(Store(mongo[fresh_db.name]))
        yield
        await mongo.close()

    async def rest(request: Request) -> Response:
        try:
            principal = await authenticate_request(request, request.app.state.auth)
        except OmnigateError as exc:
            return rest_error_response(exc)
        return JSONResponse({**asdict(principal), "scope": principal.scope.unrestricted})

    async def graphql(request: Request) -> Response:
        try:
            await authenticate_request(request, request.app.state.auth)
        except OmnigateError as exc:
            return graphql_error_response(exc)
        return JSONResponse({"data": {}})

    app = Starlette(
        routes=[Route("/rest", rest), Route("/graphql", graphql, methods=["POST"])],
        lifespan=lifespan,
    )
    with TestClient(app) as test_client:
        yield test_client


def test_headers_are_read_whatever_their_case(client: TestClient) -> None:
    for headers in (
        {"X-User-Id": "u1", "X-Auth-Token": "tok-u1"},
        {"x-user-id": "u1", "x-auth-token": "tok-u1"},
        {"X-USER-ID": "u1", "X-AUTH-TOKEN": "tok-u1"},
    ):
        response = client.get("/rest", headers=headers)
        assert response.status_code == 200
        assert response.json() == {
            "user_id": "u1",
            "username": "name-u1",
            "utc_offset": None,
            "roles": ["admin"],
            "scope": True,
        }


def test_rest_failures(client: TestClient) -> None:
    unauthorized = {"status": "error", "message": "You must be logged in to do this."}
    for headers in (
        {},
        {"X-User-Id": "u1"},
        {"X-Auth-Token": "tok-u1"},
        {"X-User-Id": "u1", "X-Auth-Token": "x"},
    ):
        response = client.get("/rest", headers=headers)
        assert (response.status_code, response.json()) == (401, unauthorized)
    response = client.get("/rest", headers={"X-User-Id": "agent", "X-Auth-Token": "tok-agent"})
    assert (response.status_code, response.json()) == (
        403,
        {
            "success": False,
            "error": "User does not have the permissions required for this action "
            "[error-unauthorized]",
        },
    )


def test_graphql_failures(client: TestClient) -> None:
    response = client.post("/graphql", headers={"X-User-Id": "ghost", "X-Auth-Token": "tok-u1"})
    assert (response.status_code, response.json()) == (
        401,
        {
            "errors": [
                {
                    "message": "You must be logged in to do this.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ]
        },
    )
    response = client.post("/graphql", headers={"X-User-Id": "agent", "X-Auth-Token": "tok-agent"})
    assert (response.status_code, response.json()) == (
        403,
        {
            "errors": [
                {
                    "message": "User does not have the permissions required for this action "
                    "[error-unauthorized]",
                    "extensions": {"code": "FORBIDDEN"},
                }
            ]
        },
    )
