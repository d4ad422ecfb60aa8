"""The ``omnigate`` command: ``serve``, ``demo``, ``seed``, ``doctor`` and ``export-schema``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import uvicorn

from omnigate.config import ConfigError, Settings
from omnigate.observability.logs import logging_config

DEMO_ROOMS = 5_000
CREDENTIALS_FILE = "omnigate-demo.json"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omnigate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve MONGO_URL (GraphQL, REST, GraphiQL)")
    _add_http_options(serve)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="embedded database + realistic data + server")
    _add_http_options(demo)
    demo.add_argument("--data-dir", type=Path, help="keep the database here (default: temporary)")
    demo.add_argument("--rooms", type=int, default=DEMO_ROOMS, help="livechat rooms to seed")
    demo.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    demo.set_defaults(run=_demo)

    seed = commands.add_parser("seed", help="write realistic Rocket.Chat data (empty database)")
    seed.add_argument("--mongo-url", default=os.environ.get("MONGO_URL"), required=False)
    seed.add_argument("--rooms", type=int, default=10_000)
    seed.add_argument("--seed", type=int, default=1)
    seed.set_defaults(run=_seed)

    doctor = commands.add_parser(
        "doctor", help="check the database omnigate reads and say what to fix"
    )
    doctor.add_argument("--mongo-url", default=os.environ.get("MONGO_URL"))
    doctor.add_argument(
        "--strict", action="store_true", help="exit with 1 on warnings too (e.g. a missing index)"
    )
    doctor.set_defaults(run=_doctor)

    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.set_defaults(run=_export_schema)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"omnigate {args.command}: {exc}", file=sys.stderr)
        return 2


def _add_http_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()  # refuses a bad variable before any worker starts
    options = {
        "factory": True,
        "host": args.host,
        "port": args.port,
        "log_level": "info",
        # one line per request comes from omnigate.http.request_log instead
        "access_log": False,
        "log_config": logging_config(settings.operations.log_format),
    }
    if args.workers <= 1:
        uvicorn.run("omnigate.http.app:create_app", **options)
        return 0
    # What `uvicorn.run` does for several workers, with the socket bound by `_TcpConfig`.
    from uvicorn.supervisors import Multiprocess

    with _metrics_directory():
        config = _TcpConfig("omnigate.http.app:create_app", workers=args.workers, **options)
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    return 0


@contextmanager
def _metrics_directory() -> Iterator[None]:
    """``PROMETHEUS_MULTIPROC_DIR`` for the workers (inherited by them): a fresh temporary
    directory, removed at exit, unless the operator names one (which they then clear
    between runs, as prometheus-client requires)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    directory = tempfile.mkdtemp(prefix="omnigate-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    try:
        yield
    finally:
        del os.environ["PROMETHEUS_MULTIPROC_DIR"]
        shutil.rmtree(directory, ignore_errors=True)


class _TcpConfig(uvicorn.Config):
    """uvicorn's configuration, binding the socket its workers share as a TCP socket.

    uvicorn creates that socket with ``proto`` 0 (Kludex/uvicorn#3149); the connections
    accepted on it inherit it, and asyncio only sets ``TCP_NODELAY`` when ``proto`` is
    ``IPPROTO_TCP``. Without it every response on a keep-alive connection waits ~40 ms for
    the client's delayed ACK (measured: 2 workers served 4x fewer requests than 1).
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
        return sock


def _seed(args: argparse.Namespace) -> int:
    from omnigate.seed import DatabaseNotEmpty, seed

    if not args.mongo_url:
        print("omnigate seed: give --mongo-url (or set MONGO_URL)", file=sys.stderr)
        return 2
    try:
        report = seed(
            args.mongo_url, rooms=args.rooms, seed=args.seed, progress=_progress(args.rooms)
        )
    except DatabaseNotEmpty as exc:
        print(f"omnigate seed: {exc}", file=sys.stderr)
        return 1
    print(
        f"\nseeded {report.rooms} rooms, {report.messages} messages, {report.departments} "
        f"departments into {report.database} in {report.seconds:.1f} s "
        f"({report.rooms / max(report.seconds, 1e-9):.0f} rooms/s)"
    )
    print(f"X-User-Id: {report.manager_id}\nX-Auth-Token: {report.manager_token}")
    print(f"{MONITOR_TITLE}\nX-User-Id: {report.monitor_id}\nX-Auth-Token: {report.monitor_token}")
    return 0


MONITOR_TITLE = 'Monitor of the "Front Office" unit (sees only its departments):'


def _doctor(args: argparse.Namespace) -> int:
    from omnigate.doctor import run

    url = args.mongo_url or Settings.from_env().mongo_url
    return run(url, max_time_ms=Settings.from_env().max_time_ms, strict=args.strict)


def _progress(total: int) -> Callable[[int], None]:
    def show(done: int) -> None:
        print(f"\rseeding: {done}/{total} rooms", end="", file=sys.stderr, flush=True)

    return show


def _demo(args: argparse.Namespace) -> int:
    from omnigate.embedded import EmbeddedServer, EmbeddedServerError
    from omnigate.http.app import create_app

    started = time.perf_counter()
    settings = Settings.from_env()
    server = EmbeddedServer(args.data_dir)
    try:
        url = server.start()
    except EmbeddedServerError as exc:
        print(f"omnigate demo: {exc}", file=sys.stderr)
        return 1
    try:
        logins = _demo_credentials(url, args)
        user_id, token = logins["manager"]
        monitor_id, monitor_token = logins["monitor"]
        settings = replace(
            settings,
            mongo_url=url,
            graphiql_headers=(("X-User-Id", user_id), ("X-Auth-Token", token)),
        )
        config = uvicorn.Config(
            create_app(settings), host=args.host, port=args.port, log_level="warning"
        )

        def ready(port: int) -> None:
            base = f"http://{args.host}:{port}"
            print(
                f"\nomnigate demo is ready after {time.perf_counter() - started:.1f} s\n"
                f"  GraphiQL:  {base}/graphql\n"
                f"  REST:      {base}/api/v1/livechat/analytics/overview"
                "?name=Conversations&from=...&to=...\n"
                f"  MongoDB:   {url}\n"
                f"Manager (sees every department):\nX-User-Id: {user_id}\nX-Auth-Token: {token}\n"
                f"{MONITOR_TITLE}\nX-User-Id: {monitor_id}\nX-Auth-Token: {monitor_token}\n"
                "Ctrl-C stops the server and the embedded database.",
                flush=True,
            )

        _ReadyServer(config, ready).run()
    finally:
        server.stop()
    return 0


def _demo_credentials(url: str, args: argparse.Namespace) -> dict[str, list[str]]:
    """Seed a new database; reuse the credentials of one seeded by an earlier demo.
    Returns ``{"manager": [user id, token], "monitor": [user id, token]}``."""
    from omnigate.seed import DatabaseNotEmpty, seed

    saved = args.data_dir / CREDENTIALS_FILE if args.data_dir else None
    try:
        report = seed(url, rooms=args.rooms, seed=args.seed, progress=_progress(args.rooms))
    except DatabaseNotEmpty:
        if saved is None or not saved.exists():
            raise SystemExit(
                f"omnigate demo: {args.data_dir} holds data but no {CREDENTIALS_FILE}; "
                "use an empty --data-dir"
            ) from None
        credentials = json.loads(saved.read_text())
        if "monitor" not in credentials:
            raise SystemExit(
                f"omnigate demo: {saved} was written by an older omnigate; use an empty --data-dir"
            ) from None
        return credentials
    print(file=sys.stderr)
    logins = {
        "manager": [report.manager_id, report.manager_token],
        "monitor": [report.monitor_id, report.monitor_token],
    }
    if saved is not None:
        saved.write_text(json.dumps(logins))
    return logins


class _ReadyServer(uvicorn.Server):
    """A uvicorn server that reports its bound port once it is listening."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[int], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.servers:
            self._on_ready(self.servers[0].sockets[0].getsockname()[1])


def _export_schema(args: argparse.Namespace) -> int:
    from omnigate.schema import schema

    print(schema.as_str())
    return 0
