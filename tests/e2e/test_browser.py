"""``omnigate demo`` in headless Chromium: GraphiQL runs the first example, offline.

Drives Debian's ``/usr/bin/chromium`` through Playwright (never a downloaded browser).
``OMNIGATE_SCREENSHOT=1`` also saves the page as ``docs/playground.png``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

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
DEMO_START_SECONDS = 180


@dataclass(frozen=True, slots=True)
class Demo:
    url: str
    user_id: str
    token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    """Read the demo's output for as long as it runs (a full pipe would block it)."""
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    """``omnigate demo --rooms 300`` on a free port, stopped as Ctrl-C would."""
    if not CHROMIUM.exists():
        pytest.skip("install Chromium: apt-get install -y chromium")
    pytest.importorskip("playwright.sync_api", reason="install the dev extra (playwright)")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "omnigate", "demo", "--rooms", "300", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process, lines), daemon=True).start()
    output: list[str] = []
    found: dict[str, str] = {}
    deadline = time.monotonic() + DEMO_START_SECONDS
    try:
        while "X-Auth-Token" not in found:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"omnigate demo did not start:\n{''.join(output)}")
            output.append(line)
            if match := re.search(r"http://\S+/graphql\b", line):
                found["url"] = match[0]
            if match := re.match(r"(X-User-Id|X-Auth-Token): (\S+)", line):
                found[match[1]] = match[2]
        assert found.get("url") == f"http://127.0.0.1:{port}/graphql", "".join(output)
        yield Demo(found["url"], found["X-User-Id"], found["X-Auth-Token"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_graphiql_runs_the_first_example_with_one_click_and_only_local_requests(
    demo: Demo,
) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
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
                SCREENSHOT.parent.mkdir(exist_ok=True)
                page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()

    assert response.status == 200, body
    assert "errors" not in body, json.dumps(body)[:2000]
    assert body["data"]["departments"]["edges"]
    sent = response.request.headers
    assert (sent["x-user-id"], sent["x-auth-token"]) == (demo.user_id, demo.token)
    assert not page_errors
    remote = [url for url in requests if not url.startswith("data:")]
    assert remote and all(urlsplit(url).hostname == "127.0.0.1" for url in remote), remote
