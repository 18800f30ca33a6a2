"""connectSocket against hostile servers on 127.0.0.1: handshakes answered with redirects
(issue 10, kind 3) and frames too large, not UTF-8 or breaking the protocol (kind 2), on the
real engine. Each server here is raw asyncio: it speaks just enough RFC 6455 to misbehave,
binds 127.0.0.1 only, accepts a bounded number of connections and ends each within a bound.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import struct
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from emulator.config import Settings
from emulator.devserver.certs import ServerCertificates
from emulator.flows.flow import SocketFlow, SocketState
from emulator.flows.har import make_har
from emulator.swan.socket import MAX_FRAME_BYTES, R_NOT_UTF8, R_TOO_BIG
from tests.conftest import WS_DOMAIN, Run, write_app

pytestmark = pytest.mark.timeout(60)

REPO = Path(__file__).resolve().parents[2]
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
TEXT, BINARY, CONTINUATION, CLOSE = 0x1, 0x2, 0x0, 0x8
PEER_BOUND_S = 4.0  # no hostile connection lives longer than this
REDIRECT_REASON = "handshake refused: HTTP %d (redirects are not followed)"


# ---- a hostile peer ----------------------------------------------------------------------

def frame(opcode: int, payload: bytes = b"", *, fin: bool = True) -> bytes:
    """A server frame (unmasked, RFC 6455 §5.2)."""
    return frame_head(opcode, len(payload), fin=fin) + payload


def frame_head(opcode: int, length: int, *, fin: bool = True) -> bytes:
    """The header of a server frame whose payload is ``length`` bytes."""
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        return bytes([first, length])
    if length < 1 << 16:
        return bytes([first, 126]) + struct.pack("!H", length)
    return bytes([first, 127]) + struct.pack("!Q", length)


def parse_client_frames(data: bytes) -> list[tuple[int, bytes]]:
    """The complete frames in what a client sent (masked, RFC 6455 §5.3)."""
    frames, i = [], 0
    while i + 2 <= len(data):
        opcode, length, at = data[i] & 0x0F, data[i + 1] & 0x7F, i + 2
        if length == 126:
            length, at = struct.unpack("!H", data[at:at + 2])[0], at + 2
        elif length == 127:
            length, at = struct.unpack("!Q", data[at:at + 8])[0], at + 8
        if at + 4 + length > len(data):
            break
        key = (data[at:at + 4] * (length // 4 + 1))[:length]  # the mask, repeated
        raw = data[at + 4:at + 4 + length]
        payload = (int.from_bytes(raw, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
        frames.append((opcode, payload))
        i = at + 4 + length
    return frames


def close_codes(data: bytes) -> list[int]:
    """The codes of the close frames in what a client sent."""
    return [struct.unpack("!H", p[:2])[0] for op, p in parse_client_frames(data)
            if op == CLOSE and len(p) >= 2]


@dataclass
class Conn:
    """One connection to a hostile peer: the request head it read, and what it can do."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    head: bytes
    received: bytearray = field(default_factory=bytearray)  # from the client, after the head
    client_hung_up: bool = False  # the client closed TCP before the peer gave up
    written: int = 0

    async def upgrade(self) -> None:
        """Answer 101 with the right Sec-WebSocket-Accept (RFC 6455 §4.2.2)."""
        key = next(line.partition(b":")[2].strip() for line in self.head.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key:"))
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        await self.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")

    async def write(self, data: bytes) -> None:
        """Write and drain; a ConnectionError means the client hung up (and is raised)."""
        self.writer.write(data)
        try:
            await self.writer.drain()
        except ConnectionError:
            self.client_hung_up = True
            raise
        self.written += len(data)

    async def linger(self, *, until_close: bool = False) -> None:
        """Never close: read what the client sends until it hangs up (or the bound ends);
        with ``until_close``, only until its close frame has come."""
        try:
            while chunk := await self.reader.read(65536):
                self.received += chunk
                if until_close and close_codes(bytes(self.received)):
                    return
            self.client_hung_up = True
        except ConnectionError:
            self.client_hung_up = True

    def frames(self) -> list[tuple[int, bytes]]:
        """The frames the client sent (opcode, unmasked payload)."""
        return parse_client_frames(bytes(self.received))


Behaviour = Callable[[Conn], Awaitable[None]]


@dataclass
class Peer:
    """A raw server on 127.0.0.1 that runs ``behave`` on each connection (at most
    ``max_connections``, each within PEER_BOUND_S); ``conns`` lists them."""

    behave: Behaviour
    ssl: Any = None
    max_connections: int = 4
    port: int = 0
    conns: list[Conn] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> Peer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if len(self.conns) >= self.max_connections:
                return
            async with asyncio.timeout(PEER_BOUND_S):
                head = await reader.readuntil(b"\r\n\r\n")
                conn = Conn(reader, writer, head)
                self.conns.append(conn)
                await self.behave(conn)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            self._tasks.discard(task)
            writer.transport.abort()


def redirect(status: int, location: str | Callable[[], str]) -> Behaviour:
    """Answer the handshake with ``status`` and a Location."""
    async def behave(conn: Conn) -> None:
        where = location() if callable(location) else location
        await conn.write(b"HTTP/1.1 %d Moved\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n"
                         % (status, where.encode()))
    return behave


async def accept(conn: Conn) -> None:
    """A well-behaved handshake, then silence until the client leaves."""
    await conn.upgrade()
    await conn.linger()


async def echo_close(conn: Conn) -> None:
    """A handshake; then, once the client's close frame comes, the same close back and the
    TCP connection closed, as a server does (RFC 6455 §5.5.1)."""
    await conn.upgrade()
    await conn.linger(until_close=True)
    codes = close_codes(bytes(conn.received))
    if codes:
        await conn.write(frame(CLOSE, struct.pack("!H", codes[0])))


def then_frames(*frames: bytes) -> Behaviour:
    """Upgrade, send these bytes (reading all the while), then linger without ever closing;
    when the last frame is a close, only until the client's close comes back."""
    async def behave(conn: Conn) -> None:
        await conn.upgrade()
        closing = bool(frames) and frames[-1][0] & 0x0F == CLOSE
        reading = asyncio.create_task(conn.linger(until_close=closing))
        try:
            for data in frames:
                await conn.write(data)
        except ConnectionError:
            pass
        await reading
    return behave


def streaming(head: bytes, total: int, *, chunk: int = 1 << 20) -> Behaviour:
    """Upgrade, send ``head`` then zero bytes up to ``total`` while the client takes them."""
    async def behave(conn: Conn) -> None:
        await conn.upgrade()
        await conn.write(head)
        reading = asyncio.create_task(conn.linger())
        try:
            block = bytes(chunk)
            while conn.written < total and not reading.done():
                await conn.write(block)
        except ConnectionError:
            pass
        await reading
    return behave


def fragments(size: int, total: int) -> Behaviour:
    """Upgrade, then one text message in fragments of ``size`` bytes, never finished,
    until ``total`` bytes or the client hangs up."""
    async def behave(conn: Conn) -> None:
        await conn.upgrade()
        reading = asyncio.create_task(conn.linger())
        block, opcode = b"a" * size, TEXT
        try:
            while conn.written < total and not reading.done():
                await conn.write(frame(opcode, block, fin=False))
                opcode = CONTINUATION
        except ConnectionError:
            pass
        await reading
    return behave


# ---- the app side --------------------------------------------------------------------------

APP = """
function log() { console.log(JSON.stringify(Array.prototype.slice.call(arguments))); }
var t = swan.connectSocket({url: URL,
    success: function (r) { log('success', r.errMsg, t.readyState); },
    fail: function (r) { log('fail', r.errCode, r.errMsg, t.readyState); },
    complete: function () { log('complete'); }});
t.onOpen(function () { log('open', t.readyState); });
t.onMessage(function (m) {
    log('message', typeof m.data === 'string' ? m.data.length : {bytes: m.data.byteLength});
});
t.onError(function (e) { log('error', e.errMsg); });
t.onClose(function (c) { log('close', c.code, c.reason, t.readyState); });
"""


def app(url: str, extra: str = "") -> dict[str, Any]:
    """A page that connects to ``url`` and logs every callback and event."""
    return {"pages/index/index.js": f"var URL = {json.dumps(url)};\n{APP}\n{extra}\nPage({{}});"}


def seq(run: Run) -> list[list[Any]]:
    """What the app logged, in order."""
    return [json.loads(line) for line in run.logs if line.startswith("[")]


@pytest.fixture
def certs(tmp_path: Path) -> tuple[ServerCertificates, Path]:
    """A trustme CA issuing a certificate for any SNI name, and its PEM file."""
    certs = ServerCertificates(default_names=(WS_DOMAIN,))
    ca_file = tmp_path / "hostile-ca.pem"
    ca_file.write_text(certs.ca_pem)
    return certs, ca_file


def checked(port: int, ca_file: Path) -> Settings:
    """Checking on; the socket domain whitelisted and mapped to 127.0.0.1:``port``."""
    return Settings(domains={"socket": [f"wss://{WS_DOMAIN}"]},
                    hosts={WS_DOMAIN: f"127.0.0.1:{port}"}, ca_file=ca_file)


def failed_handshake(run: Run, reason: str) -> None:
    """The app heard fail (1001, reason) and complete, then onError and onClose 1006, each
    once, and never success or onOpen."""
    assert seq(run) == [["fail", 1001, f"connectSocket:fail {reason}", 3], ["complete"],
                        ["error", reason], ["close", 1006, "", 3]]


# ---- kind 3: no redirect is followed --------------------------------------------------------

@pytest.mark.parametrize("where", ["other-host", "ip", "other-port", "same-origin-path"])
async def test_redirected_handshake_fails_and_nothing_follows(
        run_app: Any, certs: tuple[ServerCertificates, Path], where: str,
        caplog: pytest.LogCaptureFixture) -> None:
    """A 302 (checking on): fail, onError, onClose; nothing followed; one URL, Location kept."""
    server_certs, ca_file = certs
    async with Peer(accept, ssl=server_certs.server_context) as target:
        location = {"other-host": f"wss://evil.test:{target.port}/",
                    "ip": f"wss://127.0.0.1:{target.port}/",
                    "other-port": f"wss://{WS_DOMAIN}:{target.port}/",
                    "same-origin-path": "/elsewhere"}[where]
        hostile = Peer(accept, ssl=server_certs.server_context)
        # A same-origin redirect would come back to this peer: only the first is redirected.
        hostile.behave = _first_redirects(hostile, location)
        async with hostile:
            run = await run_app(app(f"wss://{WS_DOMAIN}/start"), checked(hostile.port, ca_file))
    failed_handshake(run, REDIRECT_REASON % 302)
    assert len(hostile.conns) == 1 and target.conns == []
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert flow.state is SocketState.FAILED and flow.url == f"wss://{WS_DOMAIN}/start"
    assert ("Location", location) in flow.response_headers
    [entry] = make_har([flow])["log"]["entries"]
    assert entry["request"]["url"] == f"wss://{WS_DOMAIN}/start"
    assert entry["response"]["status"] == 0
    assert entry["response"]["_error"] == REDIRECT_REASON % 302
    assert {"name": "Location", "value": location} in entry["response"]["headers"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def _first_redirects(peer: Peer, location: str) -> Behaviour:
    """The peer's first connection is redirected; any later one is upgraded."""
    first = redirect(302, location)

    async def behave(conn: Conn) -> None:
        await (first(conn) if len(peer.conns) == 1 else accept(conn))
    return behave


async def test_a_trailing_dot_is_dropped_before_policy_and_connection(
        run_app: Any, certs: tuple[ServerCertificates, Path]) -> None:
    """wss://ws.demo.test./ connects as ws.demo.test: no dot in Host, SNI or the flow's URL."""
    server_certs, ca_file = certs
    async with Peer(echo_close, ssl=server_certs.server_context) as peer:
        run = await run_app(app(f"wss://{WS_DOMAIN}./chat", "t.onOpen(function () { t.close({}); });"),
                            checked(peer.port, ca_file))
    assert seq(run)[:3] == [["success", "connectSocket:ok", 1], ["complete"], ["open", 1]]
    assert f"\r\nHost: {WS_DOMAIN}\r\n".encode() in peer.conns[0].head
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert flow.url == f"wss://{WS_DOMAIN}/chat" and flow.state is SocketState.CLOSED


async def test_a_lone_surrogate_in_the_url_is_quoted_as_json_quotes_it(run_app: Any) -> None:
    """A lone surrogate in the URL: errMsg quotes it JSON-style, then onClose; nothing uncaught."""
    run = await run_app(app(f"wss://{WS_DOMAIN}/echo\ud800"),
                        Settings(domains={"socket": [f"wss://{WS_DOMAIN}"]}))
    reason = f'parameter error: invalid url "wss://{WS_DOMAIN}/echo\\ud800"'
    assert seq(run) == [["fail", 904, f"connectSocket:fail {reason}", 3], ["complete"],
                        ["close", 1006, "", 3]]
    assert run.errors == []


@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
@pytest.mark.parametrize("where", ["other-port", "localhost"])
async def test_unchecked_redirects_are_not_followed_either(run_app: Any, status: int,
                                                           where: str) -> None:
    """Checking off (ws:// to 127.0.0.1, no mapping): no 3xx takes the socket elsewhere."""
    async with Peer(accept) as target:
        host = "127.0.0.1" if where == "other-port" else "localhost"
        async with Peer(redirect(status, f"ws://{host}:{target.port}/x")) as hostile:
            run = await run_app(app(f"ws://127.0.0.1:{hostile.port}/"), Settings(url_check=False))
    failed_handshake(run, REDIRECT_REASON % status)
    assert len(hostile.conns) == 1 and target.conns == []


async def test_other_refused_handshakes_keep_their_status(run_app: Any) -> None:
    """A 404 is a failed handshake too: fail + onError + onClose, with its status."""
    async def not_found(conn: Conn) -> None:
        await conn.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    async with Peer(not_found) as peer:
        run = await run_app(app(f"ws://127.0.0.1:{peer.port}/"), Settings(url_check=False))
    failed_handshake(run, "handshake refused: HTTP 404")


async def test_success_comes_with_the_socket_open(run_app: Any) -> None:
    """connectSocket's success comes OPEN, before onOpen: closeSocket in success works."""
    async with Peer(echo_close) as peer:
        run = await run_app({"pages/index/index.js": """
            function log() { console.log(JSON.stringify(Array.prototype.slice.call(arguments))); }
            swan.onSocketOpen(function () { log('open', t.readyState); });
            swan.onSocketClose(function (c) { log('close', c.code, t.readyState); });
            var t = swan.connectSocket({url: 'ws://127.0.0.1:%d/', success: function (r) {
                log('success', r.errMsg, t.readyState);
                swan.closeSocket({code: 4000, success: function () { log('closed'); }});
                log('closing', t.readyState);
            }});
            Page({});
        """ % peer.port}, Settings(url_check=False))
    events = seq(run)
    assert events[:3] == [["success", "connectSocket:ok", 1], ["closing", 2], ["open", 2]]
    assert sorted(events[3:]) == [["close", 4000, 3], ["closed"]]
    assert close_codes(bytes(peer.conns[0].received)) == [4000]


# ---- kind 2: frames over the cap, not UTF-8, breaking the protocol --------------------------

def hostile_frames(behave: Behaviour) -> Callable[..., Awaitable[tuple[Run, Conn]]]:
    """Run the logging app against a peer doing ``behave`` (checking off)."""
    async def go(run_app: Any, extra: str = "") -> tuple[Run, Conn]:
        async with Peer(behave) as peer:
            run = await run_app(app(f"ws://127.0.0.1:{peer.port}/", extra),
                                Settings(url_check=False, script_time_limit=20))
        [conn] = peer.conns
        return run, conn
    return go


def failed_connection(run: Run, conn: Conn, code: int, reason: str) -> SocketFlow:
    """After open: onError(reason) then onClose(code, reason), once each; the client sent
    that close code and hung up on a server that never closed; the flow says so."""
    events = seq(run)
    assert events[:3] == [["success", "connectSocket:ok", 1], ["complete"], ["open", 1]]
    assert [e for e in events if e[0] in ("error", "close")] == \
        [["error", reason], ["close", code, reason, 3]]
    assert close_codes(bytes(conn.received)) == [code]
    assert conn.client_hung_up
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert (flow.state, flow.close_code, flow.close_reason, flow.closed_by) == \
        (SocketState.CLOSED, code, reason, "client")
    return flow


async def test_a_frame_over_the_cap_is_refused_at_its_header(run_app: Any) -> None:
    """A frame declaring 1 GiB: refused on its header (1009), before its payload is read."""
    run, conn = await hostile_frames(streaming(frame_head(BINARY, 1 << 30), 256 << 20))(run_app)
    flow = failed_connection(run, conn, 1009, R_TOO_BIG)
    assert flow.frames_received == 0 and not [e for e in seq(run) if e[0] == "message"]
    assert conn.written < 128 << 20  # the client stopped reading long before


async def test_fragments_are_counted_as_they_arrive(run_app: Any) -> None:
    """A message in 1 MiB fragments is refused once they pass 16 MiB, not when it ends."""
    run, conn = await hostile_frames(fragments(1 << 20, 256 << 20))(run_app)
    failed_connection(run, conn, 1009, R_TOO_BIG)
    assert conn.written < 128 << 20


async def test_the_cap_is_16_mib_exactly(run_app: Any) -> None:
    """A message of exactly 16 MiB arrives whole; one byte more is refused (1009)."""
    run, conn = await hostile_frames(then_frames(
        frame(BINARY, bytes(MAX_FRAME_BYTES)), frame(TEXT, b"after"),
        frame(BINARY, bytes(MAX_FRAME_BYTES + 1))))(run_app)
    failed_connection(run, conn, 1009, R_TOO_BIG)
    assert [e for e in seq(run) if e[0] == "message"] == \
        [["message", {"bytes": MAX_FRAME_BYTES}], ["message", 5]]


@pytest.mark.parametrize("payload", [b"\xff\xfe", b"ok \xed\xa0\x80", b"\xe4\xb8"],
                         ids=["bad-byte", "surrogate", "truncated"])
async def test_text_that_is_not_utf8_fails_the_connection(run_app: Any, payload: bytes) -> None:
    """A non-UTF-8 text message: earlier ones arrive, then onError and onClose 1007."""
    run, conn = await hostile_frames(then_frames(frame(TEXT, b"fine"),
                                                 frame(TEXT, payload)))(run_app)
    failed_connection(run, conn, 1007, R_NOT_UTF8)
    assert [e for e in seq(run) if e[0] == "message"] == [["message", 4]]


async def test_text_split_inside_a_character_is_fine(run_app: Any) -> None:
    """A character split across fragments is valid UTF-8 once joined."""
    text = "中文".encode()
    run, _ = await hostile_frames(then_frames(
        frame(TEXT, text[:2], fin=False), frame(CONTINUATION, text[2:]),
        frame(CLOSE, struct.pack("!H", 1000))))(run_app)
    assert ["message", 2] in seq(run) and seq(run)[-1] == ["close", 1000, "", 3]


async def test_a_frame_breaking_the_protocol_fails_the_connection(run_app: Any) -> None:
    """A reserved opcode: onError and onClose 1002 with a reason."""
    run, conn = await hostile_frames(then_frames(frame(0x3, b"??")))(run_app)
    events = seq(run)
    [error] = [e for e in events if e[0] == "error"]
    assert error[1].startswith("protocol error")
    assert [e for e in events if e[0] == "close"] == [["close", 1002, error[1], 3]]
    assert close_codes(bytes(conn.received)) == [1002] and conn.client_hung_up


async def test_sends_over_the_cap_fail(run_app: Any) -> None:
    """Sends over 16 MiB fail and the socket stays open; 16 MiB goes; lone surrogate -> U+FFFD."""
    extra = """
    t.onOpen(function () {
        function cb(label) { return {success: function () { log(label, 'ok'); },
                                      fail: function (r) { log(label, r.errCode, r.errMsg); }}; }
        t.send(Object.assign({data: new ArrayBuffer(%(max)d + 1)}, cb('bytes+1')));
        t.send(Object.assign({data: new Array(Math.floor(%(max)d / 3) + 2).join('中')}, cb('text+1')));
        t.send({data: new ArrayBuffer(%(max)d + 1)});
        t.send(Object.assign({data: new ArrayBuffer(%(max)d)}, cb('bytes')));
        t.send(Object.assign({data: 'a\\ud800b'}, cb('lone')));
        setTimeout(function () { log('state', t.readyState); t.close({}); }, 50);
    });
    """ % {"max": MAX_FRAME_BYTES}
    run, conn = await hostile_frames(echo_close)(run_app, extra)
    events = {e[0]: e[1:] for e in seq(run)}
    too_big = [1001, f"send:fail {R_TOO_BIG}"]
    assert events["bytes+1"] == too_big and events["text+1"] == too_big
    assert events["bytes"] == ["ok"] and events["lone"] == ["ok"] and events["state"] == [1]
    assert any(R_TOO_BIG in w for w in run.warnings)  # the one without callbacks
    assert [(op, len(p)) for op, p in conn.frames()][:2] == [(BINARY, MAX_FRAME_BYTES), (TEXT, 5)]
    assert conn.frames()[1][1] == "a\ufffdb".encode()


# ---- host memory stays bounded whatever the server sends ------------------------------------

CHILD = r"""
import asyncio, json, sys
from pathlib import Path
from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage

async def main():
    bus = EventBus()
    bus.subscribe(lambda e: isinstance(e, ConsoleMessage) and print(e.text, flush=True))
    host = AppHost(load_package(Path(sys.argv[1])),
                   Settings(url_check=False, script_time_limit=30), bus)
    await host.start()
    await asyncio.wait_for(host.wait_idle(), 40)
    await host.close()

asyncio.run(main())
# VmHWM: the peak RSS of this process image (ru_maxrss would include the parent's at fork).
status = Path("/proc/self/status").read_text()
print(json.dumps(["peak_kb", int(status.split("VmHWM:")[1].split()[0])]))
"""

MEMORY_APP = """
function log() { console.log(JSON.stringify(Array.prototype.slice.call(arguments))); }
var ports = PORTS, next = 0;
function open() {
    if (next === ports.length) return;
    var t = swan.connectSocket({url: 'ws://127.0.0.1:' + ports[next++] + '/'});
    var n = 0;
    t.onMessage(function (m) { n++; });
    t.onClose(function (c) { log('closed', c.code, n); open(); });
}
open();
Page({});
"""


def _run_child(app_dir: Path) -> tuple[list[list[Any]], int]:
    """Run the app in a child interpreter; its console lines and its peak RSS (bytes)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(app_dir)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=50)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("[")]
    [rss] = [line[1] for line in lines if line[0] == "peak_kb"]
    return [line for line in lines if line[0] != "peak_kb"], rss * 1024


@pytest.fixture
async def memory_peers() -> AsyncIterator[list[Peer]]:
    """Three hostile peers: a 60 MiB frame (under the old cap, over the new), an endless
    fragmented message, and 8 messages of 15 MiB each (under the cap) sent back to back."""
    big = 60 << 20
    many = b"".join([frame(BINARY, bytes(15 << 20))] * 8) + frame(CLOSE, struct.pack("!H", 1000))
    behaviours = [streaming(frame_head(BINARY, big), big), fragments(1 << 20, 256 << 20),
                  then_frames(many)]
    peers = [Peer(b, max_connections=1) for b in behaviours]
    for peer in peers:
        await peer.__aenter__()
    yield peers
    for peer in peers:
        await peer.__aexit__(None, None, None)


@pytest.mark.timeout(90)
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
async def test_host_memory_stays_bounded(tmp_path: Path, memory_peers: list[Peer]) -> None:
    """Whatever the server sends, the emulator's peak RSS stays under a fixed cap."""
    baseline_dir = write_app(tmp_path / "idle", {"pages/index/index.js":
                                                 MEMORY_APP.replace("PORTS", "[]")})
    ports = json.dumps([p.port for p in memory_peers])
    app_dir = write_app(tmp_path / "hostile", {"pages/index/index.js":
                                               MEMORY_APP.replace("PORTS", ports)})
    loop = asyncio.get_running_loop()
    _, baseline = await loop.run_in_executor(None, _run_child, baseline_dir)
    lines, peak = await loop.run_in_executor(None, _run_child, app_dir)
    assert lines == [["closed", 1009, 0], ["closed", 1009, 0], ["closed", 1000, 8]]
    # 8 × 15 MiB went through (120 MiB); the refused 60 MiB frame and 256 MiB message never
    # were in memory. One accepted message costs about 8× its size on its way into JS (bytes,
    # base64, JSON text, the JS copies): measured 150-180 MiB over the baseline here, against
    # 520 MiB for the 60 MiB frame alone when it was let through. The cap: 16× the frame cap.
    assert peak - baseline < 16 * MAX_FRAME_BYTES, (peak >> 20, baseline >> 20)


async def test_a_stalled_tls_handshake_ends_at_the_apps_timeout(
        run_app: Any, certs: tuple[ServerCertificates, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that never answers the ClientHello: the call fails at the app's
    networkTimeout.connectSocket as a timeout, not at asyncio's own handshake limit
    (60 s, here made 0.2 s, shorter than the app's 1 s) as a lost connection."""
    monkeypatch.setattr(asyncio.constants, "SSL_HANDSHAKE_TIMEOUT", 0.2)
    _certs, ca_file = certs

    async def mute(conn: Conn) -> None:
        await asyncio.sleep(PEER_BOUND_S)

    async with Peer(mute) as peer:
        files = app(f"wss://{WS_DOMAIN}/")
        files["app.json"] = {"pages": ["pages/index/index"],
                             "networkTimeout": {"connectSocket": 1000}}
        run = await run_app(files, checked(peer.port, ca_file))
    failed_handshake(run, "timeout")
