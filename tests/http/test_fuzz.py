"""Property-based tests of ``/graphql``: whatever a client sends, never a 500, always a
JSON body, never ``INTERNAL_SERVER_ERROR``.

Three generators, bounded (``max_examples``) and run against the seeded database, which
they only read (the ``seeded`` fixture checks it at the end of the session):

* random JSON variable values (strings with odd unicode and lone surrogates, huge
  numbers, dates of every shape, wrong types) for a document that uses every argument;
* random small documents built from the schema's own field and argument names, with
  random literals (and now and then a name the schema does not have);
* random JSON request bodies.

Each request runs in a worker thread with a deadline, so a hang fails the test instead of
stalling the run.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from omnigate.schema import schema
from tests.conftest import SEED_NOW

DEADLINE = 20.0  # seconds per request: far above any legitimate answer on the seed
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
GRAPHQL_SCHEMA = schema._schema
JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def send(
    http_client: TestClient,
    manager_headers: dict[str, str],
) -> Iterator[Any]:
    """POST a raw body as the seeded manager, with a deadline; checks the invariants."""
    pool = ThreadPoolExecutor(max_workers=1)

    def post(body: str, *, record: bool = True) -> dict[str, Any] | list[Any]:
        future = pool.submit(
            http_client.post,
            "/graphql",
            content=body.encode("utf-8", "surrogatepass"),
            headers={**manager_headers, **JSON_HEADERS},
        )
        response = future.result(timeout=DEADLINE)
        assert response.status_code != 500, response.text
        assert response.status_code in (200, 400), (response.status_code, response.text)
        assert response.headers["content-type"] == "application/json", response.text
        decoded = response.json()
        assert isinstance(decoded, dict), decoded
        assert "errors" in decoded or "data" in decoded, decoded
        for error in decoded.get("errors") or []:
            assert isinstance(error.get("message"), str) and error["message"], error
            code = (error.get("extensions") or {}).get("code")
            assert code != "INTERNAL_SERVER_ERROR", (body[:2000], error)
            assert code in (None, "BAD_USER_INPUT"), (body[:2000], error)  # the db is up
        if record:
            event(_outcome(response.status_code, decoded))
        return decoded

    yield post
    pool.shutdown(wait=False, cancel_futures=True)


def _outcome(status: int, body: dict[str, Any]) -> str:
    """A label for ``--hypothesis-show-statistics``: how far the request got."""
    if status != 200:
        return f"HTTP {status}"
    errors = body.get("errors") or []
    if not errors:
        return "answered"
    if any("path" in error for error in errors):
        return "field errors" + (" (partial data)" if body.get("data") else "")
    return "syntax / validation / variable errors"


# --- values -----------------------------------------------------------------------------

odd_alphabet = st.one_of(
    st.characters(codec="utf-8"),
    st.characters(categories=["Cs"]),  # lone surrogates: valid JSON, invalid UTF-8
    st.sampled_from(["\x00", "\u202e", "\ufeff", "$", "{", '"', "\\", "%", "𝔘", "é"]),
)
odd_text = st.text(alphabet=odd_alphabet, max_size=30)
huge_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63, 10**30, 0, -1, 100, 101]),
    st.floats(allow_nan=False),
)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12)),
     timezone(timedelta(hours=23, minutes=59)), timezone(-timedelta(hours=23, minutes=59))]
)  # fmt: skip
dates = st.one_of(
    st.datetimes(timezones=st.one_of(st.none(), zones)).map(datetime.isoformat),
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 7, 1), timezones=zones
    ).map(datetime.isoformat),
    st.dates().map(str),
    st.sampled_from(
        ["2026-13-45", "2026-02-30T25:61:00Z", "0000-01-01", "yesterday", "", "2026",
         "2026-05-01T00:00:00+24:00", "9999-12-31T23:59:59.999999-23:59", "2026-05-01T00:00"]
    ),
    odd_text,
)  # fmt: skip
timezones = st.one_of(
    st.sampled_from(
        ["UTC", "Europe/Paris", "America/Sao_Paulo", "+02:00", "-0530", "+05", "+14:00",
         "-23:59", "+99:99", "Etc/GMT+12", "localtime", "Factory", "../../etc/passwd", ""]
    ),
    odd_text,
)  # fmt: skip
METRICS = ["NAME", "CHATS", "TOTAL_SERVICE_TIME", "TRANSFERRED_CHATS", "AVERAGE_WAITING_TIME"]
order_fields = st.sampled_from(
    ["NAME", "CHATS", "TRANSFERRED_CHATS", "ABANDONED_CHATS", "ABANDONED_CHATS_PERCENTAGE",
     "AVERAGE_SERVICE_TIME", "AVERAGE_CHAT_DURATION", "TOTAL_SERVICE_TIME",
     "AVERAGE_WAITING_TIME", "name", "LOUDNESS"]
)  # fmt: skip
json_scalars = st.one_of(st.none(), st.booleans(), huge_numbers, odd_text)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(odd_text, inner, max_size=3)
    ),
    max_leaves=6,
)


def mostly(strategy: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], one_in: int = 10) -> Any:
    """``strategy``, except one time in ``one_in`` ``odd``."""
    return st.integers(1, one_in).flatmap(lambda n: odd if n == 1 else strategy)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``strategy``, sometimes null or a value of any JSON type."""
    return mostly(strategy, st.one_of(st.none(), json_values), one_in=15)


