"""httpcore's network layer on asyncio's own transports: the TCP and TLS streams the HTTP
client reads and writes.

httpcore's default layer for asyncio goes through anyio: a checkpoint (a loop turn) in
every send, a cancel scope and an async-library lookup around every read and write, and
TLS driven in Python on top of the socket stream. An exchange here is a write straight to
the transport and a read that returns at once when bytes are waiting; TLS is asyncio's
(the same as the WebSocket connections'). Reading stops past :data:`READ_AHEAD` bytes
nobody has read yet (``pause_reading``), so a fast server cannot fill memory; a slow one
dripping a byte at a time is counted with each piece's overhead.

Errors are httpcore's, as its own layers raise them (``ConnectError``, ``ReadError``,
``WriteError`` and the timeouts, each ``from`` the OS or TLS error), so the client
translates them at one boundary (emulator/net/errors.py), whichever layer ran.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections import deque
from collections.abc import Awaitable, Iterable
from typing import Any, NoReturn

import httpcore

from emulator.net.errors import error_detail
from emulator.net.hosts import TLS_HANDSHAKE_NO_LIMIT

# Bytes received and not yet read, past which the transport stops reading.
READ_AHEAD = 256 * 1024
# The largest piece a read is kept in, and so the most one httpcore read returns: a TLS
# record's worth, as anyio's streams returned. 64 KiB pieces made a body held in memory
# out of larger objects, and ten endless downloads' peak RSS varied from 316 to 377 MB
# (298-326 with 16 KiB; anyio 318-320); the app's download progress also comes per read.
READ_CHUNK = 16 * 1024
# What a held piece costs beyond its bytes (the bytes object), counted against READ_AHEAD.
PIECE_OVERHEAD = 64
# Decrypted bytes TLS may hold beyond the encrypted ones waiting (one record and its
# header): the read buffer asyncio's TLS layer fills must take all of them at once.
TLS_RECORD_SLACK = 17 * 1024
# The read buffer: as much as asyncio's TLS layer usually has waiting (its 256 KiB high
# water) plus a record and a piece. One per backend (see _ReadBuffer).
READ_BUFFER = 256 * 1024 + TLS_RECORD_SLACK + READ_CHUNK
# How long to wait for one address before trying the next (RFC 8305's 250 ms).
HAPPY_EYEBALLS_DELAY = 0.25


class _ReadBuffer:
    """The buffer asyncio's transports read into, shared by the connections of one backend
    (one loop): each read is copied out by the protocol in the call that made it, so no
    two connections ever use it at once. One long-lived buffer of a few hundred KiB
    rather than one per connection, made and freed with it."""

    def __init__(self) -> None:
        self.view = memoryview(bytearray(READ_BUFFER))

    def get(self, need: int) -> memoryview:
        """A buffer of at least ``need`` bytes; ``need`` <= 0 (a plain socket's read): the
        usual size, even after a TLS read made the buffer grow."""
        if need <= 0:
            return self.view[:READ_BUFFER]
        if len(self.view) < need:
            self.view = memoryview(bytearray(need))
        return self.view


class _StreamProtocol(asyncio.BufferedProtocol):
    """The bytes a connection received, and its end, for :class:`AsyncioStream`.

    A buffered protocol: the transport (or asyncio's TLS layer) reads into one buffer,
    copied out in pieces of at most :data:`READ_CHUNK` bytes, so a body held in memory is
    made of such pieces, never of one read's 256 KiB and slices of it. asyncio's TLS layer
    asks for a buffer as large as what it has waiting, and when the buffer fills it reads
    the rest a loop turn later; if the server's close arrives first, that rest is lost.
    So the buffer is always larger than what is waiting (:data:`TLS_RECORD_SLACK`)."""

    def __init__(self, reads: _ReadBuffer) -> None:
        self.reads = reads
        self._buffer: memoryview | None = None  # the view of the read under way
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.offset = 0  # bytes of chunks[0] already read
        self.held = 0  # bytes received and not read, plus PIECE_OVERHEAD per piece
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
        self._buffer = self.reads.get(sizehint + TLS_RECORD_SLACK if sizehint > 0 else 0)
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        view, self._buffer = self._buffer, None  # an old, smaller buffer is not kept alive
        assert view is not None
        for start in range(0, nbytes, READ_CHUNK):
            piece = bytes(view[start:min(start + READ_CHUNK, nbytes)])
            self.chunks.append(piece)
            self.held += len(piece) + PIECE_OVERHEAD
        if self.held > READ_AHEAD and not self.reading_paused and not self.closed:
            self.reading_paused = True
            self._flow("pause_reading")
        self._wake_reader()

    def _flow(self, method: str) -> None:
        # A TLS transport may raise when its connection is already gone (ours hears of it
        # a callback later; Python 3.10's did): nothing is left to pause or resume then.
        try:
            if self.transport is not None:
                getattr(self.transport, method)()
        except (AttributeError, RuntimeError):
            pass

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
        """Up to ``max_bytes`` of what was received: a piece as it came when it fits,
        else a slice of it (each byte copied at most once)."""
        chunks = self.chunks
        first = chunks[0]
        start = self.offset
        if start == 0 and len(first) <= max_bytes:
            chunks.popleft()
            data = first
            self.held -= len(first) + PIECE_OVERHEAD
        else:
            data = first[start:start + max_bytes]
            self.offset = start + len(data)
            self.held -= len(data)
            if self.offset == len(first):
                chunks.popleft()
                self.offset = 0
                self.held -= PIECE_OVERHEAD
        if self.reading_paused and self.held <= READ_AHEAD // 4 and not self.closed:
            self.reading_paused = False
            self._flow("resume_reading")
        return data


async def _wait(waiter: asyncio.Future[None], timeout: float | None,
                timed_out: Exception) -> None:
    """Wait for ``waiter`` up to ``timeout`` s; raise ``timed_out`` (from the TimeoutError)
    when the time is up."""
    try:
        async with asyncio.timeout(timeout):
            await waiter
    except TimeoutError as exc:
        raise timed_out from exc


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
                await _wait(waiter, timeout, httpcore.ReadTimeout("timed out reading"))
            finally:
                protocol.read_waiter = None
        if protocol.chunks:
            return protocol.take(max_bytes)
        if protocol.lost is not None:
            raise httpcore.ReadError(error_detail(protocol.lost)) from protocol.lost
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
            await _wait(waiter, timeout, httpcore.WriteTimeout("timed out writing"))
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
        Raises httpcore.ConnectTimeout, httpcore.ConnectError (``from`` the TLS error; a
        server that closes during the handshake is a TLS failure, as with OpenSSL's own
        sockets: an unexpected EOF)."""
        if self._protocol.eof or self._transport.is_closing():
            # Already closed: asyncio would wait for a handshake that cannot come.
            self._transport.abort()
            _closed_in_handshake(None)
        loop = asyncio.get_running_loop()
        protocol = _StreamProtocol(self._protocol.reads)
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, protocol, ssl_context, server_hostname=server_hostname,
                    ssl_handshake_timeout=_handshake_limit(timeout))
        except TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from exc
        except ssl.SSLError as exc:
            self._transport.abort()
            raise httpcore.ConnectError(error_detail(exc)) from exc
        except (OSError, EOFError) as exc:  # the connection went away mid-handshake
            self._transport.abort()
            _closed_in_handshake(exc)
        if transport is None:
            _closed_in_handshake(None)
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
    """httpcore's network layer on asyncio's transports (see the module's docstring).
    Use one instance from one event loop."""

    def __init__(self) -> None:
        self._reads = _ReadBuffer()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        """A TCP connection (TCP_NODELAY, as asyncio sets it). Raises
        httpcore.ConnectTimeout, httpcore.ConnectError (``from`` the OS error)."""
        loop = asyncio.get_running_loop()
        return await self._connected(loop.create_connection(
            lambda: _StreamProtocol(self._reads), host, port,
            local_addr=(local_address, 0) if local_address else None,
            happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY, interleave=1), timeout, socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        """A Unix socket connection (not used by the emulator; httpcore's interface)."""
        loop = asyncio.get_running_loop()
        return await self._connected(loop.create_unix_connection(
            lambda: _StreamProtocol(self._reads), path), timeout, socket_options)

    @staticmethod
    async def _connected(connecting: Awaitable[tuple[asyncio.BaseTransport, Any]],
                         timeout: float | None,
                         socket_options: Iterable[Any] | None) -> AsyncioStream:
        """The stream of a connection being made, within ``timeout``, errors as httpcore's."""
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await connecting
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout("timed out connecting") from exc
        except OSError as exc:
            raise httpcore.ConnectError(_connect_detail(exc)) from exc
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            if sock is not None:
                sock.setsockopt(*option)
        assert isinstance(transport, asyncio.Transport)
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _handshake_limit(timeout: float | None) -> float:
    """asyncio's own limit on the TLS handshake: the exchange's timeout (the deadline
    around it fires first), or, with none (the client leaves the app's networkTimeout to
    the call's deadline), none of its own (:data:`TLS_HANDSHAKE_NO_LIMIT`)."""
    if timeout is None:
        return TLS_HANDSHAKE_NO_LIMIT
    return max(timeout, 0.001)


def _connect_detail(exc: OSError) -> str:
    """Why a connection could not be made, without the addresses tried (a host mapping's
    target is the emulator's business): the OS's words, or, when several addresses
    failed differently, that they all did."""
    if exc.errno is not None and exc.errno > 0:
        return os.strerror(exc.errno)  # asyncio's own text names the address
    if str(exc).startswith("Multiple exceptions"):
        return "all connection attempts failed"
    return error_detail(exc)


def _closed_in_handshake(cause: BaseException | None) -> NoReturn:
    """Raise the ConnectError of a server that closed during the TLS handshake, with the
    TLS error OpenSSL reports on a blocking socket (an unexpected EOF) as its cause and
    context: httpcore's pool re-raises ``from None``, and the client's translation then
    finds the TLS error through the context (emulator/net/errors.py)."""
    error = ssl.SSLEOFError(ssl.SSL_ERROR_EOF, "EOF occurred in violation of protocol")
    error.reason = "UNEXPECTED_EOF_WHILE_READING"
    try:
        raise error from cause
    except ssl.SSLError as tls:
        raise httpcore.ConnectError("the server closed the connection") from tls
