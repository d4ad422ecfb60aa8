"""The GraphiQL page: same-origin only, its assets served, headers and examples filled in."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.http.graphiql import ASSETS_DIR, render_graphiql, routes
from omnigate.playground import Example, load_examples

DEMO_HEADERS = (("X-User-Id", "demo-manager-id"), ("X-Auth-Token", "demo-secret-token"))
CONTENT_TYPES = {"js": ("text/javascript", "application/javascript"), "css": ("text/css",)}


class _Page(HTMLParser):
    """The URLs a page makes the browser load, and the text of its ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        if tag == "script":
            self._script_id = attributes.get("id") or f"script{len(self.scripts)}"
            self.scripts[self._script_id] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_id = None

    def handle_data(self, data: str) -> None:
        if self._script_id is not None:
            self.scripts[self._script_id] += data


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.urls += re.findall(r"url\(\s*['\"]?([^'\")\s]+)", page)
    return parser


def _config(page: str) -> dict[str, Any]:
    return json.loads(_parse(page).scripts["omnigate-graphiql"])


def _client(settings: Settings, examples: list[Example]) -> TestClient:
    async def graphiql(request: Request) -> HTMLResponse:
        return HTMLResponse(render_graphiql(settings, examples))

    return TestClient(Starlette(routes=[Route("/graphql", graphiql), *routes]))


@pytest.mark.parametrize("headers", [(), DEMO_HEADERS], ids=["serve", "demo"])
def test_the_page_loads_nothing_from_another_host(headers: tuple[tuple[str, str], ...]) -> None:
    page = render_graphiql(Settings(graphiql_headers=headers), load_examples())
    parsed = _parse(page)
    assert parsed.urls, "the page references no asset at all"
    for url in parsed.urls:
        assert url.startswith("data:") or (url.startswith("/") and not url.startswith("//")), url
    without_comments = re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL)
    assert not re.search(r"(https?:)?//[\w.-]+\.\w", without_comments)


def test_every_referenced_asset_is_served_with_its_type_and_long_caching() -> None:
    with _client(Settings(), load_examples()) as client:
        page = client.get("/graphql").text
        assets = [url for url in _parse(page).urls if not url.startswith("data:")]
        assert {url.rsplit(".", 1)[-1] for url in assets} == set(CONTENT_TYPES)
        for url in assets:
            response = client.get(url)
            assert response.status_code == 200, url
            content_types = CONTENT_TYPES[url.rsplit(".", 1)[-1]]
            assert response.headers["content-type"].startswith(content_types), url
            assert "immutable" in response.headers["cache-control"]
            assert (
                response.content
                == (ASSETS_DIR / url.removeprefix("/graphiql-assets/")).read_bytes()
            )
        assert client.get("/graphiql-assets/graphiql-3.8.3/missing.js").status_code == 404


def test_vendored_files_are_unmodified_and_licensed() -> None:
    sums = (ASSETS_DIR / "SHA256SUMS").read_text().splitlines()
    assert len(sums) >= 6
    for line in sums:
        digest, path = line.split(maxsplit=1)
        assert hashlib.sha256((ASSETS_DIR / path).read_bytes()).hexdigest() == digest, path
    for package in (path for path in ASSETS_DIR.iterdir() if path.is_dir()):
        assert (package / "LICENSE").read_text().startswith("MIT License"), package.name


def test_headers_are_prefilled_and_never_persisted_when_settings_have_them() -> None:
    config = _config(render_graphiql(Settings(graphiql_headers=DEMO_HEADERS), load_examples()))
    assert json.loads(config["headers"]) == dict(DEMO_HEADERS)
    assert all(json.loads(tab["headers"]) == dict(DEMO_HEADERS) for tab in config["tabs"])
    assert config["persistHeaders"] is False
    assert config["url"] == "/graphql"


def test_no_headers_are_prefilled_otherwise() -> None:
    page = render_graphiql(Settings(), load_examples())
    config = _config(page)
    assert config["headers"] is None
    assert all(tab["headers"] is None for tab in config["tabs"])
    assert config["persistHeaders"] is True
    assert "X-Auth-Token" not in page


def test_every_example_is_a_tab_in_file_order() -> None:
    examples = load_examples()
    assert examples
    tabs = _config(render_graphiql(Settings(), examples))["tabs"]
    assert [tab["query"] for tab in tabs] == [example.query for example in examples]
    for tab, example in zip(tabs, examples, strict=True):
        assert json.loads(tab["variables"] or "{}") == example.variables


def test_example_text_cannot_break_out_of_the_page() -> None:
    hostile = Example(
        name="x",
        title="x",
        query='# </script><script>alert("&")</script>\n{ __typename }',
        variables={"note": "<!-- -->"},
    )
    page = render_graphiql(Settings(), [hostile])
    assert "</script><script>" not in page
    assert _config(page)["tabs"][0]["query"] == hostile.query


def test_the_storage_namespace_follows_the_examples() -> None:
    examples = load_examples()
    namespace = _config(render_graphiql(Settings(), examples))["storageNamespace"]
    assert namespace == _config(render_graphiql(Settings(), load_examples()))["storageNamespace"]
    assert namespace != _config(render_graphiql(Settings(), examples[1:]))["storageNamespace"]