def sensible_range() -> st.SearchStrategy[dict[str, str]]:
    """Mostly ranges inside the seeded data (so the metrics really run)."""
    day = st.integers(min_value=0, max_value=95)
    return st.tuples(day, day, st.booleans()).map(
        lambda t: {
            "start": (SEED_NOW - timedelta(days=max(t[0], t[1]))).isoformat(),
            "end": (SEED_NOW - timedelta(days=min(t[0], t[1]) if t[2] else 0)).isoformat(),
        }
    )


odd_ranges = st.fixed_dictionaries({"start": dates, "end": dates}, optional={"x": json_scalars})
ranges = mostly(sensible_range(), odd_ranges, one_in=10)
cursors = st.one_of(
    odd_text,
    st.binary(max_size=60).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
    st.tuples(order_fields, json_scalars, json_scalars).map(
        lambda parts: (
            base64.urlsafe_b64encode(json.dumps([f"{parts[0]}:ASC", parts[1], parts[2]]).encode())
            .decode()
            .rstrip("=")
        )
    ),
)
orders = st.fixed_dictionaries(
    {"field": mostly(st.sampled_from(METRICS), order_fields)},
    optional={
        "direction": mostly(st.sampled_from(["ASC", "DESC"]), st.just("UP")),
        "range": maybe(ranges),
    },
)

EVERY_ARGUMENT = """query($r: DateRange!, $r2: DateRange!, $tz: String, $d: ID, $id: ID!,
    $first: Int, $after: String, $last: Int, $before: String, $o: DepartmentOrder,
    $answered: Boolean) {
  departments(first: $first, after: $after, last: $last, before: $before, orderBy: $o) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name chats(range: $r, answered: $answered)
      transferredChats(range: $r2) averageChatDuration(range: $r)
      totalServiceTime(range: $r2) { chats seconds } } }
  }
  overview(range: $r2, departmentId: $d, timezone: $tz) { start end timezone
    conversations { total messages perDay busiestDay { date } busiestHour { label } }
    productivity { averageResponseTime } }
  department(departmentId: $id) { name chats(range: $r) }
  node(id: $id) { id }
}"""
page_sizes = mostly(st.integers(-3, 120), huge_numbers, one_in=6)
department_ids = st.one_of(
    odd_text, st.sampled_from(["", "RGVwYXJ0bWVudDp4", "Department:x", "null", "{}"])
)
variable_sets = st.fixed_dictionaries(
    {"r": maybe(ranges), "r2": maybe(ranges), "id": maybe(department_ids)},
    optional={
        "tz": maybe(timezones),
        "d": maybe(department_ids),
        "first": maybe(page_sizes),
        "last": maybe(page_sizes),
        "after": maybe(cursors),
        "before": maybe(cursors),
        "o": maybe(orders),
        "answered": maybe(st.booleans()),
    },
)


@FUZZ
@given(variables=variable_sets)
def test_random_variables(send: Any, variables: dict[str, Any]) -> None:
    send(json.dumps({"query": EVERY_ARGUMENT, "variables": variables}))


# --- documents from the schema's names ---------------------------------------------------


