"""``omnigate demo`` in headless Chromium: GraphiQL runs the first example, offline.

Drives Debian's ``/usr/bin/chromium`` through Playwright (never a downloaded browser).
``OMNIGATE_SCREENSHOT=1`` also saves the page as ``docs/playground.png``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Demo

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "playground.png"


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("install Chromium: apt-get install -y chromium")
    pytest.importorskip("playwright.sync_api", reason="install the dev extra (playwright)")
    return CHROMIUM


def test_graphiql_runs_the_first_example_with_one_click_and_only_local_requests(
    chromium: Path, demo: Demo
) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as playwright:
        # A fresh temporary profile each time: no tabs or headers saved by an earlier run.
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.on("request", lambda request: requests.append(request.url))
            page = context.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(demo.url)
            page.locator(".graphiql-tab").first.wait_for()
            with page.expect_response(
                lambda response: (
                    response.request.method == "POST"
                    and "DepartmentDashboard" in (response.request.post_data or "")
                )
            ) as answer:
                page.locator(".graphiql-execute-button").click()
            response = answer.value
            body = response.json()
            page.wait_for_function(
                "document.querySelector('.result-window')?.innerText.includes('\"data\"')"
            )
            if os.environ.get("OMNIGATE_SCREENSHOT") == "1":
                page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()

    assert response.status == 200, body
    assert "errors" not in body, json.dumps(body)[:2000]
    assert body["data"]["departments"]["edges"]
    sent = response.request.headers
    assert (sent["x-user-id"], sent["x-auth-token"]) == (demo.user_id, demo.token)
    assert not page_errors
    assert requests and all(urlsplit(url).hostname == "127.0.0.1" for url in requests), requests


def test_graphiql_runs_the_live_example_over_a_websocket_offline(
    chromium: Path, demo: Demo
) -> None:
    from playwright.sync_api import WebSocket, sync_playwright

    requests: list[str] = []
    sockets: list[WebSocket] = []
    sent: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.on("request", lambda request: requests.append(request.url))
            page = context.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))

            def opened(socket: WebSocket) -> None:
                sockets.append(socket)
                socket.on("framesent", lambda payload: sent.append(str(payload)))

            page.on("websocket", opened)
            page.goto(demo.url)
            page.locator(".graphiql-tab", has_text="LiveWallScreen").click()
            page.locator(".graphiql-execute-button").click()
            page.wait_for_function(
                "document.querySelector('.result-window')?.innerText.includes('\"live\"')"
            )
            result = page.locator(".result-window").inner_text()
            page.locator(".graphiql-execute-button").click()  # stop the subscription
        finally:
            browser.close()

    assert '"departments"' in result and '"errors"' not in result, result[:2000]
    assert [socket.url for socket in sockets] == [demo.url.replace("http://", "ws://")]
    init = json.loads(next(frame for frame in sent if "connection_init" in frame))
    assert init["payload"]["X-User-Id"] == demo.user_id
    assert any('"subscribe"' in frame and "LiveWallScreen" in frame for frame in sent)
    assert not page_errors
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in requests), requests
