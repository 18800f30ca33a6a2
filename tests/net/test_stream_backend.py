"""httpcore's network layer on asyncio's transports, against real TCP and TLS servers on
127.0.0.1 (trustme certificates)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpcore
import httpx
import pytest
import trustme

from emulator.net.errors import from_httpx
from emulator.net.stream_backend import (
    PIECE_OVERHEAD,
    READ_AHEAD,
    READ_BUFFER,
    READ_CHUNK,
    AsyncioBackend,
    AsyncioStream,
    _ReadBuffer,
    _StreamProtocol,
)

NAME = "backend.test"
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


class Loopback(AsyncioBackend):
    """The backend, every name connecting to 127.0.0.1."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        return await super().connect_tcp("127.0.0.1", port, timeout)


def http_client(ca: trustme.CA) -> httpx.AsyncClient:
    """httpx on this backend (as the emulator's client builds it: its own pool)."""
    pool = httpcore.AsyncConnectionPool(ssl_context=client_context(ca),
                                        network_backend=Loopback())
    transport: Any = httpx.AsyncHTTPTransport()
    transport._pool = pool
    return httpx.AsyncClient(transport=transport, timeout=10)


@contextlib.contextmanager
def blocking_tls_server(ca: trustme.CA | None, answer: Callable[[socket.socket], None],
                        connections: int) -> Iterator[int]:
    """A server on 127.0.0.1 on plain blocking sockets (OpenSSL's TLS when ``ca``): unlike
    asyncio's, it closes at once after ``answer``, without waiting for the client's
    close_notify. Serves ``connections`` connections (10 s at most); yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(10)
    ctx = None
    if ca is not None:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(NAME).configure_cert(ctx)

    def serve() -> None:
        deadline = time.monotonic() + 10
        for _ in range(connections):
            if time.monotonic() > deadline:
                return
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            conn = raw
            try:
                conn = ctx.wrap_socket(raw, server_side=True) if ctx else raw
                answer(conn)
            except OSError:
                pass
            finally:
                conn.close()  # at once: no close_notify exchange waited for
                raw.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(10)


class Server:
    """A TCP server on 127.0.0.1 (TLS with ``ca``'s certificate for NAME, or plain) that
    runs ``handler`` for each connection; it records what each connection ended with."""

    def __init__(self, handler: Handler, ca: trustme.CA | None) -> None:
        self.handler = handler
        self.ca = ca
        self.port = 0
        self.ended: list[bytes] = []  # what each connection read after the handler
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Server:
        ctx = None
        if self.ca is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ca.issue_cert(NAME).configure_cert(ctx)
        self._server = await asyncio.start_server(self._run, "127.0.0.1", 0, ssl=ctx)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _run(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self.handler(reader, writer)
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


async def connect(server: Server, ca: trustme.CA | None, *,
                  context: ssl.SSLContext | None = None) -> httpcore.AsyncNetworkStream:
    stream = await AsyncioBackend().connect_tcp("127.0.0.1", server.port, timeout=5)
    if ca is None and context is None:
        return stream
    return await stream.start_tls(context or client_context(ca), server_hostname=NAME,
                                  timeout=5)


async def read_all(stream: httpcore.AsyncNetworkStream, max_bytes: int) -> AsyncIterator[bytes]:
    while True:
        data = await stream.read(max_bytes, timeout=5)
        if not data:
            return
        yield data


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "tcp"])
async def test_reads_carry_every_byte_in_order_and_at_most_max_bytes(
        ca: trustme.CA, tls: bool) -> None:
    """3 MiB sent in odd-sized writes arrive exactly, each read at most max_bytes."""
    payload = bytes((i * 7 + 3) % 256 for i in range(3 * 1024 * 1024))

    async def send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(5)
        for start in range(0, len(payload), 40_001):
            writer.write(payload[start:start + 40_001])
            await writer.drain()

    async with Server(send, ca if tls else None) as server:
        stream = await connect(server, ca if tls else None)
        await stream.write(b"hello")
        sizes, got = [], bytearray()
        async for data in read_all(stream, 10_000):
            sizes.append(len(data))
            got += data
        await stream.aclose()
    assert hashlib.sha256(got).digest() == hashlib.sha256(payload).digest()
    assert max(sizes) <= 10_000


async def test_a_fast_server_fills_at_most_the_read_ahead(ca: trustme.CA) -> None:
    """Nobody reading: the connection stops reading past READ_AHEAD (8 MiB sent); reading
    resumes it."""
    sent = 8 * 1024 * 1024

    async def flood(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        block = b"x" * 65536
        for _ in range(sent // len(block)):
            writer.write(block)
            await writer.drain()

    async with Server(flood, ca) as server:
        stream = await connect(server, ca)
        assert isinstance(stream, AsyncioStream)
        await asyncio.sleep(0.3)
        held = stream._protocol.held
        # Reading pauses after the read that crossed the mark: one read past it at most.
        assert 0 < held <= READ_AHEAD + READ_BUFFER * (1 + PIECE_OVERHEAD / READ_CHUNK)
        total = 0
        async for data in read_all(stream, 65536):
            total += len(data)
        assert total == sent
        await stream.aclose()


async def test_read_timeout_is_httpcores(ca: trustme.CA) -> None:
    """A server that says nothing: ReadTimeout after the read's timeout."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async with Server(silent, ca) as server:
        stream = await connect(server, ca)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(100, timeout=0.1)
        await stream.aclose()


async def test_untrusted_certificate_is_a_connect_error_from_the_tls_error(
        ca: trustme.CA) -> None:
    """A certificate from another CA: ConnectError caused by the verification failure (the
    client's error translation looks for it)."""

    async def idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)

    async with Server(idle, ca) as server:
        with pytest.raises(httpcore.ConnectError) as info:
            await connect(server, None, context=client_context(trustme.CA()))
    assert isinstance(info.value.__cause__, ssl.SSLCertVerificationError)


