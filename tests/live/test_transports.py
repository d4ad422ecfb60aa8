"""Live queries end to end: the gateway served by uvicorn, real WebSocket (graphql-transport-ws)
and Server-Sent Events clients, MongoDB commands counted. Intervals are the smallest the
API accepts (2 s), so each test waits through a few ticks at most."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import httpx2
import pytest
from pymongo.database import Database
from starlette.testclient import TestClient
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from omnigate.config import Limits, Settings
from omnigate.http.app import create_app
from omnigate.live import LiveSession, LiveStream
from omnigate.live.subscriber import Subscriber
from tests.conftest import mongo_url
from tests.live.clients import Aggregations, Gateway, WSClient, serving, sse_client, ws_client
from tests.metrics.documents import at, room

EVERY = 2
RANGE = {"start": "2024-05-01T00:00:00Z", "end": "2024-05-31T23:59:59.999Z"}
QUERY = """subscription Wall($range: DateRange!) {
  live(every: 2) {
    departments(first: 10) { edges { node { departmentId name chats(range: $range) } } }
  }
}"""
VARIABLES = {"range": RANGE}
ALICE = {"X-User-Id": "alice", "X-Auth-Token": "tok-alice"}
BOB = {"X-User-Id": "bob", "X-Auth-Token": "tok-bob"}
AGENT = {"X-User-Id": "agent", "X-Auth-Token": "tok-agent"}
# a tick's computation takes milliseconds here: what was pushed after a change arrives
# within one interval plus this
MARGIN = 1.0


@pytest.fixture
def settings(live_db: Database, mongo_port: int) -> Settings:
    return Settings(mongo_url=mongo_url(mongo_port, live_db.name))


def table(sales: int, support: int) -> dict[str, Any]:
    """The payload of QUERY when Sales has ``sales`` rooms and Support ``support``."""
    edges = [
        {"node": {"departmentId": "d1", "name": "Sales", "chats": sales}},
        {"node": {"departmentId": "d2", "name": "Support", "chats": support}},
    ]
    return {"data": {"live": {"departments": {"edges": edges}}}}


async def subscribed(client: WSClient, headers: dict[str, str], id: str = "1") -> Any:
    """``client`` initialised with ``headers`` and subscribed to QUERY: its first payload."""
    assert (await client.init(headers))["type"] == "connection_ack"
    await client.subscribe(id, QUERY, VARIABLES)
    message = await client.receive()
    assert message["type"] == "next" and message["id"] == id, message
    return message["payload"]


async def test_subscribers_share_one_computation_per_tick_and_see_changes_within_one(
    settings: Settings, live_db: Database
) -> None:
    aggregations = Aggregations()
    async with (
        serving(settings, [aggregations]) as gateway,
        ws_client(gateway) as first,
        ws_client(gateway) as second,
    ):
        started = time.monotonic()
        # two users of one scope on two WebSockets, and Server-Sent Events
        payloads = [await subscribed(first, ALICE), await subscribed(second, BOB)]
        async with sse_client(gateway, ALICE, QUERY, VARIABLES) as third:
            event, payload = await third.receive()
            assert event == "next"
            payloads.append(payload)
            assert payloads == [table(1, 1)] * 3

            computed = gateway.hub.stats()["computations"]
            await asyncio.gather(
                first.silence(EVERY + 0.5), second.silence(EVERY + 0.5), third.silence(EVERY + 0.5)
            )
            assert gateway.hub.stats()["computations"] > computed  # a tick ran, sent nothing

            live_db.rocketchat_room.insert_one(room("r3", at("2024-05-04T10:00"), "d1"))
            changed = time.monotonic()
            pushed = await asyncio.gather(first.receive(), second.receive(), third.receive())
            assert time.monotonic() - changed < EVERY + MARGIN
            assert [pushed[0]["payload"], pushed[1]["payload"], pushed[2][1]] == [table(2, 1)] * 3

            stats = gateway.hub.stats()
            assert (stats["subscribers"], stats["groups"]) == (3, 1)
            assert aggregations.count == stats["computations"]  # one aggregation per tick
            # the first tick at once, then one per multiple of EVERY on the clock
            assert stats["computations"] <= (time.monotonic() - started) / EVERY + 2


async def test_a_revoked_token_or_a_removed_permission_ends_the_subscription_within_a_tick(
    settings: Settings, live_db: Database
) -> None:
    async with serving(settings) as gateway, ws_client(gateway) as alice, ws_client(gateway) as bob:
        await subscribed(alice, ALICE)
        await subscribed(bob, BOB)
        live_db.users.update_one({"_id": "alice"}, {"$set": {"services.resume.loginTokens": []}})
        live_db.users.update_one({"_id": "bob"}, {"$set": {"roles": ["user"]}})
        revoked = time.monotonic()
        for client, code in ((alice, "UNAUTHENTICATED"), (bob, "FORBIDDEN")):
            ended = await client.receive(timeout=EVERY + MARGIN)
            assert ended["type"] == "next"
            assert ended["payload"]["data"] is None
            (error,) = ended["payload"]["errors"]
            assert (error["path"], error["extensions"]["code"]) == (["live"], code)
            assert (await client.receive())["type"] == "complete"
        assert time.monotonic() - revoked < EVERY + MARGIN
        assert gateway.hub.stats()["subscribers"] == 0
        # the refusal also dropped the cached success: no new subscription either
        await alice.subscribe("2", QUERY, VARIABLES)
        refused = await alice.receive()
        assert refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_limits_refuse_clearly_and_a_completed_subscription_frees_its_place(
    live_db: Database, mongo_port: int
) -> None:
    limits = Limits(
        max_subscriptions_per_connection=2, max_subscriptions_per_user=3, max_subscriptions_total=4
    )
    settings = Settings(mongo_url=mongo_url(mongo_port, live_db.name), limits=limits)

    async def refusal(client: WSClient, id: str) -> str:
        await client.subscribe(id, QUERY, VARIABLES)
        message = await client.receive()
        assert (message["type"], message["id"]) == ("error", id), message
        (error,) = message["payload"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        return error["message"]

    async with serving(settings) as gateway, ws_client(gateway) as one, ws_client(gateway) as two:
        await subscribed(one, ALICE, "a")
        await one.subscribe("b", QUERY, VARIABLES)
        assert (await one.receive())["type"] == "next"
        assert "OMNIGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION" in await refusal(one, "c")
        await subscribed(two, ALICE, "d")
        assert "OMNIGATE_MAX_SUBSCRIPTIONS_PER_USER" in await refusal(two, "e")
        async with ws_client(gateway) as three:
            await subscribed(three, BOB, "f")
            assert "OMNIGATE_MAX_SUBSCRIPTIONS_TOTAL" in await refusal(three, "g")
            async with sse_client(gateway, BOB, QUERY, VARIABLES) as sse:
                event, payload = await sse.receive()
                assert event == "next" and payload["data"] is None
                assert "OMNIGATE_MAX_SUBSCRIPTIONS_TOTAL" in payload["errors"][0]["message"]
                assert (await sse.receive())[0] == "complete"
            await one.send({"id": "a", "type": "complete"})
            await asyncio.sleep(0.2)
            await three.subscribe("h", QUERY, VARIABLES)
            assert (await three.receive())["type"] == "next"
            for every in (1, 301):
                await three.send(
                    {
                        "id": f"every-{every}",
                        "type": "subscribe",
                        "payload": {
                            "query": QUERY.replace("every: 2", f"every: {every}"),
                            "variables": VARIABLES,
                        },
                    }
                )
                message = await three.receive()
                assert message["type"] == "error"
                assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
                assert "between 2 and 300 seconds" in message["payload"][0]["message"]


def _alive(kind: type) -> int:
    gc.collect()
    return sum(isinstance(item, kind) for item in gc.get_objects())


def _tasks() -> set[asyncio.Task[Any]]:
    """The running tasks but the MongoDB driver's (its pool's monitors and readers live as
    long as the client, whatever the subscriptions)."""
    return {
        task
        for task in asyncio.all_tasks()
        if not task.done() and "/pymongo/" not in task.get_coro().cr_code.co_filename  # type: ignore[union-attr]
    }


async def test_disconnects_free_every_subscription_task_and_object(settings: Settings) -> None:
    async with serving(settings) as gateway:
        before = _tasks()
        other = {"range": {**RANGE, "end": "2024-05-15T00:00:00Z"}}
        abrupt = await connect(gateway.ws_url, subprotocols=["graphql-transport-ws"])
        client = WSClient(abrupt)
        await subscribed(client, ALICE, "a")
        await client.subscribe("b", QUERY, other)
        assert (await client.receive())["type"] == "next"
        async with ws_client(gateway) as polite:
            await subscribed(polite, BOB)
            async with sse_client(gateway, ALICE, QUERY, VARIABLES) as sse:
                assert (await sse.receive())[0] == "next"
                stats = gateway.hub.stats()
                assert (stats["subscribers"], stats["groups"], stats["connections"]) == (4, 2, 3)
                assert _alive(Subscriber) == 4 and _alive(LiveSession) == 3
        abrupt.transport.abort()  # no close frame: the connection is just gone
        deadline = time.monotonic() + 5
        while gateway.hub.stats()["subscribers"] and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        assert gateway.hub.stats() == {
            **gateway.hub.stats(),
            **dict.fromkeys(("subscribers", "groups", "tasks", "connections", "users"), 0),
        }
        left = _tasks() - before
        assert left == set(), left
        assert (_alive(Subscriber), _alive(LiveStream), _alive(LiveSession)) == (0, 0, 0)


async def test_the_transports_carry_subscriptions_and_check_credentials_first(
    settings: Settings,
) -> None:
    async with serving(settings) as gateway:
        for payload, code in (({}, 4401), ({**ALICE, "X-Auth-Token": "no"}, 4401), (AGENT, 4403)):
            async with ws_client(gateway) as client:
                await client.send({"type": "connection_init", "payload": payload})
                with pytest.raises(ConnectionClosed) as closed:
                    await client.receive()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == code
        async with ws_client(gateway, headers=ALICE) as client:  # headers, no payload
            assert (await client.init())["type"] == "connection_ack"
            await client.subscribe("q", "{ departments { totalCount } }")
            refused = await client.receive()
            assert refused["type"] == "error" and "POST queries" in refused["payload"][0]["message"]
            # an error inside the live query: located in the subscription's own text
            bad = QUERY.replace(
                "departments(first: 10)",
                'overview(range: {start: "2024-06-01T00:00:00Z", '
                'end: "2024-05-01T00:00:00Z"}) { conversations { total } } departments(first: 10)',
            )
            await client.subscribe("bad", bad, VARIABLES)
            failed = await client.receive()
            (error,) = failed["payload"]["errors"]
            assert error["path"] == ["live", "overview"]
            assert error["locations"] == [{"line": 3, "column": 5}]
            assert error["extensions"]["code"] == "BAD_USER_INPUT"
        with pytest.raises(InvalidStatus) as refused_origin:  # a page of another origin
            await connect(
                gateway.ws_url,
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                origin="https://elsewhere.example",  # type: ignore[arg-type]
            )
        assert refused_origin.value.response.status_code == 403
        await _http_refusals(gateway)
        # a document without variables, a request body without them
        plain = "subscription { live { departments { totalCount } } }"
        async with sse_client(gateway, ALICE, plain) as sse:
            assert await sse.receive() == (
                "next",
                {"data": {"live": {"departments": {"totalCount": 2}}}},
            )


def test_an_unexpected_failure_is_logged_and_masked(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr("omnigate.resolvers.live.live_query", broken)
    with (
        TestClient(create_app(settings)) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": ALICE})
        assert ws.receive_json()["type"] == "connection_ack"
        payload = {"query": QUERY, "variables": VARIABLES}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        message = ws.receive_json()
    (error,) = message["payload"]
    assert (message["type"], error["message"]) == ("error", "Internal server error")
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    logged = [r for r in caplog.records if r.name == "omnigate.live"]
    assert [r.getMessage() for r in logged] == [
        f"unexpected error in a live query (request {error['extensions']['requestId']})"
    ]
    assert "secret detail" not in str(message) and logged[0].exc_info is not None


async def _http_refusals(gateway: Gateway) -> None:
    """A subscription needs a stream, a stream carries subscriptions, credentials first."""
    async with httpx2.AsyncClient() as http:
        body = {"query": QUERY, "variables": VARIABLES}
        plain = await http.post(gateway.http_url, json=body, headers=ALICE)
        assert plain.status_code == 400 and "text/event-stream" in plain.text
        query = {"query": "{ departments { totalCount } }"}
        sse = {**ALICE, "Accept": "text/event-stream"}
        streamed = await http.post(gateway.http_url, json=query, headers=sse)
        assert streamed.status_code == 400 and "POST queries" in streamed.text
        anonymous = await http.post(
            gateway.http_url, json={"query": QUERY}, headers={"Accept": "text/event-stream"}
        )
        assert anonymous.status_code == 401
