"""What a WebSocket frame may be: the size cap either way, the close code of a connection
lost, text as a frame can carry it and as the bridge can, and writing a frame at once when
the transport has room."""

from __future__ import annotations

import re
from collections.abc import Sequence

from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

WRITE_BUFFER_HIGH = 64 * 1024
# The largest message either way (choice): 16 MiB, the most Android's OkHttp queues for one
# WebSocket (RealWebSocket.MAX_QUEUE_SIZE); it also leaves room in the JS heap (256 MB by
# default) for the message's string or ArrayBuffer. Keep in step with prelude/socket.js.
MAX_FRAME_BYTES = 16 * 1024 * 1024
FRAME_LIMIT_TEXT = "16 MiB"
ABNORMAL_CLOSURE = 1006

R_TOO_BIG = f"message too big (limit {FRAME_LIMIT_TEXT})"
R_NOT_UTF8 = "invalid UTF-8 in a text message"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def more_buffered(ws: ClientConnection) -> bool:
    """Whether websockets already holds another received frame (a burst is arriving)."""
    frames = getattr(getattr(ws, "recv_messages", None), "frames", None)
    try:
        return frames is not None and len(frames) > 0
    except TypeError:
        return False


def write_now(ws: ClientConnection, frames: Sequence[str | bytes]) -> int:
    """Write the leading frames of ``frames`` without a task switch while the transport
    has room (what ``ws.send`` does before it awaits the drain), all in one write; return
    how many were written. The rest (buffer full, state not open) must go through the
    awaiting path."""
    transport = ws.transport
    if ws.protocol.state is not State.OPEN or transport.is_closing():
        return 0
    room = WRITE_BUFFER_HIGH - transport.get_write_buffer_size()
    written = 0
    for data in frames:
        if room < 0:
            break
        if isinstance(data, str):
            payload = data.encode()
            ws.protocol.send_text(payload)
        else:
            payload = data
            ws.protocol.send_binary(payload)
        room -= len(payload)
        written += 1
    if written:
        ws.send_data()
    return written


def usv_text(text: str) -> str:
    """``text`` as a WebSocket text frame can carry it: a lone surrogate (a JS string may
    hold one) becomes U+FFFD, as a browser's ``send`` makes it (WebIDL USVString)."""
    if text.isascii():  # the common case, known without a scan
        return text
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

