"""Flow objects: one per network exchange, filled in as it happens.

An :class:`HttpFlow` is created when the app calls the API (before the policy check), so a
refused request is a flow too. Its ``error`` is kept apart from its response: a 500 is a
response; a reset connection, a timeout or a refusal is an error.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from emulator.net.errors import NetError
    from emulator.net.policy import Verdict

DEFAULT_BODY_CAPTURE = 1024 * 1024
_ids = itertools.count(1)

Headers = list[tuple[str, str]]


def next_flow_id() -> int:
    """A process-wide increasing flow number (the log's "#")."""
    return next(_ids)


@dataclass
class Body:
    """A captured body: at most ``limit`` bytes kept; ``size`` counts them all."""

    limit: int = DEFAULT_BODY_CAPTURE
    data: bytearray = field(default_factory=bytearray)
    size: int = 0

    @classmethod
    def of(cls, data: bytes, limit: int = DEFAULT_BODY_CAPTURE) -> Body:
        """A body holding ``data`` (cut at ``limit``)."""
        body = cls(limit)
        body.append(data)
        return body

    def append(self, chunk: bytes) -> None:
        """Record a chunk; bytes past the limit are counted, not kept."""
        self.size += len(chunk)
        room = self.limit - len(self.data)
        if room > 0:
            self.data += chunk[:room]

    @property
    def truncated(self) -> bool:
        """Whether bytes were dropped."""
        return self.size > len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        """The kept bytes as text (undecodable bytes replaced)."""
        return bytes(self.data).decode(encoding, errors="replace")


def header(headers: Headers, name: str) -> str | None:
    """The first value of a header (names compared case-insensitively)."""
    lname = name.lower()
    return next((v for k, v in headers if k.lower() == lname), None)


@dataclass
class HttpRequest:
    """What was sent (or would have been, for a refused request)."""

    method: str
    url: str
    headers: Headers = field(default_factory=list)
    body: Body = field(default_factory=Body)


@dataclass
class HttpResponse:
    """What came back."""

    status: int
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: Headers = field(default_factory=list)
    body: Body = field(default_factory=Body)


class FlowState(str, Enum):
    """Where a flow is in its life."""

    QUEUED = "queued"  # waiting for a free slot (5 per domain, 64 per app)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ABORTED = "aborted"  # the app (or the user, from the GUI) called abort()

    @property
    def ended(self) -> bool:
        """Whether the flow is over."""
        return self in (FlowState.DONE, FlowState.FAILED, FlowState.ABORTED)


@dataclass
class Timings:
    """Wall-clock seconds; None until reached."""

    created: float = field(default_factory=time.time)
    sent: float | None = None  # left the queue, connection requested
    first_byte: float | None = None  # response headers in
    done: float | None = None

    @property
    def queued_s(self) -> float:
        """Time spent waiting for a slot."""
        end = self.sent if self.sent is not None else (self.done or self.created)
        return max(0.0, end - self.created)

    @property
    def total_s(self) -> float | None:
        """From the call to the end, or None while running."""
        return None if self.done is None else max(0.0, self.done - self.created)


@dataclass(eq=False)
class HttpFlow:
    """One request/response exchange made for an API call of the app."""

    api: str  # request, uploadFile, downloadFile
    request: HttpRequest
    verdict: Verdict
    id: int = field(default_factory=next_flow_id)
    response: HttpResponse | None = None
    error: NetError | None = None
    state: FlowState = FlowState.QUEUED
    timings: Timings = field(default_factory=Timings)
    connected_to: str | None = None  # host:port when a host mapping redirected the connection
    redirected_from: int | None = None  # id of the flow whose redirect led here
    host: str = ""  # the URL's host as the policy saw it (lower case, no trailing dot)
    mocked: str | None = None  # the mock rule (or "replay FILE#N") that answered, if one did
    replayed: int | None = None  # id of the flow this one sent again (Replay, Edit and resend)
    throttle: str | None = None  # the weak-network profile in force, or "offline" (None: off)

    @property
    def error_message(self) -> str | None:
        """The reason as the app's errMsg shows it (after "<api>:fail ")."""
        return self.error.reason if self.error else None


@dataclass(eq=False)
class TransferFlow(HttpFlow):
    """An uploadFile or downloadFile exchange, with its progress."""

    bytes_done: int = 0
    bytes_expected: int = 0  # 0 while unknown (a download without Content-Length)
    file: str = ""  # the app's virtual path (source of an upload, target of a download)

    @property
    def progress(self) -> int:
        """Integer percent; 0 while the size is unknown."""
        if self.state is FlowState.DONE:
            return 100
        if self.bytes_expected <= 0:
            return 0
        return min(100, self.bytes_done * 100 // self.bytes_expected)

    @property
    def rate(self) -> float:
        """Average bytes per second since the transfer started sending."""
        start = self.timings.sent
        if start is None:
            return 0.0
        end = self.timings.done or time.time()
        return self.bytes_done / max(end - start, 1e-6)


TEXT = 1
BINARY = 2
DEFAULT_MAX_FRAMES = 10_000
FRAME_CAPTURE = 64 * 1024  # bytes kept per frame (its size is always recorded)


class SocketFrame(NamedTuple):
    """One WebSocket message, either way. (A named tuple: one is made for every frame
    sent and received, in ~0.3 µs against a frozen dataclass's ~0.7, issue 14.)"""

    direction: str  # "send" (app -> server) or "receive"
    opcode: int  # 1 text, 2 binary
    data: bytes  # the first FRAME_CAPTURE bytes
    size: int
    timestamp: float

    @property
    def text(self) -> str:
        """The payload as text (binary frames decoded with replacement)."""
        return self.data.decode("utf-8", errors="replace")


class SocketState(str, Enum):
    """A socket's life, as ``readyState`` names it (plus failed)."""

    CONNECTING = "connecting"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"
    FAILED = "failed"  # refused, or the handshake failed: never opened


@dataclass(eq=False)
class SocketFlow:
    """One WebSocket connection and its frames (a bounded buffer: counts are kept when old
    frames are dropped)."""

    url: str
    verdict: Verdict
    id: int = field(default_factory=next_flow_id)
    api: str = "connectSocket"
    host: str = ""
    request_headers: Headers = field(default_factory=list)
    response_headers: Headers = field(default_factory=list)
    protocol: str | None = None
    state: SocketState = SocketState.CONNECTING
    error: NetError | None = None
    close_code: int | None = None
    close_reason: str = ""
    closed_by: str | None = None  # "client", "server" or "network"
    timings: Timings = field(default_factory=Timings)
    connected_to: str | None = None
    mocked: str | None = None  # the mock rule (or "replay FILE#N") serving this socket
    throttle: str | None = None  # the weak-network profile in force, or "offline" (None: off)
    max_frames: int = DEFAULT_MAX_FRAMES
    frames: deque[SocketFrame] = field(default_factory=deque)
    frames_sent: int = 0
    frames_received: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    frames_dropped: int = 0

    def add_frame(self, direction: str, data: bytes | str) -> SocketFrame:
        """Record a frame; the oldest is dropped (and counted) past ``max_frames``."""
        if isinstance(data, str):
            raw, opcode = data.encode("utf-8"), TEXT
        else:
            raw, opcode = bytes(data), BINARY
        frame = SocketFrame(direction, opcode, raw[:FRAME_CAPTURE], len(raw), time.time())
        if direction == "send":
            self.frames_sent += 1
            self.bytes_sent += len(raw)
        else:
            self.frames_received += 1
            self.bytes_received += len(raw)
        self.frames.append(frame)
        if len(self.frames) > self.max_frames:
            self.frames.popleft()
            self.frames_dropped += 1
        return frame

    @property
    def error_message(self) -> str | None:
        """The failure reason, as the app's errMsg shows it."""
        return self.error.reason if self.error else None