async def test_refused_connection_is_a_connect_error() -> None:
    """Nothing listening: ConnectError caused by the OS error."""
    sock = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = sock.sockets[0].getsockname()[1]
    sock.close()
    await sock.wait_closed()
    with pytest.raises(httpcore.ConnectError) as info:
        await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
    assert isinstance(info.value.__cause__, ConnectionRefusedError)


async def test_server_closing_makes_the_connection_readable_then_ends_it(
        ca: trustme.CA) -> None:
    """A kept-alive connection the server closed is_readable (httpcore drops it); reads
    then give what was sent and b"" (a reset: ReadError); writes fail with WriteError."""

    async def close_after_hi(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"hi")
        await writer.drain()

    async with Server(close_after_hi, ca) as server:
        stream = await connect(server, ca)
        assert stream.get_extra_info("server_addr")[1] == server.port
        assert stream.get_extra_info("ssl_object") is not None
        for _ in range(100):
            if stream.get_extra_info("is_readable"):
                break
            await asyncio.sleep(0.01)
        assert stream.get_extra_info("is_readable")
        assert await stream.read(100, timeout=5) == b"hi"
        try:
            rest = await stream.read(100, timeout=5)
        except httpcore.ReadError:
            rest = b""
        assert rest == b""
        with pytest.raises(httpcore.WriteError):
            for _ in range(50):  # the close may take a write or two to be noticed
                await stream.write(b"more", timeout=5)
                await asyncio.sleep(0.01)
        await stream.aclose()


async def test_aclose_ends_the_connection_at_once(ca: trustme.CA) -> None:
    """aclose() closes the connection without waiting for the server: it sees the end."""
    ended: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def wait_end(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ended.set_result(await reader.read())

    async with Server(wait_end, ca) as server:
        stream = await connect(server, ca)
        await stream.write(b"bye")
        await asyncio.sleep(0.05)
        await stream.aclose()
        assert await asyncio.wait_for(ended, 5) == b"bye"


async def test_httpx_over_the_backend_keeps_alive_and_reconnects(ca: trustme.CA) -> None:
    """httpx on this backend: two requests on one kept-alive connection; after the server
    closes it, the next request opens a new one."""
    connections = 0

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        for _ in range(2):
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"GET /")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
        # then close: the client's next request must not use this connection

    async with Server(http, ca) as server, http_client(ca) as client:
            for _ in range(3):
                response = await client.get(f"https://{NAME}:{server.port}/")
                assert response.text == "ok"
                await asyncio.sleep(0.05)
    assert connections == 2


