"""httpcore's network layer on asyncio's own transports: the TCP and TLS streams the HTTP
client reads and writes.

httpcore's default layer for asyncio goes through anyio: a checkpoint (a loop turn) in
every send, a cancel scope and an async-library lookup around every read and write, and
TLS driven in Python on top of the socket stream. An exchange here is a write straight to
the transport and a read that returns at once when bytes are waiting; TLS is asyncio's
(the same as the WebSocket connections'). Reading stops past :data:`READ_AHEAD` bytes
nobody has read yet (``pause_reading``), so a fast server cannot fill memory.

Errors are httpcore's, as its own layers raise them (``ConnectError``, ``ReadError``,
``WriteError`` and the timeouts, each ``from`` the OS or TLS error), so the client
translates them at one boundary (emulator/net/errors.py), whichever layer ran.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Iterable
from typing import Any

import httpcore

from emulator.net.deadline import deadline

# Bytes received and not yet read, past which the transport stops reading.
READ_AHEAD = 256 * 1024
# The most one socket (or TLS) read hands over: httpcore reads 64 KiB at a time.
READ_CHUNK = 64 * 1024


class _StreamProtocol(asyncio.BufferedProtocol):
    """The bytes a connection received, and its end, for :class:`AsyncioStream`.

    A buffered protocol: the transport (or asyncio's TLS layer) reads into one buffer of
    :data:`READ_CHUNK` bytes, copied out as each read's bytes. As a plain protocol, TLS
    would hand over everything decrypted at once (up to 256 KiB joined in one object),
    and a body held in memory would be made of such pieces and their slices."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._buffer = memoryview(bytearray(READ_CHUNK))
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.offset = 0  # bytes of chunks[0] already read
        self.buffered = 0  # bytes received and not read
        self.eof = False
        self.lost: BaseException | None = None  # the error the connection ended with
        self.closed = False
        self.reading_paused = False
        self.read_waiter: asyncio.Future[None] | None = None
        self.write_waiter: asyncio.Future[None] | None = None
        self.writing_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        data = bytes(self._buffer[:nbytes])
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > READ_AHEAD and not self.reading_paused and self.transport:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # close our side too: HTTP/1.1 has no use for a half-open connection

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.closed = True
        self.lost = exc
        self._wake_reader()
        waiter, self.write_waiter = self.write_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        waiter, self.write_waiter = self.write_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_reader(self) -> None:
        waiter = self.read_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def take(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of what was received: a chunk as it came when it fits,
        else a slice of it (each byte copied at most once)."""
        chunks = self.chunks
        first = chunks[0]
        start = self.offset
        if start == 0 and len(first) <= max_bytes:
            chunks.popleft()
            data = first
        else:
            data = first[start:start + max_bytes]
            self.offset = start + len(data)
            if self.offset == len(first):
                chunks.popleft()
                self.offset = 0
        self.buffered -= len(data)
        if self.reading_paused and self.buffered <= READ_AHEAD // 4 and self.transport:
            self.reading_paused = False
            self.transport.resume_reading()
        return data


async def _wait(waiter: asyncio.Future[None], timeout: float | None) -> None:
    if timeout is None:
        await waiter
        return
    async with deadline(timeout):
        await waiter


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection (TCP, or TLS over it) as httpcore reads and writes it."""

    def __init__(self, transport: asyncio.Transport, protocol: _StreamProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to ``max_bytes`` received bytes, waiting up to ``timeout`` s for some;
        b"" at the end of the stream. Raises httpcore.ReadTimeout, httpcore.ReadError."""
        protocol = self._protocol
        if not protocol.chunks and not protocol.eof:
            waiter = protocol.read_waiter = asyncio.get_running_loop().create_future()
            try:
                await _wait(waiter, timeout)
            except TimeoutError as exc:
                raise httpcore.ReadTimeout("timed out reading") from exc
            finally:
                protocol.read_waiter = None
        if protocol.chunks:
            return protocol.take(max_bytes)
        if protocol.lost is not None:
            raise httpcore.ReadError(str(protocol.lost) or type(protocol.lost).__name__
                                     ) from protocol.lost
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send ``buffer``, waiting up to ``timeout`` s while the transport's buffer is
        full. Raises httpcore.WriteTimeout, httpcore.WriteError."""
        if not buffer:
            return
        protocol = self._protocol
        if protocol.closed or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed") from protocol.lost
        self._transport.write(buffer)
        if protocol.writing_paused:
            waiter = protocol.write_waiter = asyncio.get_running_loop().create_future()
            try:
                await _wait(waiter, timeout)
            except TimeoutError as exc:
                raise httpcore.WriteTimeout("timed out writing") from exc
            if protocol.closed:
                raise httpcore.WriteError("the connection is closed") from protocol.lost

    async def aclose(self) -> None:
        """Close the connection now. No TLS close_notify, as httpcore's own layer does
        not send one either: a graceful TLS close waits up to 30 s for the peer's, and
        keeps reading meanwhile what a server that never stops sending sends."""
        self._transport.abort()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        """TLS over this connection (asyncio's); the handshake is bounded by ``timeout``.
        Raises httpcore.ConnectTimeout, httpcore.ConnectError (``from`` the TLS error)."""
        loop = asyncio.get_running_loop()
        protocol = _StreamProtocol(loop)
        try:
            async with deadline(timeout):
                transport = await loop.start_tls(self._transport, protocol, ssl_context,
                                                 server_hostname=server_hostname)
        except TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from exc
        except (OSError, EOFError) as exc:  # ssl.SSLError is an OSError
            self._transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        if transport is None:  # the connection went away during the handshake
            raise httpcore.ConnectError("connection closed during the TLS handshake")
        protocol.connection_made(transport)
        return AsyncioStream(transport, protocol)

    def get_extra_info(self, info: str) -> Any:
        """What httpcore asks of a connection: its TLS object, addresses, socket, and
        ``is_readable`` (a kept-alive connection the server closed, or sent to unasked)."""
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            protocol = self._protocol
            return bool(protocol.chunks) or protocol.eof or transport.is_closing()
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer on asyncio's transports (see the module's docstring)."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        """A TCP connection (TCP_NODELAY, as asyncio sets it). Raises
        httpcore.ConnectTimeout, httpcore.ConnectError (``from`` the OS error)."""
        loop = asyncio.get_running_loop()
        try:
            async with deadline(timeout):
                transport, protocol = await loop.create_connection(
                    lambda: _StreamProtocol(loop), host, port,
                    local_addr=(local_address, 0) if local_address else None)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout("timed out connecting") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            if sock is not None:
                sock.setsockopt(*option)
        assert isinstance(transport, asyncio.Transport)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        """A Unix socket connection (not used by the emulator; httpcore's interface)."""
        loop = asyncio.get_running_loop()
        try:
            async with deadline(timeout):
                transport, protocol = await loop.create_unix_connection(
                    lambda: _StreamProtocol(loop), path)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout("timed out connecting") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        assert isinstance(transport, asyncio.Transport)
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

