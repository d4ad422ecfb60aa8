"""Access scope (SPEC §7), end to end over HTTP: a monitor's every number equals the one
computed in plain Python over only the rooms in their scope, no department outside it ever
appears, units never appear for anyone, and the unrestricted roles see everything."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.http.app import create_app
from tests.auth.documents import add_user, set_permission
from tests.conftest import mongo_url
from tests.metrics import reference
from tests.metrics.documents import Document, at, random_room, transfer

DATABASE = "scope_e2e"
BERLIN = ZoneInfo("Europe/Berlin")
FIRST, LAST = at("2024-03-01T00:00"), at("2024-03-15T00:00")
# d1, d2 in unit u1; d3 in unit u2; d4 in no unit now (it left u1: stale rooms); d5 in none
UNITS = {"u1": ["d1", "d2"], "u2": ["d3"]}
DEPARTMENTS = ["d1", "d2", "d3", "d4", "d5"]
# who: (roles, units watched)
MONITORS = {
    "mon1": (("user", "livechat-monitor"), ["u1"]),
    "mon12": (("user", "livechat-monitor"), ["u1", "u2"]),
    "mon0": (("user", "livechat-monitor"), []),
    "mon2": (("user", "livechat-monitor"), ["u2"]),
}
EVERYTHING = {
    "manager": ("user", "livechat-manager"),
    "admin": ("user", "admin"),
    "monitor-manager": ("user", "livechat-monitor", "livechat-manager"),
}
PATHS = {
    "amount-of-chats": ("chats", lambda o, c, t: o.rooms, lambda o, c, t: {"rooms": o.rooms}),
    "average-chat-duration-time": (
        "averageChatDuration",
        lambda o, c, t: c.rooms,
        lambda o, c, t: {
            "averageChatDurationTimeInSeconds": math.ceil(c.duration_seconds / c.rooms)
        },
    ),
    "total-transferred-chats": (
        "transferredChats",
        lambda o, c, t: t,
        lambda o, c, t: {"numberOfTransferredRooms": t},
    ),
    "percentage-abandoned-chats": (
        "abandonedChatsPercentage",
        lambda o, c, t: o.rooms,
        lambda o, c, t: {"percentageOfAbandonedChats": math.floor(100 * o.abandoned / o.rooms)},
    ),
}


def _rooms(rng: random.Random) -> list[Document]:
    rooms = []
    for i in range(160):
        document = random_room(rng, f"r{i}", FIRST, LAST, [*DEPARTMENTS, None])
        department = document.get("departmentId")
        unit = next((u for u, members in UNITS.items() if department in members), None)
        if department == "d4" and rng.random() < 0.5:
            document["departmentAncestors"] = ["u1"]  # stale: d4 has left u1 since
        elif unit is not None and rng.random() < 0.85:
            document["departmentAncestors"] = [unit]  # else created before it joined
        rooms.append(document)
    return rooms


@pytest.fixture(scope="module")
def world(sync_client: MongoClient, mongo_port: int) -> Iterator[dict[str, Any]]:
    db: Database = sync_client[DATABASE]
    rng = random.Random(11)
    rooms = _rooms(rng)
    messages = [
        transfer(f"m{i}", rng.choice(rooms)["_id"], rng.choice(rooms)["ts"]) for i in range(60)
    ]
    db.rocketchat_room.insert_many(rooms)
    db.rocketchat_message.insert_many(messages)
    db.rocketchat_livechat_department.insert_many(
        [
            {"_id": d, "name": f"Dept {d}", "type": "d"}
            | (
                {"ancestors": [u], "parentId": u}
                if (u := next((u for u, m in UNITS.items() if d in m), None))
                else {}
            )
            for d in DEPARTMENTS
        ]
        + [
            {"_id": u, "name": f"Unit {u}", "type": "u", "numDepartments": len(m)}
            for u, m in UNITS.items()
        ]
    )
    set_permission(db, ["admin", "livechat-manager", "livechat-monitor"])
    tokens = {}
    for user, (roles, units) in MONITORS.items():
        tokens[user] = add_user(db, user, roles=roles)
        for unit in units:
            db.rocketchat_livechat_unit_monitors.insert_one(
                {"_id": f"{user}-{unit}", "monitorId": user, "unitId": unit, "username": user}
            )
    for user, roles in EVERYTHING.items():
        tokens[user] = add_user(db, user, roles=roles)
    # a monitor-and-manager also watches u2: the manager role wins
    db.rocketchat_livechat_unit_monitors.insert_one(
        {"_id": "mm-u2", "monitorId": "monitor-manager", "unitId": "u2", "username": "mm"}
    )
    with TestClient(create_app(Settings(mongo_url=mongo_url(mongo_port, DATABASE)))) as client:
        yield {"client": client, "tokens": tokens, "rooms": rooms, "messages": messages}
    sync_client.drop_database(DATABASE)


def _visible(user: str) -> set[str]:
    if user in EVERYTHING:
        return set(DEPARTMENTS)
    return {d for unit in MONITORS[user][1] for d in UNITS[unit]}


def _in_scope(user: str, room: Document) -> bool:
    if user in EVERYTHING:
        return True
    units = set(MONITORS[user][1])
    return bool(units & set(room.get("departmentAncestors", []))) or (
        room.get("departmentId") in _visible(user)
    )


def _headers(world: dict[str, Any], user: str) -> dict[str, str]:
    return {"X-User-Id": user, "X-Auth-Token": world["tokens"][user]}


def _graphql(world: dict[str, Any], user: str, query: str, variables: dict[str, Any]) -> Any:
    response = world["client"].post(
        "/graphql", json={"query": query, "variables": variables}, headers=_headers(world, user)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _expected(world: dict[str, Any], user: str, start: Any, end: Any) -> dict[str, Any]:
    rooms = [r for r in world["rooms"] if _in_scope(user, r)]
    ids = {r["_id"] for r in rooms}
    messages = [m for m in world["messages"] if m["rid"] in ids]
    return {
        "rooms": rooms,
        "opened": reference.opened(rooms, start, end),
        "closed": reference.closed(rooms, start, end),
        "transfers": reference.transfers(rooms, messages, start, end),
    }


USERS = st.sampled_from([*MONITORS, *EVERYTHING])
RANGES = st.tuples(st.integers(0, 13 * 24), st.integers(1, 14 * 24)).map(
    lambda t: (FIRST + timedelta(hours=t[0]), FIRST + timedelta(hours=t[0] + t[1]))
)
FIELDS = st.sampled_from(list(PATHS.values()))

QUERY = """query($r: DateRange!, $o: DepartmentOrder, $first: Int) {
  departments(first: $first, orderBy: $o) { totalCount edges { node { departmentId
    chats(range: $r) averageChatDuration(range: $r) transferredChats(range: $r)
    abandonedChatsPercentage(range: $r) } } }
  overview(range: $r, timezone: "Europe/Berlin") { conversations { total open onHold messages
    busiestDay { date messages } } productivity { averageResponseTime } }
}"""


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(user=USERS, bounds=RANGES, order=FIELDS, descending=st.booleans(), first=st.integers(1, 6))
def test_graphql_numbers_are_those_of_the_rooms_in_scope(
    world: dict[str, Any], user: str, bounds: Any, order: Any, descending: bool, first: int
) -> None:
    start, end = bounds
    r = {"start": start.isoformat(), "end": end.isoformat()}
    field = "".join(("_" + c if c.isupper() else c.upper()) for c in order[0]).lstrip("_")
    o = {"field": field, "direction": "DESC" if descending else "ASC", "range": r}
    data = _graphql(world, user, QUERY, {"r": r, "o": o, "first": first})
    expected = _expected(world, user, start, end)
    visible = _visible(user)
    connection = data["departments"]
    assert connection["totalCount"] == len(visible)
    got = {e["node"]["departmentId"]: e["node"] for e in connection["edges"]}
    assert set(got) <= visible
    opened, closed, moved = expected["opened"], expected["closed"], expected["transfers"]

    def values(d: str) -> dict[str, Any]:
        o, c = opened.get(d), closed.get(d)
        return {
            "departmentId": d,
            "chats": o.rooms if o else 0,
            "averageChatDuration": c.duration_seconds / c.rooms if c else 0.0,
            "transferredChats": moved.get(d, 0),
            "abandonedChatsPercentage": 100 * o.abandoned / o.rooms if o else 0.0,
        }

    everything = {d: values(d) for d in visible}
    sign = -1 if descending else 1
    ranked = sorted(visible, key=lambda d: (sign * everything[d][order[0]], d))
    assert list(got) == ranked[:first]
    for d, node in got.items():
        assert node == pytest.approx(everything[d])
    overview = reference.overview(expected["rooms"], start, end, None, BERLIN)
    conversations = data["overview"]["conversations"]
    assert (
        conversations["total"],
        conversations["open"],
        conversations["onHold"],
        conversations["messages"],
    ) == (overview["total"], overview["open"], overview["on_hold"], overview["messages"])
    day = overview["busiest_day"]
    assert conversations["busiestDay"] == (
        None if day is None else {"date": day[0], "messages": day[2]}
    )
    assert data["overview"]["productivity"]["averageResponseTime"] == pytest.approx(
        overview["average_response_time"]
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    user=USERS,
    bounds=RANGES,
    path=st.sampled_from(list(PATHS)),
    department=st.sampled_from([None, *DEPARTMENTS, "u1"]),
)
def test_rest_lists_are_those_of_the_rooms_in_scope(
    world: dict[str, Any], user: str, bounds: Any, path: str, department: str | None
) -> None:
    start, end = bounds
    params = {"start": start.isoformat(), "end": end.isoformat(), "count": 100}
    if department is not None:
        params["departmentId"] = department
    response = world["client"].get(
        f"/api/v1/livechat/analytics/departments/{path}",
        params=params,
        headers=_headers(world, user),
    )
    assert response.status_code == 200, response.text
    expected = _expected(world, user, start, end)
    _, present, item = PATHS[path]
    groups = set(expected["opened"]) | set(expected["closed"]) | set(expected["transfers"])
    if user not in EVERYTHING:
        groups &= _visible(user)  # a monitor sees no group outside their departments
    groups &= {d for d in [*DEPARTMENTS, None] if department is None or d == department}
    rows = []
    for d in sorted(groups, key=lambda d: (d is not None, d or "")):
        o, c, t = (
            expected["opened"].get(d),
            expected["closed"].get(d),
            expected["transfers"].get(d, 0),
        )
        try:
            if present(o, c, t) > 0:
                rows.append({**item(o, c, t), "_id": d})
        except AttributeError:  # no row of that family for the group
            continue
    assert response.json()["departments"] == rows
    assert response.json()["total"] == len(rows)


def test_units_are_never_departments(world: dict[str, Any]) -> None:
    for user in [*EVERYTHING, *MONITORS]:
        data = _graphql(
            world,
            user,
            """{ departments { totalCount edges { node { departmentId } } }
                 unit: department(departmentId: "u1") { name } }""",
            {},
        )
        ids = [e["node"]["departmentId"] for e in data["departments"]["edges"]]
        assert "u1" not in ids and "u2" not in ids
        assert data["unit"] is None
        assert data["departments"]["totalCount"] == len(_visible(user))


def test_outside_scope_is_like_unknown(world: dict[str, Any]) -> None:
    r = {"start": FIRST.isoformat(), "end": LAST.isoformat()}
    data = _graphql(
        world,
        "mon1",
        """query($r: DateRange!) { inside: department(departmentId: "d1") { departmentId }
             outside: department(departmentId: "d3") { departmentId }
             node(id: "RGVwYXJ0bWVudDpkMw==") { id }
             overview(range: $r, departmentId: "d3") {
               conversations { total busiestDay { date } } } }""",
        {"r": r},
    )
    assert data["inside"] == {"departmentId": "d1"}
    assert data["outside"] is None and data["node"] is None
    assert data["overview"]["conversations"] == {"total": 0, "busiestDay": None}


def test_a_monitor_of_no_unit_sees_nothing(world: dict[str, Any]) -> None:
    r = {"start": FIRST.isoformat(), "end": LAST.isoformat()}
    data = _graphql(
        world,
        "mon0",
        """query($r: DateRange!) { departments { totalCount edges { cursor } }
             overview(range: $r) { conversations { total messages busiestDay { date } } } }""",
        {"r": r},
    )
    assert data["departments"] == {"totalCount": 0, "edges": []}
    assert data["overview"]["conversations"] == {"total": 0, "messages": 0, "busiestDay": None}
    response = world["client"].get(
        "/api/v1/livechat/analytics/overview",
        params={"name": "Conversations", "from": "2024-03-01", "to": "2024-03-15"},
        headers=_headers(world, "mon0"),
    )
    assert response.json()[0] == {"title": "Total_conversations", "value": 0}


def test_unrestricted_roles_see_every_room(world: dict[str, Any]) -> None:
    r = {"start": FIRST.isoformat(), "end": LAST.isoformat()}
    livechat = [room for room in world["rooms"] if room.get("t") == "l"]
    for user in EVERYTHING:
        data = _graphql(
            world,
            user,
            "query($r: DateRange!) { overview(range: $r) { conversations { total } } }",
            {"r": r},
        )
        assert data["overview"]["conversations"]["total"] == len(
            reference.opened_rooms(livechat, FIRST, LAST)
        )
