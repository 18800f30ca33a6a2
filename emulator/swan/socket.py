"""``swan.connectSocket`` and SocketTask: the Python half (JS half: prelude/socket.js).

Each socket is one ``websockets`` client connection. Events for the app (the connect call's
answer, open, message, error, close) are queued per socket and delivered in one entry into
JS per loop turn, in order; frames the app sends go out in the order it sent them.

What the library would otherwise decide on its own is ours:

- Redirects: websockets follows a 3xx handshake answer by itself (to any host, port or IP,
  none of it checked by the domain policy). We follow none: a 3xx fails the handshake, as
  it does on the platform (RFC 6455 §4.1: any status other than 101 is a failed
  handshake); the flow keeps the answer's headers and the status is in its error.
- Frames: each message from the server is counted against :data:`MAX_FRAME_BYTES` as its
  frames arrive (websockets checks every frame header against what is left), so a
  too-large message is refused before its payload is read. A message over the cap, a text
  message that is not UTF-8, or a frame that breaks the protocol fails the connection
  (RFC 6455 §7.1.7, close codes §7.4.1: 1009, 1007, 1002): the app gets onError and then
  onClose with that code and a reason in our words, and our side of TCP is closed at once
  (the whole connection after a short grace) rather than left to a server that may never
  close it.

Weak network (emulator/net/shaping): the opening handshake waits the profile's latency;
each frame, either way, is due when the emulated link has carried it plus the latency
(frames sent in a burst are pipelined, not queued one latency each); received frames wait
in a :class:`~emulator.net.shaping.frames.FrameSchedule` under a byte cap. Offline: a new
socket fails before connecting, and open ones are cut (onError, then onClose 1006).
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import websockets.exceptions as wse
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.protocol import State

from emulator import __version__
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    FlowStarted,
    SocketClosed,
    SocketFailed,
    SocketFrameEvent,
    SocketOpened,
)
from emulator.flows.flow import SocketFlow, SocketState
from emulator.net.errors import (
    ERR_ARGS,
    ERR_FAILED,
    Aborted,
    NetError,
    Offline,
    ProtocolFailed,
    from_websockets,
)
from emulator.net.hosts import HostMap
from emulator.net.mock.lab import NetworkLab
from emulator.net.policy import DomainPolicy, canonical_url, refusal
from emulator.net.shaping.conditions import NetworkConditions
from emulator.net.shaping.frames import FrameSchedule
from emulator.runtime.bridge import Runtime, WorkToken, unwire_bytes, wire_bytes
from emulator.swan.calls import guarded
from emulator.swan.request import request_headers

log = logging.getLogger(__name__)

MAX_SOCKETS = 5
WRITE_BUFFER_HIGH = 64 * 1024
# The largest message either way (choice): 16 MiB, the most Android's OkHttp queues for one
# WebSocket (RealWebSocket.MAX_QUEUE_SIZE); it also leaves room in the JS heap (256 MB by
# default) for the message's string or ArrayBuffer. Keep in step with prelude/socket.js.
MAX_FRAME_BYTES = 16 * 1024 * 1024
FRAME_LIMIT_TEXT = "16 MiB"
ABNORMAL_CLOSURE = 1006
# Received bytes queued for JS before they are delivered even in the middle of a burst.
FLUSH_BYTES = 1024 * 1024
# How long a connection we failed waits for the close frame to leave before it is cut.
HANGUP_GRACE_S = 1.0

R_TOO_BIG = f"message too big (limit {FRAME_LIMIT_TEXT})"
R_NOT_UTF8 = "invalid UTF-8 in a text message"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _more_buffered(ws: ClientConnection) -> bool:
    """Whether websockets already holds another received frame (a burst is arriving)."""
    frames = getattr(getattr(ws, "recv_messages", None), "frames", None)
    try:
        return frames is not None and len(frames) > 0
    except TypeError:
        return False


def _write_now(ws: ClientConnection, data: str | bytes) -> bool:
    """Write one frame without a task switch when the transport has room: what
    ``ws.send`` does before it awaits the drain. False when the frame must go through the
    awaiting path (buffer full, state not open)."""
    transport = ws.transport
    if ws.protocol.state is not State.OPEN or transport.is_closing() or \
            transport.get_write_buffer_size() > WRITE_BUFFER_HIGH:
        return False
    if isinstance(data, str):
        ws.protocol.send_text(data.encode())
    else:
        ws.protocol.send_binary(data)
    ws.send_data()
    return True


def usv_text(text: str) -> str:
    """``text`` as a WebSocket text frame can carry it: a lone surrogate (a JS string may
    hold one) becomes U+FFFD, as a browser's ``send`` makes it (WebIDL USVString)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def escape_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as its JSON escape (``\\ud800``), as the JS
    side's JSON.stringify quotes one: a reason that quotes the app's input (a URL) can then
    cross the bridge, which carries well-formed Unicode only."""
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def too_big(payload: str | bytes) -> bool:
    """Whether the payload is over :data:`MAX_FRAME_BYTES` on the wire (UTF-8 for text)."""
    if isinstance(payload, bytes):
        return len(payload) > MAX_FRAME_BYTES
    # n code units are at most 3n bytes of UTF-8: encode only when that could be too many.
    return 3 * len(payload) > MAX_FRAME_BYTES and len(payload.encode()) > MAX_FRAME_BYTES


def _failure(ws: ClientConnection) -> BaseException | None:
    """Why websockets failed the connection (RFC 6455 §7.1.7) on what it received: a
    message over the cap, a text message that is not UTF-8, a frame breaking the protocol.
    None for a clean close, a network drop or the app's own close."""
    exc = getattr(ws.protocol, "parser_exc", None)
    if exc is None or isinstance(exc, EOFError):
        exc = ws.connection_exc
    if isinstance(exc, (UnicodeDecodeError, wse.WebSocketException)):
        return exc
    return None