@pytest.mark.parametrize("size,length", [(300_000, False), (4 * 1024 * 1024, True)],
                         ids=["close-delimited", "content-length"])
async def test_a_server_closing_right_after_its_body_loses_none_of_it(
        ca: trustme.CA, size: int, length: bool) -> None:
    """A server that closes as soon as it has sent (no wait for close_notify): every byte
    of the body arrives, each of 8 times (asyncio's TLS layer once dropped what it had not
    handed over when the close came: 8 of 10 bodies short)."""
    body = bytes(i % 251 for i in range(size))
    head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n"
    head += f"Content-Length: {size}\r\n\r\n".encode() if length else b"\r\n"

    def answer(conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        conn.sendall(head + body)

    with blocking_tls_server(ca, answer, 8) as port:
        async with http_client(ca) as client:
            for _ in range(8):
                response = await client.get(f"https://{NAME}:{port}/")
                assert len(response.content) == size and response.content == body


async def test_a_server_gone_before_the_tls_handshake_fails_at_once_as_tls(
        ca: trustme.CA) -> None:
    """The server closes on accept: the call fails in well under a second with the TLS
    failure the app reads for it (before, the handshake waited for its timeout)."""
    with blocking_tls_server(None, lambda conn: None, 1) as port:
        async with http_client(ca) as client:
            start = time.monotonic()
            with pytest.raises(httpx.ConnectError) as info:
                await client.get(f"https://{NAME}:{port}/")
    assert time.monotonic() - start < 2
    assert from_httpx(info.value).reason == "ssl handshake failed: UNEXPECTED_EOF_WHILE_READING"


async def test_a_refused_connection_names_no_address(ca: trustme.CA) -> None:
    """Connection refused reads as the OS says it, without the address tried (a host
    mapping's target is the emulator's business)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with http_client(ca) as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get(f"https://{NAME}:{port}/")
    assert from_httpx(info.value).reason == "connect error: Connection refused"


def test_a_byte_at_a_time_is_counted_with_each_pieces_overhead() -> None:
    """A server dripping one byte per read: reading pauses once the pieces' bytes and
    overhead reach READ_AHEAD (one object per byte would otherwise hold ~40x the data)."""

    class Transport:
        paused = 0

        def pause_reading(self) -> None:
            self.paused += 1

    protocol = _StreamProtocol(_ReadBuffer())
    transport = Transport()
    protocol.transport = transport  # type: ignore[assignment]
    pieces = 0
    while not transport.paused:
        protocol.get_buffer(-1)[0] = 120
        protocol.buffer_updated(1)
        pieces += 1
    assert pieces == READ_AHEAD // (1 + PIECE_OVERHEAD) + 1
    assert protocol.take(10) == b"x"


async def test_tls_over_a_connection_the_server_already_closed_fails_at_once(
        ca: trustme.CA) -> None:
    """start_tls on a connection whose end has arrived: ConnectError now, from the TLS
    failure, not a handshake waiting out its timeout."""
    with blocking_tls_server(None, lambda conn: None, 1) as port:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await asyncio.sleep(0.1)
        start = time.monotonic()
        with pytest.raises(httpcore.ConnectError) as info:
            await stream.start_tls(client_context(ca), server_hostname=NAME, timeout=5)
    assert time.monotonic() - start < 1
    assert isinstance(info.value.__context__, ssl.SSLEOFError)


async def test_a_stalled_handshake_waits_for_the_calls_deadline_not_asyncios(
        ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no timeout of its own (the client leaves the app's networkTimeout to the
    call's deadline), a server that never answers the ClientHello is still waited for
    when asyncio's default handshake limit passes (60 s, here made 0.3 s): the app gets
    its timeout, not a TLS failure at 60 s."""
    monkeypatch.setattr(asyncio.constants, "SSL_HANDSHAKE_TIMEOUT", 0.3)

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async with Server(mute, None) as server:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", server.port, timeout=5)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(
                stream.start_tls(client_context(ca), server_hostname=NAME, timeout=None), 1.0)
