"""A real ``redis-server`` for the tests of the shared cache (a plugin of the root
conftest): started on a free port for the session, never one already running."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

REDIS_MISSING = (
    "redis-server is not installed: `apt-get install -y redis-server` "
    "(`make test` installs it where apt is available)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A ``redis-server`` of its own (no persistence) for the session; skips without one."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip(REDIS_MISSING)
    port = free_port()
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start (exit {process.poll()})")
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def fresh_redis(redis_url: str) -> str:
    """The session's Redis, emptied."""
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url
