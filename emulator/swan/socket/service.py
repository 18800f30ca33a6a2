"""The socket service of one app: the bridge handlers for ``socket.connect``, ``socket.send``
and ``socket.close``, the app events batched into one entry into JS per loop turn, and
closing sockets from the GUI, the network and the app's end."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable
from typing import Any

from emulator import __version__
from emulator.flows.bus import EventBus
from emulator.flows.events import FlowStarted, SocketFailed
from emulator.flows.flow import SocketFlow, SocketState
from emulator.net.errors import ERR_ARGS, ERR_FAILED, NetError, Offline
from emulator.net.hosts import TLS_HANDSHAKE_NO_LIMIT, HostMap
from emulator.net.mock.lab import NetworkLab
from emulator.net.policy import DomainPolicy, canonical_url, refusal
from emulator.net.shaping.conditions import NetworkConditions
from emulator.runtime.bridge import Runtime, WorkToken, unwire_bytes
from emulator.swan.calls import guarded
from emulator.swan.request import request_headers
from emulator.swan.socket.connection import SocketConnection
from emulator.swan.socket.delivery import DeliveringConnection
from emulator.swan.socket.frames import (
    ABNORMAL_CLOSURE,
    MAX_FRAME_BYTES,
    R_TOO_BIG,
    escape_lone_surrogates,
    too_big,
    usv_text,
)
from emulator.swan.socket.handshake import NoRedirectConnect

MAX_SOCKETS = 5


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
        # The flush queued for the next loop turn (and the hold keeping the app busy until
        # it runs), or None: a burst's end flushes at once and takes both back.
        self._flush_handle: asyncio.Handle | None = None
        self._flush_token: WorkToken | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._batched: list[SocketConnection] = []
        runtime.after_messages(self.write_batches)
        runtime.register("socket.connect", guarded(runtime, "connectSocket", self._on_connect))
        runtime.register("socket.send", self._on_send)
        runtime.register("socket.close", self._on_close)

    # ---- app events, batched ------------------------------------------------------------
    def queue_event(self, task_id: int, kind: str, res: dict[str, Any], *,
                    flush_soon: bool = True) -> None:
        """Queue an event for the app; one entry into JS per loop turn carries them all.
        ``flush_soon=False``: the caller calls :meth:`flush` itself before it returns to
        the loop (a read's messages, see DeliveringConnection), so no flush is queued."""
        self._queue({"task": task_id, "type": kind, "res": res}, flush_soon)

    def _queue(self, event: dict[str, Any], flush_soon: bool = True) -> None:
        self._events.append(event)
        if flush_soon and self._flush_handle is None:
            self._flush_token = self.runtime.hold()
            self._flush_handle = self.runtime.loop.call_soon(self.flush)

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

    def flush(self) -> None:
        """Deliver the queued events now (one entry into JS)."""
        handle, token = self._flush_handle, self._flush_token
        self._flush_handle = self._flush_token = None
        if handle is not None:
            handle.cancel()  # a no-op once it is the handle running
        events, self._events = self._events, []
        self.pending_bytes = 0
        try:
            self._enter(events)
        finally:
            if token is not None:
                token.release()

    def _enter(self, events: list[dict[str, Any]]) -> None:
        """Enter the events in order: each run of text messages of one socket as one plain
        string joined by "\\x01" (no JSON made here and parsed in JS), the rest (other
        events, binary, a text holding "\\x01" or a lone surrogate) as JSON."""
        start = 0
        while start < len(events):
            task = events[start]["task"]
            end = start
            while end < len(events) and _plain_text(events[end], task):
                end += 1
            if end > start:
                texts = "\x01".join([e["res"]["data"] for e in events[start:end]])
                if not self.runtime.enter_plain("socketMessages", task, texts):
                    self.runtime.enter("socketEvents", events[start:end])
            else:
                while end < len(events) and not _plain_text(events[end], events[end]["task"]):
                    end += 1
                self.runtime.enter("socketEvents", events[start:end])
            start = end

    def batched(self, conn: SocketConnection) -> None:
        """``conn`` holds frames to write once the drain's messages are handled."""
        self._batched.append(conn)

    def write_batches(self) -> None:
        """Write the frames each socket was sent in the drain just handled (one write per
        socket, however many frames)."""
        batched, self._batched = self._batched, []
        for conn in batched:
            conn.write_batch()

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
            # open_timeout (the app's networkTimeout) bounds the handshake, not asyncio.
            kwargs["ssl_handshake_timeout"] = TLS_HANDSHAKE_NO_LIMIT
        if target is not None:
            kwargs["host"], kwargs["port"] = target.host, target.port

        def connect() -> Any:
            flow.timings.sent = time.time()
            return NoRedirectConnect(
                url, additional_headers=headers, subprotocols=protocols or None,  # type: ignore[arg-type]
                open_timeout=self.timeout_s, max_size=MAX_FRAME_BYTES, proxy=None,
                create_connection=DeliveringConnection,
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


def _plain_text(event: dict[str, Any], task: int) -> bool:
    """Whether ``event`` is a text message of socket ``task`` that can cross joined."""
    if event["type"] != "message" or event["task"] != task:
        return False
    data = event["res"]["data"]
    return isinstance(data, str) and "\x01" not in data