def literal(value: Any) -> str:
    """A GraphQL literal of a JSON-like value (strings JSON-escaped, ASCII only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) else json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return json.dumps(value)


@st.composite
def argument_literal(draw: st.DrawFn, arg_type: GraphQLInputType, name: str = "") -> str:
    """A literal for an argument: usually of its type, sometimes of another."""
    named = get_named_type(arg_type)
    if name in ("after", "before"):
        return literal(draw(mostly(cursors, json_scalars, one_in=30)))
    if draw(st.integers(0, 29)) == 0:
        return literal(draw(json_scalars))
    if isinstance(named, GraphQLEnumType):
        return draw(mostly(st.sampled_from(list(named.values)), st.just("NOPE"), one_in=30))
    if isinstance(named, GraphQLInputObjectType):
        if named.name == "DateRange":
            value = draw(mostly(sensible_range(), odd_ranges, one_in=8))
            return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
        fields = {name: draw(argument_literal(f.type)) for name, f in named.fields.items()}
        keep = draw(st.sets(st.sampled_from(sorted(fields)))) | {"field"}
        return "{" + ", ".join(f"{k}: {fields[k]}" for k in sorted(keep)) + "}"
    assert isinstance(named, GraphQLScalarType)
    by_name = {
        "Int": mostly(st.integers(-5, 120), st.integers(), one_in=4),
        "Boolean": st.booleans(),
        "DateTime": dates,
        "Float": huge_numbers,
    }
    strategy = by_name.get(named.name, odd_text.map(_without_surrogates))
    if named.name in ("String", "ID") and draw(st.booleans()):
        strategy = st.sampled_from(["UTC", "+05:30", "Europe/Paris", "RGVwYXJ0bWVudDp4"])
    return literal(draw(strategy))


def _without_surrogates(text: str) -> str:
    """GraphQL string literals cannot carry lone surrogates (a syntax error, tested apart)."""
    return "".join(char for char in text if not 0xD800 <= ord(char) <= 0xDFFF)


@st.composite
def selection(draw: st.DrawFn, parent: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
    """A selection set of 1-3 fields of ``parent`` with random arguments and aliases."""
    names = sorted(parent.fields)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    parts = []
    for index, name in enumerate(chosen):
        field = parent.fields[name]
        arguments = []
        for arg_name, argument in field.args.items():
            required = isinstance(argument.type, GraphQLNonNull)
            if draw(st.integers(0, 29)) < (29 if required else 12):
                value = draw(argument_literal(argument.type, arg_name))
                arguments.append(f"{arg_name}: {value}")
        if draw(st.integers(0, 39)) == 0:
            arguments.append(f"bogus: {literal(draw(json_scalars))}")
        text = f"f{index}: {name}" if index else name
        if arguments:
            text += "(" + ", ".join(arguments) + ")"
        child = get_named_type(field.type)
        if isinstance(child, GraphQLInterfaceType):
            department = GRAPHQL_SCHEMA.get_type("Department")
            assert isinstance(department, GraphQLObjectType)
            inner = draw(selection(department, depth - 1)) if depth > 0 else "{ __typename }"
            text += " { id ... on Department " + inner + " }"
        elif isinstance(child, GraphQLObjectType):
            text += " " + (draw(selection(child, depth - 1)) if depth > 0 else "{ __typename }")
        parts.append(text)
    if draw(st.integers(0, 29)) == 0:
        parts.append(draw(st.sampled_from(["nosuch", "__typename", "edges", "name"])))
    return "{ " + " ".join(parts) + " }"


documents = st.integers(min_value=1, max_value=5).flatmap(
    lambda depth: selection(GRAPHQL_SCHEMA.query_type, depth)  # type: ignore[arg-type]
)


@FUZZ
@given(document=documents)
def test_random_documents(send: Any, document: str) -> None:
    send(json.dumps({"query": document}))


# --- request bodies ------------------------------------------------------------------------

bodies = st.one_of(
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {},
        optional={
            "query": st.one_of(odd_text, json_values, st.just("{ __typename }")),
            "variables": json_values,
            "operationName": st.one_of(odd_text, json_values),
            "extensions": json_values,
        },
    ).map(json.dumps),
    odd_text,
)


@FUZZ
@given(body=bodies)
def test_random_bodies(send: Any, body: str) -> None:
    send(body)


def test_lists_are_not_batches(send: Any) -> None:
    """Strawberry's batching is off: a JSON list is a 400, as JSON."""
    assert send(json.dumps([{"query": "{ __typename }"}]), record=False) == {
        "errors": [{"message": "Batching is not enabled", "extensions": {"code": "BAD_USER_INPUT"}}]
    }
