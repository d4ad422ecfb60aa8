"""Counting the commands that reach MongoDB, on the wire.

``WireCounter`` is a TCP proxy in front of a MongoDB server: clients (a gateway, its
worker processes) connect to the proxy's port, and every OP_MSG command they send is
counted by name (``aggregate``, ``find``...) before it is forwarded unchanged. It counts
what the database receives, whatever process sent it, without touching the gateway.
Used by tests/ops and bench/viewers.py; it runs its own event loop in a thread.
"""

from __future__ import annotations

import asyncio
import struct
import threading
from collections import Counter

OP_MSG = 2013
_HEADER = struct.Struct("<iiii")  # messageLength, requestID, responseTo, opCode


def command_name(message: bytes) -> str | None:
    """The command of an OP_MSG (the first key of its body section), else ``None``."""
    _, _, _, op_code = _HEADER.unpack_from(message)
    if op_code != OP_MSG or len(message) < 27 or message[20] != 0:  # body section kind 0
        return None
    # flagBits (4) + kind (1) + document length (4) + element type (1): the name follows
    end = message.find(b"\x00", 26)
    return message[26:end].decode() if end > 0 else None


class WireCounter:
    """A counting TCP proxy on 127.0.0.1 in front of ``host:port``."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.port: int | None = None
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> int:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        ).result()
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    def __enter__(self) -> WireCounter:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        pumps = [
            asyncio.ensure_future(self._requests(reader, up_writer)),
            asyncio.ensure_future(self._copy(up_reader, writer)),
        ]
        try:
            await asyncio.gather(*pumps)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            writer.close()
            up_writer.close()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Client to server, one whole message at a time (so each is counted once)."""
        while True:
            try:
                head = await reader.readexactly(4)
            except asyncio.IncompleteReadError:
                writer.close()
                return
            (length,) = struct.unpack("<i", head)
            message = head + await reader.readexactly(length - 4)
            name = command_name(message)
            if name is not None:
                with self._lock:
                    self._counts[name] += 1
            writer.write(message)
            await writer.drain()

    @staticmethod
    async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()
