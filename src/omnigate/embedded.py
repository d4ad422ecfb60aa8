"""Running SecantusDB, a MongoDB-wire-protocol server, as a child process.

Used by ``omnigate demo`` and the test fixtures. SecantusDB is GPL-2.0 and an optional
extra: this module only starts ``python -m secantus`` in a separate process and never
imports it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from types import TracebackType

from pymongo import MongoClient
from pymongo.errors import PyMongoError

_LISTENING = re.compile(r"listening on (?P<host>[\w.:\[\]-]+):(?P<port>\d+)")
_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(RuntimeError):
    """The embedded server is not installed or did not start."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to send SIGTERM to the server if omnigate dies without stopping it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class EmbeddedServer:
    """A SecantusDB process on 127.0.0.1 and an ephemeral port (or ``port``).

    ``storage_path`` keeps the data between runs; without it a temporary directory is
    used and removed on ``stop``. Use it as a context manager or call ``start``/``stop``.
    ``enable_test_commands`` turns on mongod's test-only commands (``configureFailPoint``),
    for tests that simulate a slow or hanging database; never for a demo.
    """

    def __init__(
        self,
        storage_path: Path | None = None,
        *,
        database: str = "rocketchat",
        start_timeout: float = 30.0,
        port: int = 0,
        enable_test_commands: bool = False,
    ) -> None:
        self._storage_path = storage_path
        self._port = port
        self._test_commands = enable_test_commands
        self._database = database
        self._start_timeout = start_timeout
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[str] | None = None
        self._drain: threading.Thread | None = None
        self.log: deque[str] = deque(maxlen=200)
        self._listening = threading.Event()
        self.port: int | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise EmbeddedServerError("the embedded server is not running")
        return f"mongodb://127.0.0.1:{self.port}/{self._database}?directConnection=true"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> str:
        """Start the server, wait until it answers ``ping`` and return its URL."""
        if importlib.util.find_spec("secantus") is None:
            raise EmbeddedServerError(
                "SecantusDB is not installed: pip install 'omnigate[demo]' "
                "(or point MONGO_URL at a MongoDB server and run `omnigate serve`)"
            )
        if self._storage_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="omnigate-db-")
            path = Path(self._tmp.name)
        else:
            path = self._storage_path
            path.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "secantus",
            "--host", "127.0.0.1", "--port", str(self._port),
            "--storage-path", str(path), "--standalone",
            *(["--enable-test-commands"] if self._test_commands else []),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()
        try:
            if not self._listening.wait(self._start_timeout) or self.port is None:
                raise EmbeddedServerError(
                    "SecantusDB did not report its port:\n" + "\n".join(self.log)
                )
            self._wait_for_ping()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _drain_stderr(self) -> None:
        """Read the server's stderr until it closes: find the port, keep the pipe flowing."""
        assert self._process is not None and self._process.stderr is not None
        for line in self._process.stderr:
            self.log.append(line.rstrip())
            if not self._listening.is_set():
                match = _LISTENING.search(line)
                if match:
                    self.port = int(match["port"])
                    self._listening.set()
        self._listening.set()

    def _wait_for_ping(self) -> None:
        deadline = time.monotonic() + self._start_timeout
        with MongoClient(self.url, serverSelectionTimeoutMS=500) as client:
            while True:
                try:
                    client.admin.command("ping")
                    return
                except PyMongoError:
                    if time.monotonic() > deadline or not self.running:
                        raise EmbeddedServerError(
                            "SecantusDB did not answer ping:\n" + "\n".join(self.log)
                        ) from None
                    time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and remove its temporary data."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if self._drain is not None:
                self._drain.join(timeout=5)
            if process.stderr is not None:
                process.stderr.close()
        self._drain = None
        self._listening.clear()
        self.port = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
