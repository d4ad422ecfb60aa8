"""``omnigate demo --rooms 300`` as a child process, shared by the end-to-end tests."""

from __future__ import annotations

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

import pytest

DEMO_START_SECONDS = 180


@dataclass(frozen=True, slots=True)
class Demo:
    """Where the demo serves GraphiQL, and the manager headers it printed."""

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


@pytest.fixture(scope="session")
def demo() -> Iterator[Demo]:
    """The demo on a free port, stopped as Ctrl-C would."""
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
