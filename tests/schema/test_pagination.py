"""Keyset pagination of ``departments``: name and metric orders, both directions,
stable cursors, and the bad-input cases."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from pymongo.database import Database

from tests.metrics.documents import at
from tests.schema.conftest import Execute, codes

START = at("2024-04-01T00:00")
RANGE = {"start": "2024-04-01T00:00:00Z", "end": "2024-04-30T23:59:59.999Z"}
# name ties ("Sales" twice) are broken by _id; chat-count ties by _id too
DEPARTMENTS = [
    ("d5", "Sales", 3), ("d1", "Sales", 1), ("d2", "Billing", 3), ("d9", "Ärger", 0),
    ("d3", "support", 2), ("d4", "Support", 3), ("d7", "Onboarding", 1), ("d8", "Zoo", 0),
]  # fmt: skip
PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $order: DepartmentOrder) {
  departments(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    edges { cursor node { departmentId chats(range: {start: "2024-04-01T00:00:00Z",
                                                      end: "2024-04-30T23:59:59.999Z"}) } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


def _insert(db: Database) -> None:
    db.rocketchat_livechat_department.insert_many(
        [{"_id": i, "name": name} for i, name, _ in DEPARTMENTS]
    )
    db.rocketchat_room.insert_many(
        [
            {"_id": f"{i}-{n}", "t": "l", "ts": START + timedelta(hours=n), "departmentId": i}
            for i, _, chats in DEPARTMENTS
            for n in range(chats)
        ]
    )


def name_order(descending: bool = False) -> list[str]:
    ordered = sorted(DEPARTMENTS, key=lambda d: (d[1].encode(), d[0]))  # binary, then _id
    if descending:  # name descending, ties still by _id ascending
        ordered = sorted(DEPARTMENTS, key=lambda d: d[0])
        ordered = sorted(ordered, key=lambda d: d[1].encode(), reverse=True)
    return [d[0] for d in ordered]


def chats_order(descending: bool) -> list[str]:
    sign = -1 if descending else 1
    return [d[0] for d in sorted(DEPARTMENTS, key=lambda d: (sign * d[2], d[0]))]


async def _walk(
    execute: Execute, order: dict[str, Any] | None, size: int, backward: bool
) -> list[str]:
    """Every department id, one page of ``size`` at a time, following the cursors."""
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        variables = {"order": order}
        if backward:
            variables |= {"last": size, "before": cursor}
        else:
            variables |= {"first": size, "after": cursor}
        result = await execute(PAGE, variables)
        assert result.errors is None, result.errors
        connection = result.data["departments"]
        ids = [edge["node"]["departmentId"] for edge in connection["edges"]]
        info = connection["pageInfo"]
        assert len(ids) <= size
        if backward:
            seen = ids + seen
            assert info["hasNextPage"] is (cursor is not None)
            if not info["hasPreviousPage"]:
                return seen
            cursor = info["startCursor"]
        else:
            seen += ids
            assert info["hasPreviousPage"] is (cursor is not None)
            if not info["hasNextPage"]:
                return seen
            cursor = info["endCursor"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("size", [1, 3, 8, 100])
@pytest.mark.parametrize("backward", [False, True])
async def test_name_order_pages_cover_everything_once(
    fresh_db: Database, execute: Execute, size: int, backward: bool
) -> None:
    _insert(fresh_db)
    assert await _walk(execute, None, size, backward) == name_order()
    desc = {"field": "NAME", "direction": "DESC"}
    assert await _walk(execute, desc, size, backward) == name_order(descending=True)


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("backward", [False, True])
async def test_metric_order_with_ties_by_id(
    fresh_db: Database, execute: Execute, direction: str, backward: bool
) -> None:
    _insert(fresh_db)
    order = {"field": "CHATS", "direction": direction, "range": RANGE}
    expected = chats_order(direction == "DESC")
    assert await _walk(execute, order, 3, backward) == expected
    first = await execute(PAGE, {"first": 8, "order": order})
    chats = [e["node"]["chats"] for e in first.data["departments"]["edges"]]
    assert chats == sorted(chats, reverse=direction == "DESC")


async def test_cursors_are_stable_when_departments_are_added(
    fresh_db: Database, execute: Execute
) -> None:
    _insert(fresh_db)
    page = await execute(PAGE, {"first": 3})
    end = page.data["departments"]["pageInfo"]["endCursor"]
    fresh_db.rocketchat_livechat_department.insert_many(
        [{"_id": "a0", "name": "Aardvark"}, {"_id": "y0", "name": "Yak"}]
    )
    rest = await execute(PAGE, {"first": 100, "after": end})
    ids = [e["node"]["departmentId"] for e in rest.data["departments"]["edges"]]
    last_seen = next(d for d in DEPARTMENTS if d[0] == name_order()[2])
    everything = [*DEPARTMENTS, ("a0", "Aardvark", 0), ("y0", "Yak", 0)]
    key = (last_seen[1].encode(), last_seen[0])
    expected = [
        d[0]
        for d in sorted(everything, key=lambda d: (d[1].encode(), d[0]))
        if (d[1].encode(), d[0]) > key
    ]
    # "Aardvark" lands before the cursor and does not shift the rest; "Yak" appears in place
    assert "y0" in expected and "a0" not in expected
    assert ids == expected


async def test_first_and_last_together_follow_relay(fresh_db: Database, execute: Execute) -> None:
    _insert(fresh_db)
    result = await execute(PAGE, {"first": 5, "last": 2})
    ids = [e["node"]["departmentId"] for e in result.data["departments"]["edges"]]
    assert ids == name_order()[3:5]
    assert result.data["departments"]["pageInfo"]["hasPreviousPage"] is True


async def test_total_count_and_default_page(fresh_db: Database, execute: Execute) -> None:
    _insert(fresh_db)
    result = await execute("{ departments { totalCount edges { node { name } } } }")
    assert result.data["departments"]["totalCount"] == len(DEPARTMENTS)
    assert len(result.data["departments"]["edges"]) == len(DEPARTMENTS)


def _forged(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        (
            {"first": 101},
            "between 0 and 100, got 101: the page size limit (OMNIGATE_MAX_PAGE_SIZE)",
        ),
        ({"last": 500}, "`last` must be between 0 and 100"),
        ({"first": -1}, "`first` must be between 0 and 100"),
        ({"after": "%%%not-base64"}, "`after` is not a valid cursor"),
        ({"after": _forged('["NAME:ASC", 3, "d1"]')}, "`after` is not a valid cursor"),
        ({"before": _forged("[1, 2]")}, "`before` is not a valid cursor"),
        ({"after": _forged('["CHATS:ASC", 3, "d1"]')}, "returned for the ordering CHATS:ASC"),
        ({"order": {"field": "CHATS"}}, "orderBy.range is required to order by CHATS"),
        (
            {
                "order": {
                    "field": "CHATS",
                    "range": {"start": "2024-05-01T00:00:00Z", "end": "2024-04-01T00:00:00Z"},
                }
            },
            "is after range.end",
        ),
    ],
)
async def test_bad_arguments_are_bad_user_input(
    fresh_db: Database, execute: Execute, variables: dict[str, Any], fragment: str
) -> None:
    _insert(fresh_db)
    result = await execute(PAGE, variables)
    assert codes(result) == ["BAD_USER_INPUT"]
    assert fragment in result.errors[0].message


async def test_name_order_ignores_a_range(fresh_db: Database, execute: Execute) -> None:
    _insert(fresh_db)
    result = await execute(
        """{ departments(orderBy: {field: NAME, direction: DESC, range:
             {start: "2024-04-01T00:00:00Z", end: "2024-04-30T23:59:59.999Z"}}) {
             edges { node { departmentId } } } }"""
    )
    assert result.errors is None
    ids = [e["node"]["departmentId"] for e in result.data["departments"]["edges"]]
    assert ids == name_order(descending=True)


# --- departments without a name ----------------------------------------------------------

# A missing, null or empty name (or one that is not a string) reads as "" and sorts as ""
# would: before every name, ties by _id. MongoDB itself sorts missing/null before "".
NAMELESS = [
    {"_id": "n4"},
    {"_id": "n1", "name": None},
    {"_id": "n3", "name": ""},
    {"_id": "n0"},
    {"_id": "n2", "name": ""},
    {"_id": "n5", "name": None},
    {"_id": "n6", "name": 42},
]
NAMED = [
    {"_id": "b", "name": "Sales"},
    {"_id": "a", "name": "Sales"},
    {"_id": "c", "name": "Billing"},
    {"_id": "0", "name": " "},  # a space sorts after "" and before letters
]


def _read_name(document: dict[str, Any]) -> str:
    name = document.get("name")
    return name if isinstance(name, str) else ""


def nameless_order(descending: bool) -> list[str]:
    """Name (binary) then _id; descending: name descending, ties still by _id ascending."""
    documents = sorted([*NAMELESS, *NAMED], key=lambda d: d["_id"])
    ordered = sorted(documents, key=lambda d: _read_name(d).encode(), reverse=descending)
    return [d["_id"] for d in ordered]


def test_the_expected_orders_by_hand() -> None:
    nameless = ["n0", "n1", "n2", "n3", "n4", "n5", "n6"]
    assert nameless_order(False) == [*nameless, "0", "c", "a", "b"]
    assert nameless_order(True) == ["a", "b", "c", "0", *nameless]


@pytest.mark.parametrize("size", [1, 2, 3, 100])
@pytest.mark.parametrize("backward", [False, True])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_nameless_departments_are_listed_once_each(
    fresh_db: Database, execute: Execute, size: int, backward: bool, direction: str
) -> None:
    fresh_db.rocketchat_livechat_department.insert_many([*NAMELESS, *NAMED])
    order = {"field": "NAME", "direction": direction}
    walked = await _walk(execute, order, size, backward)
    assert walked == nameless_order(direction == "DESC")


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_a_window_between_a_nameless_and_a_named_cursor(
    fresh_db: Database, execute: Execute, direction: str
) -> None:
    fresh_db.rocketchat_livechat_department.insert_many([*NAMELESS, *NAMED])
    order = {"field": "NAME", "direction": direction}
    full = await execute(
        "query($o: DepartmentOrder) { departments(first: 100, orderBy: $o) "
        "{ edges { cursor node { departmentId name } } } }",
        {"o": order},
    )
    edges = full.data["departments"]["edges"]
    expected = nameless_order(direction == "DESC")
    assert [e["node"]["departmentId"] for e in edges] == expected
    names = {e["node"]["departmentId"]: e["node"]["name"] for e in edges}
    assert {names[d["_id"]] for d in NAMELESS} == {""}
    # between the 2nd and the 10th edge, from either end of the window
    after, before = edges[1]["cursor"], edges[9]["cursor"]
    for variables, window in (
        ({"first": 100}, expected[2:9]),
        ({"first": 3}, expected[2:5]),
        ({"last": 3}, expected[6:9]),
        ({"last": 100}, expected[2:9]),
    ):
        result = await execute(
            PAGE, {**variables, "after": after, "before": before, "order": order}
        )
        assert result.errors is None, result.errors
        ids = [e["node"]["departmentId"] for e in result.data["departments"]["edges"]]
        assert ids == window, variables
