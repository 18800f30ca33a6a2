"""One app socket: its websockets connection, its flow, its queue of app events and of
frames to send.

Weak network (emulator/net/shaping): the opening handshake waits the profile's latency;
each frame, either way, is due when the emulated link has carried it plus the latency
(frames sent in a burst are pipelined, not queued one latency each); received frames wait
in a :class:`~emulator.net.shaping.frames.FrameSchedule` under a byte cap. Offline: a new
socket fails before connecting, and open ones are cut (onError, then onClose 1006).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from emulator.flows.events import (
    SocketClosed,
    SocketFailed,
    SocketFrameEvent,
    SocketOpened,
)
from emulator.flows.flow import SocketFlow, SocketState
from emulator.net.errors import R_EXECUTION_FAILED, Aborted, NetError
from emulator.net.shaping.frames import FrameSchedule
from emulator.runtime.bridge import WorkToken, wire_bytes
from emulator.swan.socket.delivery import DeliveringConnection
from emulator.swan.socket.failing import connection_failure, failure_reason
from emulator.swan.socket.frames import (
    ABNORMAL_CLOSURE,
    MAX_FRAME_BYTES,
    escape_lone_surrogates,
    more_buffered,
    write_now,
)
from emulator.swan.socket.handshake import handshake_error

if TYPE_CHECKING:
    from emulator.swan.socket.service import SocketService

log = logging.getLogger(__name__)

# Received bytes queued for JS before they are delivered even in the middle of a burst.
FLUSH_BYTES = 1024 * 1024
# Frames of one drain written together (SocketService.write_batches), at most.
BATCH_FRAMES = 128


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
        # Frames waiting for the writer (the transport was full, or a weak link holds
        # them until they are due): (call id, data, due), in the order the app sent them.
        self._sends: deque[tuple[int, str | bytes, float | None]] = deque()
        self._sends_added = asyncio.Event()
        # Frames the app sent in the drain being handled, written together after it
        # (SocketService.write_batches).
        self._batch: list[tuple[int, str | bytes]] = []
        self._schedule = FrameSchedule(MAX_FRAME_BYTES)  # received frames a weak link holds
        self._arriving = 0  # messages on their way into the schedule
        self._runner: asyncio.Task[None] | None = None
        self._token: WorkToken | None = None
        # The connection is gone and its writer with it; frames a weak link still holds
        # may yet reach the app (still OPEN to it), whose sends then fail.
        self._ended = False

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
            if isinstance(ws, DeliveringConnection):
                ws.receiver = self._deliver
                ws.received_all = self.service.flush
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
            # Open: the app may wait on the server for ever; nothing an action waits for.
            if self._token is not None:
                self._token.release()
                self._token = self.service.runtime.hold(quiet=True)
            writer = asyncio.create_task(self._write(ws), name=f"socket-{self.task_id}-send")
            try:
                async for message in ws:
                    if self._schedule.empty and (conditions is None
                                                 or conditions.profile is None):
                        self._received(ws, message)  # no weak link: no coroutine per frame
                    else:
                        await self._arrived(ws, message)
                    del message  # not kept while the next one arrives (up to 16 MiB each)
            except ConnectionClosed:
                pass
            finally:
                if isinstance(ws, DeliveringConnection):
                    ws.receiver = ws.received_all = None
                writer.cancel()
                self._ended = True
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
        # Until the schedule holds it (it may wait for room), a message parsed after it
        # must not be handed over ahead of it (_deliver).
        self._arriving += 1
        try:
            await self._schedule.hold(size, due, partial(self._received, ws, message))
        finally:
            self._arriving -= 1

    def _deliver(self, message: str | bytes) -> bool:
        """A message handed over as websockets parsed it (:class:`DeliveringConnection`,
        which flushes once the read's messages are all in); False when a weak link must
        hold it, which the queued path does."""
        conditions = self.service.conditions
        if self._arriving or not self._schedule.empty or (
                conditions is not None and conditions.profile is not None):
            return False
        self._queue_message(message, flush_soon=False)
        if self.service.pending_bytes >= FLUSH_BYTES:
            try:
                self.service.flush()
            except Exception:  # queued already: it must not take the other path too
                log.exception("socket %s: delivering messages failed", self.flow.url)
        return True

    def _received(self, ws: ClientConnection, message: str | bytes) -> None:
        self._queue_message(message)
        if not more_buffered(ws) or self.service.pending_bytes >= FLUSH_BYTES:
            # The burst is over (or big): deliver now, not a loop turn later.
            self.service.flush()

    def _queue_message(self, message: str | bytes, flush_soon: bool = True) -> None:
        flow = self.flow
        frame = flow.add_frame("receive", message)
        bus = self.service.bus
        if bus.wants(SocketFrameEvent):
            bus.publish(SocketFrameEvent(flow=flow, frame=frame))
        data = message if isinstance(message, str) else wire_bytes(message)
        self.service.pending_bytes += frame.size
        self.service.queue_event(self.task_id, "message", {"data": data},
                                 flush_soon=flush_soon)

    def _closed(self, ws: ClientConnection) -> None:
        flow = self.flow
        protocol = ws.protocol
        rcvd, sent = protocol.close_rcvd, protocol.close_sent
        failure = connection_failure(ws)
        if self.network_error is not None and failure is None:
            # The device lost its network: onError, then onClose 1006, as on a phone.
            flow.error = self.network_error
            flow.close_code, flow.close_reason, flow.closed_by = ABNORMAL_CLOSURE, "", "network"
            self._event("error", {"errMsg": self.network_error.reason})
        elif failure is not None and sent is not None:
            # We failed the connection on what the server sent: the code we closed with
            # (1009, 1007, 1002...) and a reason the app can act on, after an onError.
            reason = failure_reason(failure)
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
        # One writer per socket for frames that had to wait (the transport was busy, or
        # the weak link holds them): they leave in the order the app sent them, those
        # due by now together in one write, as many as the transport has room for.
        conditions = self.service.conditions
        sends = self._sends
        while True:
            while not sends:
                self._sends_added.clear()
                await self._sends_added.wait()
            call_id, data, due = sends[0]
            try:
                if due is not None and conditions is not None:
                    await conditions.sleep_until(due)
                run = [data]
                for _call, more, more_due in itertools.islice(sends, 1, None):
                    if more_due is not None:
                        break
                    run.append(more)
                written = write_now(ws, run)
                if not written:
                    await ws.send(data)  # waits for room; raises once the socket closed
                    written = 1
            except (ConnectionClosed, NetError):
                sends.popleft()
                self.service.fail(call_id, "send", "SocketTask.readyState is not OPEN")
                continue
            for _ in range(written):
                sent_id, sent, _due = sends.popleft()
                self._sent(sent_id, sent)

    def _queue_send(self, call_id: int, data: str | bytes, due: float | None) -> None:
        self._sends.append((call_id, data, due))
        self._sends_added.set()

    def _fail_queued(self) -> None:
        """Fail the sends still queued when the connection ended (never sent)."""
        while self._sends:
            call_id, _data, _due = self._sends.popleft()
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
        bus = self.service.bus
        if bus.wants(SocketFrameEvent):
            bus.publish(SocketFrameEvent(flow=self.flow, frame=frame))
        if call_id:
            self.service.runtime.settle(call_id, True)

    def send(self, call_id: int, data: str | bytes) -> bool:
        """Send a frame (now if the transport has room and nothing waits, else queued);
        False when the socket is not open."""
        ws = self.ws
        if self.flow.state is not SocketState.OPEN or ws is None or self._ended:
            return False  # (ended: queued, it would wait for a writer that is gone)
        conditions = self.service.conditions
        due = None
        if conditions is not None and conditions.profile is not None:
            size = len(data.encode()) if isinstance(data, str) else len(data)
            due = conditions.due("up", size, frame=True)
        if due is None and not self._sends:
            if not self._batch:
                self.service.batched(self)
            self._batch.append((call_id, data))
            if len(self._batch) >= BATCH_FRAMES:
                # A long burst starts leaving while the rest of its messages are handled:
                # the server works on the first frames meanwhile.
                self.write_batch()
        else:
            self._queue_send(call_id, data, due)
        return True

    def write_batch(self) -> None:
        """Write the frames sent in the last drain: as many as the transport has room for
        in one write, the rest queued for the writer, in the order the app sent them."""
        batch, self._batch = self._batch, []
        ws = self.ws
        try:
            written = write_now(ws, [data for _call, data in batch]) if ws is not None else 0
        except Exception:  # a bug or a library surprise: each send still gets its fail
            log.exception("socket %s: writing %d frames failed", self.flow.url, len(batch))
            for call_id, _data in batch:
                self.service.fail(call_id, "send", R_EXECUTION_FAILED)
            return
        for call_id, data in batch[written:]:
            self._queue_send(call_id, data, None)
        for call_id, data in batch[:written]:
            self._sent(call_id, data)

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
        while self._sends and self.flow.state is SocketState.CLOSING:
            await asyncio.sleep(0.005 if shaped else 0)
        await self.ws.close(code, reason)