def _failure_reason(exc: BaseException) -> str:
    """The reason the app reads for a connection failed by :func:`_failure`."""
    if isinstance(exc, UnicodeDecodeError):
        return R_NOT_UTF8
    if isinstance(exc, wse.PayloadTooBig) or type(exc).__name__ == "TooManyFragments":
        return R_TOO_BIG
    return from_websockets(exc).reason


class _Connection(ClientConnection):
    """websockets' client connection, hanging up soon after it has failed the connection.

    websockets sends the close frame and then waits up to ``close_timeout`` for the server
    to close TCP (or forever, when nothing is reading or writing); RFC 6455 §7.1.7 lets the
    endpoint that fails the connection close it itself, and a hostile server never will.
    So: the close frame, then our half of TCP closed (FIN: the frame is not lost to a reset
    while the server is still sending), then the connection cut after a short grace.
    """

    _hangup: asyncio.TimerHandle | None = None

    def send_data(self) -> None:
        """Write what the protocol has to send; after a failure, start hanging up."""
        super().send_data()
        if self._hangup is None and _failure(self) is not None:
            transport = self.transport
            if transport.can_write_eof():
                transport.write_eof()  # after the close frame just written
            else:
                transport.close()  # TLS: close_notify, after the close frame
            self._hangup = self.loop.call_later(HANGUP_GRACE_S, transport.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        """The transport is gone: no hang-up is needed any more."""
        if self._hangup is not None:
            self._hangup.cancel()
        super().connection_lost(exc)


class _NoRedirectConnect(ws_connect):
    """websockets' ``connect`` that follows no redirect: a 3xx answer to the handshake is
    raised as the InvalidStatus it is (websockets would otherwise connect to its Location
    itself, past the domain policy and the network log)."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        """Never a redirect to follow: the exception itself."""
        return exc


def handshake_error(exc: BaseException) -> NetError:
    """Our error for a failed opening handshake (a mock's failure is ours already)."""
    if isinstance(exc, NetError):
        return exc
    if isinstance(exc, InvalidStatus) and 300 <= exc.response.status_code < 400:
        return ProtocolFailed(f"handshake refused: HTTP {exc.response.status_code} "
                              "(redirects are not followed)")
    return from_websockets(exc)


class SocketConnection:
    """One app socket: the websockets connection, its flow and its queue of app events."""

    def __init__(self, service: SocketService, task_id: int, flow: SocketFlow,
                 call_id: int = 0) -> None:
        self.service = service
        self.task_id = task_id
        self.flow = flow
        self.call_id = call_id  # the connectSocket call, answered once the handshake ends
        self.ws: ClientConnection | None = None
        self.closing_by_app = False
        self.network_error: NetError | None = None  # set when the network cut it (offline)
        self._sends: asyncio.Queue[tuple[int, str | bytes, float | None]] = asyncio.Queue()
        self._schedule = FrameSchedule(MAX_FRAME_BYTES)  # received frames a weak link holds
        self._runner: asyncio.Task[None] | None = None
        self._token: WorkToken | None = None

    @property
    def alive(self) -> bool:
        """Connecting or open (counts against the cap)."""
        return self.flow.state in (SocketState.CONNECTING, SocketState.OPEN, SocketState.CLOSING)

    def start(self, connect: Callable[[], Any]) -> None:
        self._token = self.service.runtime.hold()  # an open socket keeps the app busy
        self._runner = self.service.runtime.loop.create_task(
            self._run(connect), name=f"socket-{self.task_id}")

    def _event(self, kind: str, res: dict[str, Any]) -> None:
        self.service.queue_event(self.task_id, kind, res)

    def _answer(self, error: NetError | None) -> None:
        """Answer the connectSocket call (once), in line with the socket's other events."""
        call_id, self.call_id = self.call_id, 0
        if call_id:
            self.service.queue_answer(self.task_id, call_id, error)

    def _handshake_failed(self, exc: BaseException) -> None:
        flow = self.flow
        if isinstance(exc, asyncio.CancelledError):
            error: NetError = self.network_error or Aborted()
        else:
            error = handshake_error(exc)
            if isinstance(exc, InvalidStatus):
                # The answer that refused the upgrade (a 3xx's Location too) stays on record.
                flow.response_headers = list(exc.response.headers.raw_items())
                log.info("socket %s: handshake answered HTTP %d, not followed", flow.url,
                         exc.response.status_code)
        flow.error = error
        flow.state = SocketState.FAILED
        flow.timings.done = time.time()
        self.service.bus.publish(SocketFailed(flow=flow))
        self._answer(error)
        self._event("error", {"errMsg": escape_lone_surrogates(error.reason)})
        self._event("close", {"code": ABNORMAL_CLOSURE, "reason": ""})

    async def _run(self, connect: Callable[[], Any]) -> None:
        flow = self.flow
        bus = self.service.bus
        conditions = self.service.conditions
        try:
            try:
                if conditions is not None:
                    await conditions.latency()
                self.ws = await connect()
            except BaseException as exc:  # everything a handshake can throw, translated
                self._handshake_failed(exc)
                return
            ws = self.ws
            flow.timings.first_byte = time.time()
            flow.state = SocketState.OPEN
            response = ws.response
            flow.response_headers = list(response.headers.raw_items()) if response else []
            flow.protocol = ws.subprotocol
            bus.publish(SocketOpened(flow=flow))
            header = {}
            for k, v in flow.response_headers:
                header[k] = f"{header[k]}, {v}" if k in header else v
            self._answer(None)
            self._event("open", {"header": header})
            writer = asyncio.create_task(self._write(ws), name=f"socket-{self.task_id}-send")
            try:
                async for message in ws:
                    await self._arrived(ws, message)
                    del message  # not kept while the next one arrives (up to 16 MiB each)
            except ConnectionClosed:
                pass
            finally:
                writer.cancel()
                self._fail_queued()
            if self.network_error is None:
                await self._schedule.drained()  # frames still on the link come first
            self._closed(ws)
        finally:
            self.service.forget(self)
            if self._token is not None:
                self._token.release()

    async def _arrived(self, ws: ClientConnection, message: str | bytes) -> None:
        """A frame read from the connection: delivered now, or when a weak link would
        deliver it (after the frames it holds already)."""
        conditions = self.service.conditions
        profile = conditions.profile if conditions is not None else None
        if profile is None and self._schedule.empty:
            self._received(ws, message)
            return
        assert conditions is not None
        size = len(message.encode()) if isinstance(message, str) else len(message)
        due = conditions.due("down", size, frame=True)
        if due is None:
            due = asyncio.get_running_loop().time()
        await self._schedule.hold(size, due, partial(self._received, ws, message))

    def _received(self, ws: ClientConnection, message: str | bytes) -> None:
        flow = self.flow
        frame = flow.add_frame("receive", message)
        self.service.bus.publish(SocketFrameEvent(flow=flow, frame=frame))
        data = message if isinstance(message, str) else wire_bytes(message)
        self.service.pending_bytes += frame.size
        self._event("message", {"data": data})
        if not _more_buffered(ws) or self.service.pending_bytes >= FLUSH_BYTES:
            # The burst is over (or big): deliver now, not a loop turn later.
            self.service.flush()

    def _closed(self, ws: ClientConnection) -> None:
        flow = self.flow
        protocol = ws.protocol
        rcvd, sent = protocol.close_rcvd, protocol.close_sent
        failure = _failure(ws)
        if self.network_error is not None and failure is None:
            # The device lost its network: onError, then onClose 1006, as on a phone.
            flow.error = self.network_error
            flow.close_code, flow.close_reason, flow.closed_by = ABNORMAL_CLOSURE, "", "network"
            self._event("error", {"errMsg": self.network_error.reason})
        elif failure is not None and sent is not None:
            # We failed the connection on what the server sent: the code we closed with
            # (1009, 1007, 1002...) and a reason the app can act on, after an onError.
            reason = _failure_reason(failure)
            flow.close_code, flow.close_reason, flow.closed_by = sent.code, reason, "client"
            log.info("socket %s: failed the connection (%d): %s", flow.url, sent.code, reason)
            self._event("error", {"errMsg": reason})
        elif rcvd is not None:
            # The code and reason the server's close frame carried.
            flow.close_code, flow.close_reason = rcvd.code, rcvd.reason
            flow.closed_by = "server" if protocol.close_rcvd_then_sent else "client"
        else:
            flow.close_code, flow.close_reason, flow.closed_by = ABNORMAL_CLOSURE, "", "network"
        flow.state = SocketState.CLOSED
        flow.timings.done = time.time()
        self.service.bus.publish(SocketClosed(flow=flow))
        self._event("close", {"code": flow.close_code, "reason": flow.close_reason})

    async def _write(self, ws: ClientConnection) -> None:
        # One writer per socket for frames that had to wait (the transport was busy):
        # they leave in the order the app sent them.
        conditions = self.service.conditions
        while True:
            call_id, data, due = await self._sends.get()
            try:
                if due is not None and conditions is not None:
                    await conditions.sleep_until(due)
                await ws.send(data)
            except (ConnectionClosed, NetError):
                self.service.fail(call_id, "send", "SocketTask.readyState is not OPEN")
                continue
            self._sent(call_id, data)

    def _fail_queued(self) -> None:
        """Fail the sends still queued when the connection ended (never sent)."""
        while not self._sends.empty():
            call_id, _data, _due = self._sends.get_nowait()
            self.service.fail(call_id, "send", "SocketTask.readyState is not OPEN")

    def cut(self, error: NetError) -> None:
        """The network went away: a connecting socket fails with ``error``; an open one
        is cut (TCP aborted, frames still on the link lost) and the app gets onError with
        ``error``, then onClose 1006."""
        if not self.alive:
            return
        self.network_error = error
        self._schedule.drop()
        if self.ws is None:
            if self._runner is not None:
                self._runner.cancel()
        else:
            self.ws.transport.abort()

    def _sent(self, call_id: int, data: str | bytes) -> None:
        frame = self.flow.add_frame("send", data)
        self.service.bus.publish(SocketFrameEvent(flow=self.flow, frame=frame))
        if call_id:
            self.service.runtime.settle(call_id, True)

    def send(self, call_id: int, data: str | bytes) -> bool:
        """Send a frame (now if the transport has room and nothing waits, else queued);
        False when the socket is not open."""
        ws = self.ws
        if self.flow.state is not SocketState.OPEN or ws is None:
            return False
        conditions = self.service.conditions
        due = None
        if conditions is not None and conditions.profile is not None:
            size = len(data.encode()) if isinstance(data, str) else len(data)
            due = conditions.due("up", size, frame=True)
        if due is None and self._sends.empty() and _write_now(ws, data):
            self._sent(call_id, data)
        else:
            self._sends.put_nowait((call_id, data, due))
        return True

    def close(self, code: int, reason: str) -> asyncio.Task[None] | None:
        """Start the closing handshake (or give up connecting)."""
        self.closing_by_app = True
        if self.ws is None:
            if self._runner is not None:
                self._runner.cancel()
            return None
        if self.flow.state is SocketState.OPEN:
            self.flow.state = SocketState.CLOSING
        return asyncio.create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        assert self.ws is not None
        # Let queued frames go first, as they were sent before close() (on a weak link
        # they may wait a while: polled, not spun).
        shaped = self.service.conditions is not None and \
            self.service.conditions.profile is not None
        while not self._sends.empty() and self.flow.state is SocketState.CLOSING:
            await asyncio.sleep(0.005 if shaped else 0)
        await self.ws.close(code, reason)


class SocketService:
    """Handles the socket messages of one app."""

    def __init__(self, runtime: Runtime, bus: EventBus, *, policy: Callable[[], DomainPolicy],
                 hosts: HostMap, ssl_context: Callable[[bool], ssl.SSLContext],
                 timeout_ms: int, app_key: str | None, lab: NetworkLab | None = None,
                 conditions: NetworkConditions | None = None) -> None:
        self.runtime = runtime
        self.bus = bus
        self.lab = lab  # mock rules and HAR replay (emulator/net/mock/lab.py)
        self.conditions = conditions  # weak network and offline (emulator/net/shaping)
        self._policy = policy
        self.hosts = hosts
        self._ssl_context = ssl_context
        self.timeout_s = timeout_ms / 1000
        self.app_key = app_key
        self.connections: dict[int, SocketConnection] = {}
        self._events: list[dict[str, Any]] = []
        self.pending_bytes = 0  # bytes of received messages among the queued events
        self._flush_scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        runtime.register("socket.connect", guarded(runtime, "connectSocket", self._on_connect))
        runtime.register("socket.send", self._on_send)
        runtime.register("socket.close", self._on_close)

    # ---- app events, batched ------------------------------------------------------------
    def queue_event(self, task_id: int, kind: str, res: dict[str, Any]) -> None:
        """Queue an event for the app; one entry into JS per loop turn carries them all."""
        self._queue({"task": task_id, "type": kind, "res": res})

    def _queue(self, event: dict[str, Any]) -> None:
        self._events.append(event)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            token = self.runtime.hold()
            self.runtime.loop.call_soon(self._flush, token)

    def queue_answer(self, task_id: int, call_id: int, error: NetError | None) -> None:
        """Queue the answer to connectSocket call ``call_id`` (success, or fail with
        ``error``) among the socket's events, so the app hears it in order: success before
        onOpen, fail before onError and onClose."""
        event: dict[str, Any] = {"task": task_id, "type": "answer", "call": call_id,
                                 "ok": error is None, "res": {}}
        if error is not None:
            reason = escape_lone_surrogates(error.reason)
            event["res"] = {"errCode": error.code, "errMsg": f"connectSocket:fail {reason}"}
        self._queue(event)

    def _flush(self, token: WorkToken) -> None:
        try:
            self.flush()
        finally:
            token.release()

    def flush(self) -> None:
        """Deliver the queued events now (one entry into JS)."""
        self._flush_scheduled = False
        events, self._events = self._events, []
        self.pending_bytes = 0
        if events:
            self.runtime.enter("socketEvents", events)

    def fail(self, call_id: int, api: str, reason: str, code: int = ERR_FAILED) -> None:
        """Fail an app call."""
        if call_id:
            self.runtime.settle(call_id, False, {"errCode": code, "errMsg": f"{api}:fail {reason}"})

    def forget(self, conn: SocketConnection) -> None:
        """A connection ended."""
        if self.connections.get(conn.task_id) is conn:
            del self.connections[conn.task_id]

    # ---- messages from JS -----------------------------------------------------------------
    def _on_connect(self, call_id: int, args: dict[str, Any]) -> None:
        task_id = int(args["task"])
        url = canonical_url(str(args["url"]))  # the policy and the connection see one host
        policy = self._policy()
        verdict = policy.check("socket", url)
        headers = request_headers(args.get("header") or {}, self.app_key)
        flow = SocketFlow(url=url, verdict=verdict, host=verdict.host, request_headers=headers)
        self.bus.publish(FlowStarted(flow=flow))
        error: NetError | None = None
        if not verdict.allowed:
            error = refusal(verdict, url)
        elif sum(1 for c in self.connections.values() if c.alive) >= MAX_SOCKETS:
            error = NetError(f"exceed max socket count {MAX_SOCKETS}")
        conditions = self.conditions
        if conditions is not None:
            flow.throttle = None if conditions.label == "off" else conditions.label
            if error is None and conditions.offline:
                error = Offline()  # no connection is tried, mocked or real
        # After the policy and the cap, as an HTTP mock: a mocked socket is a flow too.
        route = self.lab.socket_route(url, headers) if self.lab and error is None else None
        if route is not None:
            flow.mocked = route.name
            error = route.refusal()  # a mocked refusal ends as the policy's own does
        if error is not None:
            flow.error = error
            flow.state = SocketState.FAILED
            flow.timings.done = time.time()
            self.bus.publish(SocketFailed(flow=flow))
            self.queue_answer(task_id, call_id, error)
            self.queue_event(task_id, "close", {"code": ABNORMAL_CLOSURE, "reason": ""})
            return
        target = self.hosts.target(verdict.host, "ws") if route is None else None
        flow.connected_to = str(target) if target else None
        conn = SocketConnection(self, task_id, flow, call_id)
        self.connections[task_id] = conn
        protocols = [str(p) for p in args.get("protocols") or []]
        secure = url.lower().startswith("wss:")
        kwargs: dict[str, Any] = {}
        if secure:
            kwargs["ssl"] = self._ssl_context(policy.enabled)
            kwargs["server_hostname"] = verdict.host
        if target is not None:
            kwargs["host"], kwargs["port"] = target.host, target.port

        def connect() -> Any:
            flow.timings.sent = time.time()
            return _NoRedirectConnect(
                url, additional_headers=headers, subprotocols=protocols or None,  # type: ignore[arg-type]
                open_timeout=self.timeout_s, max_size=MAX_FRAME_BYTES, proxy=None,
                create_connection=_Connection,
                user_agent_header=f"swan-emulator/{__version__}", **kwargs)

        async def connect_mocked() -> Any:
            # The scripted server stands where a host mapping's target would: same URL,
            # Host header and TLS name (trusting the lab's own CA), another address.
            assert route is not None
            flow.timings.sent = time.time()
            target, tls = await route.open(secure, policy.enabled, self.timeout_s)
            flow.connected_to = str(target)
            kwargs["host"], kwargs["port"] = target.host, target.port
            if tls is not None:
                kwargs["ssl"] = tls
            return await connect()

        # The call is answered when the handshake ends: success with the socket open, or
        # fail (1001) with the reason, before onError and onClose.
        conn.start(connect if route is None else connect_mocked)

    def _on_send(self, call_id: int, args: dict[str, Any]) -> None:
        conn = self.connections.get(int(args["task"]))
        data = args.get("data")
        payload: str | bytes | None = unwire_bytes(data)
        if payload is None and isinstance(data, str):
            payload = usv_text(data)
        if payload is None:
            self.fail(call_id, "send", "parameter error: data must be a string or an ArrayBuffer",
                      ERR_ARGS)
            return
        if too_big(payload):  # the JS side checks first; this is the safety net
            self.fail(call_id, "send", R_TOO_BIG)
            return
        if conn is None or not conn.send(call_id, payload):
            self.fail(call_id, "send", "SocketTask.readyState is not OPEN")

    def _on_close(self, call_id: int, args: dict[str, Any]) -> None:
        conn = self.connections.get(int(args["task"]))
        if conn is None:
            self.fail(call_id, "close", "SocketTask.readyState is not OPEN")
            return
        task = conn.close(int(args.get("code", 1000)), str(args.get("reason", "")))
        if task is None:
            if call_id:
                self.runtime.settle(call_id, True)
            return
        self._tasks.add(task)

        def done(t: asyncio.Task[None]) -> None:
            self._tasks.discard(t)
            if call_id:
                self.runtime.settle(call_id, True)

        task.add_done_callback(done)

    def cut_all(self, error: NetError) -> None:
        """The network went away: every socket connecting or open fails or is cut with
        ``error`` (see :meth:`SocketConnection.cut`)."""
        for conn in list(self.connections.values()):
            conn.cut(error)

    def close_flow(self, flow_id: int, code: int = 1000, reason: str = "") -> bool:
        """Close the socket of a flow (from the GUI); the app sees its onClose."""
        for conn in self.connections.values():
            if conn.flow.id == flow_id and conn.flow.state is SocketState.OPEN:
                task = conn.close(code, reason)
                if task is not None:
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                return True
        return False

    async def close_all(self, timeout: float = 2.0) -> None:
        """The app is closing: close every socket (1001 going away), briefly waiting for the
        closing handshakes."""
        closing = [t for conn in list(self.connections.values())
                   if (t := conn.close(1001, "app closed")) is not None]
        runners = [c._runner for c in self.connections.values() if c._runner is not None]
        if closing or runners:
            await asyncio.wait([*closing, *runners], timeout=timeout)
        for task in runners:
            task.cancel()
