"""Authentication and permission of ``/graphql`` over HTTP (SPEC §5), end to end.

Every refusal is an HTTP status (401 or 403) with the exact GraphQL-shaped body, for a
POST, a GET with ``?query=`` and an introspection query alike; it comes before any look
at the document (a broken query without credentials is still a 401). The GraphiQL page
(a browser's GET without a query) needs no credentials.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from pymongo import MongoClient
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.http.app import create_app
from tests.auth.documents import RC_DEFAULT_ROLES, add_user, hashed, set_permission
from tests.conftest import mongo_url

DB = "http_graphql_auth"
UNAUTHENTICATED = {
    "errors": [
        {"message": "You must be logged in to do this.", "extensions": {"code": "UNAUTHENTICATED"}}
    ]
}
FORBIDDEN = {
    "errors": [
        {
            "message": "User does not have the permissions required for this action "
            "[error-unauthorized]",
            "extensions": {"code": "FORBIDDEN"},
        }
    ]
}
PLAIN_QUERY = "{ __typename }"
INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture(scope="module")
def client(sync_client: MongoClient, mongo_port: int) -> Iterator[TestClient]:
    """The whole app over a database of hand-made users (Rocket.Chat's default roles)."""
    sync_client.drop_database(DB)
    db = sync_client[DB]
    set_permission(db, RC_DEFAULT_ROLES)
    add_user(db, "manager", roles=("user", "livechat-manager"))
    add_user(db, "monitor", roles=("livechat-monitor",))
    add_user(db, "other-manager", roles=("user", "livechat-manager"))
    add_user(db, "admin", roles=("admin",))
    add_user(db, "plain", roles=("user",))
    add_user(db, "inactive", roles=("user", "livechat-manager"), active=False)
    add_user(db, "no-roles", roles=())
    with TestClient(create_app(Settings(mongo_url=mongo_url(mongo_port, DB)))) as test_client:
        yield test_client
    sync_client.drop_database(DB)


def creds(user_id: str | None, token: str | None) -> dict[str, str]:
    headers = {}
    if user_id is not None:
        headers["X-User-Id"] = user_id
    if token is not None:
        headers["X-Auth-Token"] = token
    return headers


# (case, headers, status, body)
REFUSALS = [
    ("no headers", creds(None, None), 401, UNAUTHENTICATED),
    ("only X-User-Id", creds("manager", None), 401, UNAUTHENTICATED),
    ("only X-Auth-Token", creds(None, "tok-manager"), 401, UNAUTHENTICATED),
    ("empty headers", creds("", ""), 401, UNAUTHENTICATED),
    ("wrong token", creds("manager", "tok-wrong"), 401, UNAUTHENTICATED),
    ("token of another user", creds("manager", "tok-other-manager"), 401, UNAUTHENTICATED),
    ("the stored hash as token", creds("manager", hashed("tok-manager")), 401, UNAUTHENTICATED),
    ("unknown user", creds("nobody", "tok-nobody"), 401, UNAUTHENTICATED),
    ("inactive user", creds("inactive", "tok-inactive"), 401, UNAUTHENTICATED),
    ("user without the role", creds("plain", "tok-plain"), 403, FORBIDDEN),
    ("user without any role", creds("no-roles", "tok-no-roles"), 403, FORBIDDEN),
]  # fmt: skip
ALLOWED = [
    ("livechat-manager", creds("manager", "tok-manager")),
    ("livechat-monitor", creds("monitor", "tok-monitor")),
    ("role through admin", creds("admin", "tok-admin")),
]


def send(client: TestClient, transport: str, headers: dict[str, str]) -> httpx.Response:
    """One request of ``transport``: POST or GET, of a plain or an introspection query."""
    method, kind = transport.split("-")
    query = INTROSPECTION if kind == "introspection" else PLAIN_QUERY
    if method == "POST":
        return client.post("/graphql", json={"query": query}, headers=headers)
    return client.get(
        "/graphql", params={"query": query}, headers={"Accept": "application/json", **headers}
    )


TRANSPORTS = ["POST-plain", "GET-plain", "POST-introspection", "GET-introspection"]
EXPECTED_DATA: dict[str, Any] = {
    "plain": {"__typename": "Query"},
    "introspection": {"__schema": {"queryType": {"name": "Query"}}},
}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refusals_are_http_statuses_with_exact_bodies(
    client: TestClient, transport: str, headers: dict[str, str], status: int, body: object
) -> None:
    response = send(client, transport, headers)
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(("headers"), [case[1] for case in ALLOWED], ids=[c[0] for c in ALLOWED])
def test_holders_of_the_permission_get_answers(
    client: TestClient, transport: str, headers: dict[str, str]
) -> None:
    response = send(client, transport, headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": EXPECTED_DATA[transport.split("-")[1]]}


def test_header_names_are_case_insensitive(client: TestClient) -> None:
    headers = {"x-user-id": "manager", "X-AUTH-TOKEN": "tok-manager"}
    response = client.post("/graphql", json={"query": PLAIN_QUERY}, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        (creds(None, None), 401, UNAUTHENTICATED),
        (creds("manager", "tok-wrong"), 401, UNAUTHENTICATED),
        (creds("plain", "tok-plain"), 403, FORBIDDEN),
    ],
)
@pytest.mark.parametrize(
    "document",
    [
        "{ departments(first: 101) { totalCount } }",  # bad input
        "{ nosuch }",  # validation error
        "{ departments( ",  # syntax error
        "{ " + "__typename " * 3000 + "}",  # over the token limit
    ],
    ids=["bad-input", "invalid", "syntax", "too-long"],
)
def test_authentication_and_permission_come_before_the_document(
    client: TestClient, headers: dict[str, str], status: int, body: object, document: str
) -> None:
    """SPEC §5's order: authentication, then permission, then parameters."""
    response = client.post("/graphql", json={"query": document}, headers=headers)
    assert (response.status_code, response.json()) == (status, body)


def test_a_permission_without_admin_refuses_admins(
    sync_client: MongoClient, mongo_port: int
) -> None:
    """The roles come from ``rocketchat_permissions``, not from a fixed list."""
    db = sync_client[f"{DB}_custom"]
    try:
        set_permission(db, ["livechat-manager"])
        add_user(db, "admin", roles=("admin",))
        add_user(db, "manager", roles=("livechat-manager",))
        app = create_app(Settings(mongo_url=mongo_url(mongo_port, db.name)))
        with TestClient(app) as custom:
            admin = send(custom, "POST-plain", creds("admin", "tok-admin"))
            assert (admin.status_code, admin.json()) == (403, FORBIDDEN)
            assert send(custom, "GET-plain", creds("manager", "tok-manager")).status_code == 200
            db.rocketchat_permissions.delete_many({})  # missing: Rocket.Chat's default roles
            assert send(custom, "POST-plain", creds("admin", "tok-admin")).status_code == 200
    finally:
        sync_client.drop_database(db.name)


@pytest.mark.parametrize("accept", ["text/html", "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_the_graphiql_page_needs_no_credentials(client: TestClient, accept: str) -> None:
    response = client.get("/graphql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text and "graphiql" in response.text.lower()


def test_a_browser_asking_for_html_with_a_query_still_needs_credentials(
    client: TestClient,
) -> None:
    response = client.get(
        "/graphql", params={"query": PLAIN_QUERY}, headers={"Accept": "text/html"}
    )
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
