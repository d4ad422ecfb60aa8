"""The embedded SecantusDB manager starts, answers and stops without leaks."""

from __future__ import annotations

import os
import socket

import pytest
from pymongo import MongoClient

from omnigate.embedded import EmbeddedServer


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is gone once /proc says so or it is reaped
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_starts_answers_and_stops_cleanly() -> None:
    server = EmbeddedServer()
    url = server.start()
    pid, port = server.pid, server.port
    assert pid is not None and port is not None
    with MongoClient(url, serverSelectionTimeoutMS=2000) as client:
        assert client.admin.command("ping")["ok"] == 1
    server.stop()
    assert not _alive(pid)
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(1)
        sock.connect(("127.0.0.1", port))


def test_storage_path_keeps_data_between_runs(tmp_path) -> None:
    with EmbeddedServer(tmp_path / "data") as server, MongoClient(server.url) as client:
        client.rocketchat.probe.insert_one({"_id": "kept"})
    with EmbeddedServer(tmp_path / "data") as server, MongoClient(server.url) as client:
        assert client.rocketchat.probe.find_one({"_id": "kept"}) == {"_id": "kept"}


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        _ = EmbeddedServer().url
