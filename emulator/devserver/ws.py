"""The demo backend's WebSocket endpoints (WSS on a port of their own):

- ``/echo``: every message back, text as text and binary as binary
- ``/chat?name=N``: a room; each message goes to everyone as JSON {from, text, at}
- ``/binary?count=N&size=S``: N binary frames of S bytes (byte i of frame k is (i + k) % 256)
- ``/close?code=C&reason=R``: closes with that code and reason after the first message
  (or at once with ``now=1``)
- ``/drop``: cuts the TCP connection after the first message (or at once with ``now=1``)
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def binary_frame(index: int, size: int) -> bytes:
    """The content of frame ``index`` of /binary."""
    return bytes((i + index) % 256 for i in range(size))


class WsServer:
    """The WebSocket demo endpoints on 127.0.0.1."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.port = 0
        self._server: Server | None = None
        self.rooms: dict[str, set[ServerConnection]] = {}

    async def start(self) -> WsServer:
        self._server = await serve(self._handle, "127.0.0.1", 0, ssl=self.ssl_context,
                                   max_size=MAX_MESSAGE_BYTES, compression=None)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, conn: ServerConnection) -> None:
        assert conn.request is not None
        target = urlsplit(conn.request.path)
        query = dict(parse_qsl(target.query))
        handlers = {"/echo": self._echo, "/chat": self._chat, "/binary": self._binary,
                    "/close": self._close, "/drop": self._drop}
        handler = handlers.get(target.path.rstrip("/") or "/")
        try:
            if handler is None:
                await conn.close(4404, f"no endpoint {target.path}")
                return
            await handler(conn, query)
        except ConnectionClosed:
            pass

    async def _echo(self, conn: ServerConnection, _q: dict[str, str]) -> None:
        async for message in conn:
            await conn.send(message)

    async def _chat(self, conn: ServerConnection, q: dict[str, str]) -> None:
        room = self.rooms.setdefault(q.get("room", "lobby"), set())
        name = q.get("name") or f"guest{len(room) + 1}"

        async def broadcast(payload: dict[str, object]) -> None:
            text = json.dumps(payload, ensure_ascii=False)
            for peer in list(room):
                try:
                    await peer.send(text)
                except ConnectionClosed:
                    room.discard(peer)

        room.add(conn)
        await broadcast({"from": "server", "text": f"{name} joined", "at": time.time(),
                         "members": len(room)})
        try:
            async for message in conn:
                await broadcast({"from": name, "text": str(message), "at": time.time()})
        finally:
            room.discard(conn)
            await broadcast({"from": "server", "text": f"{name} left", "at": time.time(),
                             "members": len(room)})

    async def _binary(self, conn: ServerConnection, q: dict[str, str]) -> None:
        count = min(int(q.get("count", "3")), 100_000)
        size = min(int(q.get("size", "16")), MAX_MESSAGE_BYTES)
        for k in range(count):
            await conn.send(binary_frame(k, size))
        await conn.wait_closed()

    async def _close(self, conn: ServerConnection, q: dict[str, str]) -> None:
        if q.get("now") != "1":
            await conn.recv()
        await conn.close(int(q.get("code", "1000")), q.get("reason", ""))

    async def _drop(self, conn: ServerConnection, q: dict[str, str]) -> None:
        if q.get("now") != "1":
            await conn.recv()
        conn.transport.abort()
        await asyncio.sleep(0)
