"""A small HTTP/1.1 server on asyncio and h11: enough for the demo backend and the tests.

Keep-alive, streamed request and response bodies (chunked when the length is unknown), and
an abrupt close on demand (to show what a dropped connection looks like).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import h11

log = logging.getLogger(__name__)

MAX_BUFFERED_BODY = 64 * 1024 * 1024
IDLE_TIMEOUT = 30.0
_READ_SIZE = 64 * 1024


class DropConnection(Exception):
    """Raised by a response body to cut the connection without finishing the message."""


@dataclass
class Request:
    """An incoming request; the body is read on demand (streamed or whole)."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    _chunks: AsyncIterator[bytes]
    _read: bool = False

    @property
    def path(self) -> str:
        """The path without the query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> list[tuple[str, str]]:
        """Query parameters in order (decoded)."""
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The first value of a header."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    async def stream(self) -> AsyncIterator[bytes]:
        """The body, chunk by chunk (once)."""
        if self._read:
            raise RuntimeError("request body already read")
        self._read = True
        async for chunk in self._chunks:
            yield chunk

    async def discard_rest(self) -> None:
        """Read whatever the handler left of the body, so the connection can be reused."""
        self._read = True
        async for _ in self._chunks:
            pass

    async def read(self, limit: int = MAX_BUFFERED_BODY) -> bytes:
        """The whole body (at most ``limit`` bytes kept)."""
        out = bytearray()
        async for chunk in self.stream():
            if len(out) < limit:
                out += chunk[: limit - len(out)]
        return bytes(out)


@dataclass
class Response:
    """What a handler returns. ``body`` may be bytes or an async iterator of bytes; with an
    iterator and no Content-Length, the body is sent chunked."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | AsyncIterator[bytes] = b""


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    """Serves ``handler`` on 127.0.0.1 (TLS when ``ssl_context`` is given)."""

    def __init__(self, handler: Handler, *, ssl_context: ssl.SSLContext | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.handler = handler
        self.ssl_context = ssl_context
        self.host = host
        self.port = port
        self.requests_served = 0
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> HttpServer:
        """Start listening; ``port`` is the real port afterwards."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port,
                                                  ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> HttpServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await _Connection(self, reader, writer).run()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, TimeoutError,
                h11.ProtocolError, DropConnection):
            pass
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("demo server connection failed")
        finally:
            self._connections.discard(task)
            if _dropping(writer):
                writer.transport.abort()
            else:
                writer.close()


def _dropping(writer: asyncio.StreamWriter) -> bool:
    return bool(getattr(writer, "_swan_drop", False))


class _Connection:
    def __init__(self, server: HttpServer, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.conn = h11.Connection(h11.SERVER)

    async def _next_event(self) -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        while True:
            event = self.conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await asyncio.wait_for(self.reader.read(_READ_SIZE), IDLE_TIMEOUT)
            self.conn.receive_data(data)

    async def _send(self, event: h11.Event) -> None:
        data = self.conn.send(event)
        if data:
            self.writer.write(data)
            await self.writer.drain()

    async def _body(self) -> AsyncIterator[bytes]:
        while True:
            event = await self._next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("client closed mid-body")

    async def run(self) -> None:
        while True:
            event = await self._next_event()
            if isinstance(event, h11.ConnectionClosed):
                return
            if not isinstance(event, h11.Request):
                return
            request = Request(
                method=event.method.decode("ascii"),
                target=event.target.decode("utf-8", errors="replace"),
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers],
                _chunks=self._body(),
            )
            response = await self.server.handler(request)
            await request.discard_rest()
            await self._respond(response)
            self.server.requests_served += 1
            if self.conn.our_state is h11.MUST_CLOSE or self.conn.their_state is h11.MUST_CLOSE:
                return
            self.conn.start_next_cycle()

    async def _respond(self, response: Response) -> None:
        headers = list(response.headers)
        names = {k.lower() for k, _ in headers}
        if response.status in (204, 304):
            response.body = b""
        elif isinstance(response.body, bytes) and "content-length" not in names:
            headers.append(("Content-Length", str(len(response.body))))
        elif not isinstance(response.body, bytes) and "content-length" not in names:
            headers.append(("Transfer-Encoding", "chunked"))
        headers.append(("Server", "swan-emulator-demo"))
        head = h11.Response(status_code=response.status, headers=headers,
                            reason=_reason(response.status))
        if isinstance(response.body, bytes):
            # One write for the whole message: separate small writes meet Nagle's algorithm
            # and delayed ACKs, costing the client a round trip.
            data = self.conn.send(head) or b""
            if response.body:
                data += self.conn.send(h11.Data(data=response.body)) or b""
            data += self.conn.send(h11.EndOfMessage()) or b""
            self.writer.write(data)
            await self.writer.drain()
            return
        await self._send(head)
        try:
            async for chunk in response.body:
                if chunk:
                    await self._send(h11.Data(data=chunk))
        except DropConnection:
            self.writer._swan_drop = True  # type: ignore[attr-defined]
            raise
        await self._send(h11.EndOfMessage())


def _reason(status: int) -> bytes:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase.encode("ascii")
    except ValueError:
        return b""
