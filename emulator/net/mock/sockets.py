"""WebSocket mocks: a scripted server per rule, a real ``websockets`` server on 127.0.0.1.

The app's socket connects to it instead of the real host the way a host mapping
connects a domain elsewhere (:class:`emulator.net.hosts.Target`; the URL, Host header and
TLS name stay the domain's, TLS with a certificate from a CA of the lab's own), so the
handshake, the frames both ways, the close and the flow are all real.

A script (``docs/mocking.md``)::

    {"onOpen": [ACTION, ...],
     "onMessage": [{"match": "REGEX", "do": [ACTION, ...]}, ...]}

    ACTION: {"send": "text"} | {"send": {"json": VALUE}} | {"send": {"binary": "BASE64"}}
            | {"send": {"template": VALUE}} | {"wait": MS}
            | {"close": {"code": 4000, "reason": "bye"}} | {"drop": true}

``onOpen`` runs once the socket is open; each message the app sends runs the actions of
the first ``onMessage`` entry whose ``match`` finds in it (a binary message is matched in
base64). "After T ms send Z" is ``{"wait": T}, {"send": Z}``. ``drop`` cuts TCP without a
close frame (the app sees 1006).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from emulator.net.hosts import Target
from emulator.net.mock.templates import Template

Handler = Callable[[ServerConnection], Awaitable[None]]
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


@dataclass
class Action:
    """One step of a script: ``send`` (text, bytes or a :class:`Template`), ``wait``
    (milliseconds), ``close`` (code, reason) or ``drop``."""

    op: str
    value: Any = None


@dataclass
class SocketScript:
    """A scripted server's behaviour."""

    on_open: list[Action] = field(default_factory=list)
    on_message: list[tuple[re.Pattern[str], list[Action]]] = field(default_factory=list)
    kind: str = "socket"

    async def serve(self, conn: ServerConnection) -> None:
        """Run the script on one connection."""
        opener = asyncio.create_task(run_actions(conn, self.on_open, None))
        try:
            async for message in conn:
                text = message if isinstance(message, str) else \
                    base64.b64encode(message).decode()
                for pattern, actions in self.on_message:
                    if pattern.search(text):
                        if not await run_actions(conn, actions, text):
                            return
                        break
        except ConnectionClosed:
            pass
        finally:
            opener.cancel()


async def run_actions(conn: ServerConnection, actions: list[Action],
                      message: str | None) -> bool:
    """Run ``actions`` in order; False once the connection is closed or dropped."""
    try:
        for action in actions:
            if action.op == "wait":
                await asyncio.sleep(float(action.value) / 1000)
            elif action.op == "send":
                await conn.send(payload(action.value, message))
            elif action.op == "close":
                code, reason = action.value
                await conn.close(code, reason)
                return False
            elif action.op == "drop":
                conn.transport.abort()
                return False
    except ConnectionClosed:
        return False
    return True


def payload(value: Any, message: str | None) -> str | bytes:
    """A frame's payload: text, bytes, or a template rendered (as JSON text)."""
    if isinstance(value, Template):
        extra = {"message": message} if message is not None else {}
        return json.dumps(value.render(None, extra), ensure_ascii=False)
    if isinstance(value, (bytes, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


class ScriptedServer:
    """A WebSocket server on a free 127.0.0.1 port running ``handler`` per connection."""

    def __init__(self, handler: Handler, ssl_context: ssl.SSLContext | None) -> None:
        self.handler = handler
        self.ssl_context = ssl_context
        self._server: Server | None = None
        self._starting: asyncio.Lock = asyncio.Lock()
        self.port = 0

    async def target(self) -> Target:
        """Where to connect (the server is started on first use)."""
        async with self._starting:
            if self._server is None:
                self._server = await serve(self._run, "127.0.0.1", 0, ssl=self.ssl_context,
                                           max_size=MAX_MESSAGE_BYTES, compression=None)
                self.port = self._server.sockets[0].getsockname()[1]
        return Target("127.0.0.1", self.port)

    async def _run(self, conn: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.handler(conn)

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
