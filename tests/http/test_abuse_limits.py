"""Bad input and abuse limits over HTTP, on the seeded database (read-only).

Bad argument values are field errors with ``extensions.code == "BAD_USER_INPUT"`` and a
message saying what to fix; syntax and validation errors are GraphQL's own, unmasked.
Every limit refuses with a message naming the limit and its environment variable, and
(except the aggregation budget, which is spent while resolving) before any database work.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from graphql import GraphQLError, parse, validate
from pymongo import monitoring
from starlette.testclient import TestClient

from omnigate.config import ConfigError, Limits, Operations, Settings
from omnigate.http.app import create_app
from omnigate.schema import schema
from omnigate.seed import SeedReport
from tests.conftest import SEED_NOW, SEEDED_DB, mongo_url

WEEK = {"start": (SEED_NOW - timedelta(days=7)).isoformat(), "end": SEED_NOW.isoformat()}
BACKWARDS = {"start": WEEK["end"], "end": WEEK["start"]}
Post = Callable[..., dict[str, Any]]
JSON = {"Content-Type": "application/json"}


def payload(query: str, variables: dict[str, Any] | None = None) -> str:
    """The request body, ASCII-escaped (so lone surrogates travel as JSON allows)."""
    return json.dumps({"query": query, "variables": variables})


class CommandCounter(monitoring.CommandListener):
    """Counts the commands sent to MongoDB, by name (thread-safe: pymongo's threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def count(self, name: str) -> int:
        with self._lock:
            return self.names.count(name)

    def reset(self) -> None:
        with self._lock:
            self.names.clear()

    def settled(self, quiet: float = 0.3, timeout: float = 10.0) -> list[str]:
        """The commands once none has started for ``quiet`` seconds: an aggregation
        launched before a refusal may still be running when the response is sent."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            with self._lock:
                current = len(self.names)
            if current == seen:
                break
            seen = current
            time.sleep(quiet)
        with self._lock:
            return list(self.names)


@pytest.fixture(scope="session")
def post(http_client: TestClient, manager_headers: dict[str, str]) -> Post:
    """POST /graphql as the seeded manager; asserts HTTP 200, returns the body."""

    def run(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = http_client.post(
            "/graphql", content=payload(query, variables), headers=manager_headers | JSON
        )
        assert response.status_code == 200, response.text
        return response.json()

    return run


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    """The single error of ``body``, whose data is null (at the root or at the field)."""
    assert body.get("data") in (None, {"node": None}, {"department": None}), body
    [error] = body["errors"]
    return error


def bad_input(body: dict[str, Any], path: list[str], *fragments: str) -> str:
    """The single BAD_USER_INPUT field error of ``body`` at ``path``; its message."""
    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}, error
    assert error["path"] == path
    for fragment in fragments:
        assert fragment in error["message"], error["message"]
    return error["message"]


# --- bad argument values ---------------------------------------------------------------


def test_start_after_end_on_a_metric_field(post: Post) -> None:
    body = post(
        "query($r: DateRange!) { departments(first: 1) { edges { node { chats(range: $r) } } } }",
        {"r": BACKWARDS},
    )
    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["path"] == ["departments", "edges", 0, "node", "chats"]
    assert "is after range.end" in error["message"]
    assert "give a start at or before the end" in error["message"]


@pytest.mark.parametrize(
    "field", ["averageServiceTime", "transferredChats", "abandonedChats", "averageChatDuration"]
)
def test_start_after_end_on_every_family(post: Post, field: str) -> None:
    body = post(
        "query($r: DateRange!) { departments(first: 2) { edges { node { "
        f"{field}(range: $r) }} }} }} }}",
        {"r": BACKWARDS},
    )
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert all("is after range.end" in e["message"] for e in body["errors"])


def test_start_after_end_on_the_overview(post: Post) -> None:
    query = "query($r: DateRange!) { overview(range: $r) { conversations { total } } }"
    bad_input(post(query, {"r": BACKWARDS}), ["overview"], "is after range.end")


def test_start_after_end_on_a_department_overview(post: Post) -> None:
    query = """query($r: DateRange!) { departments(first: 1) { edges { node {
                 overview(range: $r) { conversations { total } } } } } }"""
    error = only_error(post(query, {"r": BACKWARDS}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["path"] == ["departments", "edges", 0, "node", "overview"]


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "+25:00", "UTC+2", "", "\x00"])
def test_unknown_timezone(post: Post, timezone: str) -> None:
    query = "query($r: DateRange!, $tz: String) { overview(range: $r, timezone: $tz) { timezone } }"
    message = bad_input(post(query, {"r": WEEK, "tz": timezone}), ["overview"], "timezone")
    assert "IANA" in message and "+02:00" in message  # says what is accepted


@pytest.mark.parametrize("argument", ["first", "last"])
def test_page_too_large(post: Post, argument: str) -> None:
    body = post(f"{{ departments({argument}: 101) {{ totalCount }} }}")
    bad_input(body, ["departments"], f"`{argument}` must be between 0 and 100", "got 101")


def test_negative_page_size(post: Post) -> None:
    bad_input(post("{ departments(first: -1) { totalCount } }"), ["departments"], "between 0")


@pytest.mark.parametrize("argument", ["after", "before"])
@pytest.mark.parametrize("cursor", ["not-a-cursor", "e30", "WzEsMiwzXQ", "!!!", "\ud800", ""])
def test_malformed_cursor(post: Post, argument: str, cursor: str) -> None:
    body = post(
        f"query($c: String) {{ departments({argument}: $c) {{ totalCount }} }}", {"c": cursor}
    )
    bad_input(body, ["departments"], f"`{argument}` is not a valid cursor")


def test_cursor_of_another_ordering(post: Post) -> None:
    page = post("{ departments(first: 1) { pageInfo { endCursor } } }")
    cursor = page["data"]["departments"]["pageInfo"]["endCursor"]
    body = post(
        """query($c: String, $r: DateRange) { departments(after: $c,
             orderBy: {field: CHATS, range: $r}) { totalCount } }""",
        {"c": cursor, "r": WEEK},
    )
    bad_input(body, ["departments"], "NAME:ASC", "CHATS:ASC")


@pytest.mark.parametrize("field", ["CHATS", "TOTAL_SERVICE_TIME", "TRANSFERRED_CHATS"])
def test_ordering_by_a_metric_needs_a_range(post: Post, field: str) -> None:
    body = post(f"{{ departments(orderBy: {{field: {field}}}) {{ totalCount }} }}")
    bad_input(body, ["departments"], "orderBy.range is required", field)


def test_ordering_by_a_metric_with_a_backwards_range(post: Post) -> None:
    body = post(
        "query($r: DateRange) { departments(orderBy: {field: CHATS, range: $r}) { totalCount } }",
        {"r": BACKWARDS},
    )
    bad_input(body, ["departments"], "is after range.end")


def test_malformed_global_id(post: Post) -> None:
    bad_input(post('{ node(id: "%%%") { id } }'), ["node"], "not a valid global id")


def test_text_that_is_not_unicode(post: Post) -> None:
    """A lone surrogate (valid in JSON, impossible in BSON) is bad input, not a crash."""
    query = "query($d: ID!) { department(departmentId: $d) { name } }"
    bad_input(post(query, {"d": "\ud800"}), ["department"], "not valid Unicode")
    query = "query($r: DateRange!, $d: ID) { overview(range: $r, departmentId: $d) { timezone } }"
    bad_input(post(query, {"r": WEEK, "d": "x\udfff"}), ["overview"], "not valid Unicode")


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59Z", "9999-12-31"],
)
def test_instants_out_of_range_are_refused_by_the_scalar(post: Post, value: str) -> None:
    query = "query($r: DateRange!) { overview(range: $r) { timezone } }"
    body = post(query, {"r": {"start": value, "end": value}})
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        f"Variable '$r' has invalid value at .start: Value cannot represent a DateTime: "
        f'"{value}". It must lie between 0001-01-02T00:00:00Z and 9999-12-30T23:59:59.999Z.'
    )


def test_the_widest_accepted_range_works_in_any_timezone(
    post: Post, mongo_port: int, seeded: SeedReport, manager_headers: dict[str, str]
) -> None:
    query = """query($r: DateRange!, $tz: String) { overview(range: $r, timezone: $tz) {
                 conversations { total perDay } } }"""
    wide = {"start": "0001-01-02T00:00:00Z", "end": "9999-12-30T23:59:59.999Z"}
    refused = only_error(post(query, {"r": wide, "tz": "UTC"}))
    assert refused["extensions"]["code"] == "BAD_USER_INPUT"
    assert "(OMNIGATE_MAX_OVERVIEW_DAYS)" in refused["message"]
    # 0001-01-01 to 9999-12-31: every local day Python can represent
    limits = Limits(max_overview_days=3_652_059)
    settings = Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB), limits=limits)
    with TestClient(create_app(settings)) as client:
        for timezone in ("+14:00", "-12:00", "Pacific/Kiritimati", "-23:59"):
            body = client.post(
                "/graphql",
                json={"query": query, "variables": {"r": wide, "tz": timezone}},
                headers=manager_headers,
            ).json()
            assert "errors" not in body, body
            assert body["data"]["overview"]["conversations"]["total"] > 0


def test_client_mistakes_are_not_logged(post: Post, caplog: pytest.LogCaptureFixture) -> None:
    """Bad input, invalid documents and limits are the client's business: a flood of them
    must not flood the logs (strawberry would log each with a traceback)."""
    with caplog.at_level(logging.INFO):
        post("query($r: DateRange!) { overview(range: $r) { timezone } }", {"r": BACKWARDS})
        post("{ departments(first: 101) { totalCount } }")
        post("{ nosuch }")
        post("{ departments( ")
        post("{ " + "__typename " * 2001 + "}")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- syntax and validation errors: GraphQL's own reports -------------------------------


def graphql_reports(document: str) -> list[dict[str, Any]]:
    """What graphql-core itself says about ``document`` (parse, then validate)."""
    try:
        ast = parse(document)
    except GraphQLError as error:
        return [error.formatted]
    return [error.formatted for error in validate(schema._schema, ast)]


@pytest.mark.parametrize(
    "document",
    [
        "{ departments( }",
        "{ departments { totalCount }",
        'query { overview(range: {start: "2026-01-01"}) { timezone } }',
        "{ departments { nosuch } }",
        "{ departments(first: 3000000000) { totalCount } }",
        '{ departments(first: "ten") { totalCount } }',
        "{ departments(orderBy: {field: LOUDNESS}) { totalCount } }",
        "{ department { name } }",
        "{ overview(range: 12) }",
        "mutation { departments { totalCount } }",
    ],
)
def test_syntax_and_validation_errors_are_graphql_own(post: Post, document: str) -> None:
    body = post(document)
    assert body.get("data") is None
    expected = graphql_reports(document)
    assert expected, "the document should be invalid"
    assert body["errors"] == expected
    assert all("extensions" not in error for error in body["errors"])


def test_variable_errors_are_graphql_own(post: Post) -> None:
    body = post(
        "query($r: DateRange!) { overview(range: $r) { timezone } }",
        {"r": {"start": "yesterday", "end": "today"}},
    )
    assert body["data"] is None
    messages = [error["message"] for error in body["errors"]]
    assert messages[0].startswith(
        "Variable '$r' has invalid value at .start: Value cannot represent a DateTime: "
        '"yesterday".'
    )
    assert all("extensions" not in error for error in body["errors"])


# --- limits ------------------------------------------------------------------------------

LIMITED = Limits(max_depth=3, max_aliases=3, max_tokens=60, max_body_bytes=2048, max_page_size=5)


@pytest.fixture(scope="module")
def counter() -> CommandCounter:
    return CommandCounter()


@pytest.fixture(scope="module")
def limited(
    mongo_port: int, seeded: SeedReport, manager_headers: dict[str, str], counter: CommandCounter
) -> Iterator[Callable[..., Any]]:
    """POST to an app with small limits, counting MongoDB commands; returns the response."""
    settings = Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB), limits=LIMITED)
    with TestClient(create_app(settings, event_listeners=[counter])) as client:

        def run(query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
            body = payload(query, variables)
            return client.post("/graphql", content=body, headers=manager_headers | JSON, **kwargs)

        assert run("{ __typename }").status_code == 200  # the credentials are now cached
        yield run


def limit_error(response: Any, *fragments: str) -> str:
    assert response.status_code == 200, response.text
    error = only_error(response.json())
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}, error
    for fragment in fragments:
        assert fragment in error["message"], error["message"]
    return error["message"]


# Depth counts the selection sets nested under the root fields: 4 here.
DEPTH_4 = "{ departments { edges { node { totalServiceTime(range: $r) { chats } } } } }"


def test_depth_limit(limited: Callable[..., Any], counter: CommandCounter) -> None:
    counter.reset()
    query = "query($r: DateRange!) " + DEPTH_4
    message = limit_error(limited(query, {"r": WEEK}), "limit of 3 levels", "OMNIGATE_MAX_DEPTH")
    assert message == (
        "The query is nested deeper than the limit of 3 levels (OMNIGATE_MAX_DEPTH): "
        "ask for fewer nested fields."
    )
    assert counter.names == []  # refused before any database work
    ok = limited("query($r: DateRange!) { departments { edges { node { chats(range: $r) } } } }",
                 {"r": WEEK})  # fmt: skip
    assert "errors" not in ok.json()


def test_depth_limit_sees_through_fragments(limited: Callable[..., Any]) -> None:
    query = """query($r: DateRange!) { ...D }
               fragment D on Query { departments { edges { node { ...N } } } }
               fragment N on Department { totalServiceTime(range: $r) { chats } }"""
    limit_error(limited(query, {"r": WEEK}), "OMNIGATE_MAX_DEPTH")


def test_alias_limit(limited: Callable[..., Any], counter: CommandCounter) -> None:
    counter.reset()
    aliases = " ".join(f"a{i}: __typename" for i in range(4))
    message = limit_error(limited(f"{{ {aliases} }}"), "limit of 3", "OMNIGATE_MAX_ALIASES")
    assert message == (
        "The query uses more aliases than the limit of 3 (OMNIGATE_MAX_ALIASES): "
        "split it into several requests."
    )
    assert counter.names == []
    three = " ".join(f"a{i}: __typename" for i in range(3))
    assert limited(f"{{ {three} }}").json() == {"data": {f"a{i}": "Query" for i in range(3)}}


def test_alias_limit_counts_aliases_in_fragments(limited: Callable[..., Any]) -> None:
    query = "{ a: __typename ...F ...F } fragment F on Query { b: __typename c: __typename }"
    limit_error(limited(query), "OMNIGATE_MAX_ALIASES")


def test_token_limit(limited: Callable[..., Any], counter: CommandCounter) -> None:
    counter.reset()
    message = limit_error(limited("{ " + "__typename " * 60 + "}"), "OMNIGATE_MAX_TOKENS")
    assert message == (
        "The query has more than 60 tokens, the limit (OMNIGATE_MAX_TOKENS): "
        "send a shorter document (use variables and fragments)."
    )
    assert counter.names == []
    assert limited("{ " + "__typename " * 50 + "}").json() == {"data": {"__typename": "Query"}}


def test_body_size_limit(limited: Callable[..., Any], counter: CommandCounter) -> None:
    counter.reset()
    padding = " " * 2048
    response = limited("{ __typename }" + padding)
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "message": "The request body exceeds the limit of 2048 bytes "
                "(OMNIGATE_MAX_BODY_BYTES).",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert counter.names == []  # not even authenticated: nothing was read


def test_body_size_limit_default(http_client: TestClient, manager_headers: dict[str, str]) -> None:
    limit = Limits().max_body_bytes
    body = json.dumps({"query": "{ __typename }"})
    fits = body[:-1] + " " * (limit - len(body)) + "}"
    assert len(fits) == limit
    headers = {**manager_headers, "Content-Type": "application/json"}
    assert http_client.post("/graphql", content=fits, headers=headers).status_code == 200
    over = http_client.post("/graphql", content=fits + " ", headers=headers)
    assert over.status_code == 413
    assert (
        f"limit of {limit} bytes (OMNIGATE_MAX_BODY_BYTES)" in over.json()["errors"][0]["message"]
    )


def test_page_size_limit(limited: Callable[..., Any]) -> None:
    body = limited("{ departments(first: 6) { totalCount } }").json()
    bad_input(body, ["departments"], "`first` must be between 0 and 5, got 6")
    body = limited("{ departments { edges { cursor } pageInfo { hasNextPage } } }").json()
    assert len(body["data"]["departments"]["edges"]) == 5  # the default page is the limit
    assert body["data"]["departments"]["pageInfo"]["hasNextPage"] is True


def test_page_size_env_cannot_exceed_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIGATE_MAX_PAGE_SIZE", "1000")
    with pytest.raises(
        ConfigError, match="OMNIGATE_MAX_PAGE_SIZE must be an integer from 1 to 100, got 1000"
    ):
        Limits.from_env()


# --- the aggregation budget ----------------------------------------------------------


def many_ranges_query(ranges: int) -> str:
    """``ranges`` aliased pages, each asking 3 metric families over its own range."""
    declarations = ", ".join(f"$r{i}: DateRange!" for i in range(ranges))
    pages = " ".join(
        f"p{i}: departments {{ edges {{ node {{ chats(range: $r{i}) "
        f"averageChatDuration(range: $r{i}) transferredChats(range: $r{i}) }} }} }}"
        for i in range(ranges)
    )
    return f"query({declarations}) {{ {pages} }}"


def day_ranges(count: int) -> dict[str, Any]:
    return {
        f"r{i}": {
            "start": (SEED_NOW - timedelta(days=i + 1)).isoformat(),
            "end": (SEED_NOW - timedelta(days=i)).isoformat(),
        }
        for i in range(count)
    }


def test_fifty_aliased_ranges_cannot_launch_150_aggregations(
    mongo_port: int, seeded: SeedReport, manager_headers: dict[str, str]
) -> None:
    counter = CommandCounter()
    limits = Limits(max_aliases=50, max_tokens=4000)  # the budget alone stands in the way
    assert limits.max_aggregations == 24
    settings = Settings(
        mongo_url=mongo_url(mongo_port, SEEDED_DB),
        limits=limits,
        operations=Operations(cache_seconds=0),  # counts what reaches the database
    )
    with TestClient(create_app(settings, event_listeners=[counter])) as client:
        payload = {"query": many_ranges_query(50), "variables": day_ranges(50)}
        response = client.post("/graphql", json=payload, headers=manager_headers)
        assert response.status_code == 200
        body = response.json()
        assert counter.settled().count("aggregate") <= limits.max_aggregations
        assert body["data"] is None
        codes = {error["extensions"]["code"] for error in body["errors"]}
        assert codes == {"BAD_USER_INPUT"}, body["errors"][:3]
        messages = {error["message"] for error in body["errors"]}
        assert messages == {
            "This request needs more aggregations than the limit allows "
            "(OMNIGATE_MAX_AGGREGATIONS); ask for fewer distinct ranges per request."
        }
        # Within the budget (8 ranges x 3 families = 24), the same shape answers.
        counter.reset()
        payload = {"query": many_ranges_query(8), "variables": day_ranges(8)}
        body = client.post("/graphql", json=payload, headers=manager_headers).json()
        assert "errors" not in body, body["errors"][:3]
        assert counter.settled().count("aggregate") == 24


# --- limits from the environment, end to end --------------------------------------------


def test_limits_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    mongo_port: int,
    seeded: SeedReport,
    manager_headers: dict[str, str],
) -> None:
    monkeypatch.setenv("MONGO_URL", mongo_url(mongo_port, SEEDED_DB))
    monkeypatch.setenv("OMNIGATE_MAX_DEPTH", "3")
    monkeypatch.setenv("OMNIGATE_MAX_AGGREGATIONS", "2")
    with TestClient(create_app()) as client:  # settings read from the environment

        def post(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
            payload = {"query": query, "variables": variables}
            response = client.post("/graphql", json=payload, headers=manager_headers)
            assert response.status_code == 200
            return response.json()

        deep = post("query($r: DateRange!) " + DEPTH_4, {"r": WEEK})
        assert only_error(deep)["message"].startswith(
            "The query is nested deeper than the limit of 3 levels (OMNIGATE_MAX_DEPTH)"
        )
        fits = post("{ departments { edges { node { name } } } }")
        assert "errors" not in fits
        costly = post(many_ranges_query(1), day_ranges(1))  # 3 families > 2
        assert {e["extensions"]["code"] for e in costly["errors"]} == {"BAD_USER_INPUT"}
        assert "OMNIGATE_MAX_AGGREGATIONS" in costly["errors"][0]["message"]


def test_a_malformed_limit_in_the_environment_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OMNIGATE_MAX_ALIASES", "many")
    with pytest.raises(ConfigError, match="OMNIGATE_MAX_ALIASES must be an integer"):
        Limits.from_env()
