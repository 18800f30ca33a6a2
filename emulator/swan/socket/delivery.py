"""Handing each whole message to the app's socket as soon as websockets has parsed it.

websockets queues a parsed message in its assembler and wakes the task awaiting ``recv()``:
a future, a loop turn and a task step between the bytes read and the app's onMessage,
per message. A ping-pong pays that on every round trip. :class:`DeliveringConnection`
hands over a whole message (one frame, ``fin`` set) in the ``data_received`` callback that
parsed it, and tells the receiver once the callback's messages are all handed over (one
entry into JS for them together). Anything else takes websockets' own path: fragments, a
message that arrives while others still wait in the assembler (it would overtake them),
text that is not UTF-8 (``recv()`` fails the connection with 1007, as before), or a message
the receiver declines (a weak link holds it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from websockets.frames import Frame, Opcode
from websockets.protocol import Event

from emulator.swan.socket.failing import HangUpConnection

log = logging.getLogger(__name__)

Receiver = Callable[[str | bytes], bool]
"""``receiver(message) -> taken``: False leaves the message to websockets' queue."""


class DeliveringConnection(HangUpConnection):
    """websockets' client connection (hanging up after a failure, see
    :class:`HangUpConnection`) that hands whole messages to :attr:`receiver` as they are
    parsed and calls :attr:`received_all` after the read that carried them."""

    receiver: Receiver | None = None
    received_all: Callable[[], None] | None = None
    _taken = False

    def process_event(self, event: Event) -> None:
        """Hand a whole message over now if nothing waits before it; else queue it."""
        receiver = self.receiver
        if (receiver is not None and type(event) is Frame and event.fin
                and (event.opcode is Opcode.TEXT or event.opcode is Opcode.BINARY)
                and not len(self.recv_messages.frames)):
            message = self._message(event)
            if message is not None:
                try:
                    taken = receiver(message)
                except Exception:  # a bug: the message still reaches the app, queued
                    log.exception("socket: handing a message over failed")
                    taken = False
                if taken:
                    self._taken = True
                    return
        super().process_event(event)

    @staticmethod
    def _message(frame: Frame) -> str | bytes | None:
        if frame.opcode is Opcode.BINARY:
            return bytes(frame.data)
        try:
            return frame.data.decode()
        except UnicodeDecodeError:
            return None  # queued: recv() fails the connection with 1007

    def data_received(self, data: bytes) -> None:
        """Parse what was read (websockets); then tell the receiver it has it all (the
        receiver queues without flushing: this is its flush, whatever happened)."""
        try:
            super().data_received(data)
        finally:
            if self._taken:
                self._taken = False
                if self.received_all is not None:
                    try:
                        self.received_all()
                    except Exception:
                        log.exception("socket: delivering messages failed")
