"""``omnigate serve --workers N`` binds its shared socket as TCP, so that asyncio sets
TCP_NODELAY on every accepted connection (uvicorn leaves ``proto`` 0: Kludex/uvicorn#3149)."""

from __future__ import annotations

import asyncio
import socket

from omnigate.cli import _TcpConfig


async def test_accepted_connections_get_tcp_nodelay() -> None:
    config = _TcpConfig("omnigate.http.app:create_app", host="127.0.0.1", port=0, workers=2)
    listener = config.bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(on_connection, sock=listener)
    try:
        _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
