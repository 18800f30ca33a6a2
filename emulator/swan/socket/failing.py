"""Failing the connection on what a (perhaps hostile) server sent.

Frames: each message from the server is counted against
:data:`~emulator.swan.socket.frames.MAX_FRAME_BYTES` as its frames arrive (websockets checks
every frame header against what is left), so a too-large message is refused before its
payload is read. A message over the cap, a text message that is not UTF-8, or a frame that
breaks the protocol fails the connection (RFC 6455 §7.1.7, close codes §7.4.1: 1009, 1007,
1002): the app gets onError and then onClose with that code and a reason in our words, and
our side of TCP is closed at once (the whole connection after a short grace) rather than
left to a server that may never close it.
"""

from __future__ import annotations

import asyncio
import contextlib

import websockets.exceptions as wse
from websockets.asyncio.client import ClientConnection

from emulator.net.errors import from_websockets
from emulator.swan.socket.frames import R_NOT_UTF8, R_TOO_BIG

# How long a connection we failed waits for the close frame to leave before it is cut.
HANGUP_GRACE_S = 1.0


def connection_failure(ws: ClientConnection) -> BaseException | None:
    """Why websockets failed the connection (RFC 6455 §7.1.7) on what it received: a
    message over the cap, a text message that is not UTF-8, a frame breaking the protocol.
    None for a clean close, a network drop or the app's own close."""
    exc = getattr(ws.protocol, "parser_exc", None)
    if exc is None or isinstance(exc, EOFError):
        exc = ws.connection_exc
    if isinstance(exc, (UnicodeDecodeError, wse.WebSocketException)):
        return exc
    return None


def failure_reason(exc: BaseException) -> str:
    """The reason the app reads for a connection failed by :func:`connection_failure`."""
    if isinstance(exc, UnicodeDecodeError):
        return R_NOT_UTF8
    if isinstance(exc, wse.PayloadTooBig) or type(exc).__name__ == "TooManyFragments":
        return R_TOO_BIG
    return from_websockets(exc).reason


class HangUpConnection(ClientConnection):
    """websockets' client connection, hanging up soon after it has failed the connection.

    websockets sends the close frame and then waits up to ``close_timeout`` for the server
    to close TCP (or forever, when nothing is reading or writing); RFC 6455 §7.1.7 lets the
    endpoint that fails the connection close it itself, and a hostile server never will.
    So: the close frame, then our half of TCP closed (FIN: the frame is not lost to a reset
    while the server is still sending), then the connection cut after a short grace.
    """

    _hangup: asyncio.TimerHandle | None = None

    def send_data(self) -> None:
        """Write what the protocol has to send; after a failure, start hanging up.

        The frames go in one ``writelines`` (one pass through TLS, one system call) where
        websockets writes each on its own: a burst of small frames costs one write. An
        empty chunk means half-close, as in websockets' own ``send_data``."""
        transport = self.transport
        pending: list[bytes] = []
        for data in self.protocol.data_to_send():
            if data:
                pending.append(data)
                continue
            if pending:
                transport.writelines(pending)
                pending = []
            if transport.can_write_eof():
                with contextlib.suppress(Exception):  # as websockets: undocumented raises
                    transport.write_eof()
            else:
                transport.close()
        if pending:
            transport.writelines(pending)
        if self._hangup is None and connection_failure(self) is not None:
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

