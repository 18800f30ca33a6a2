"""HAR replay (issue 13 part 4): the app's calls answered from a recorded HAR 1.2 file,
ours (``--har``) or Chrome's (Network ▸ Export HAR).

An HTTP call takes the first entry not yet used with its method and URL (the fragment
ignored); when several are left and the call has a body, the first whose recorded body is
the same wins, so a run that repeats a request gets the recorded answers in recorded
order. An entry recorded as a failure (status 0 and ``_error``) fails the same way: its
reason is the app's errMsg again; ``timeout`` and ``abort`` wait, as they did, for the
call's deadline or the app's abort. Unmatched calls fail with a reason naming the file
(``unmatched: "fail"``), or go to the network (``"pass"``).

A WebSocket entry (``_webSocketMessages``) is served by a scripted server
(:mod:`emulator.net.mock.sockets`): the server's frames in order, each after the app has
sent as many frames as had been sent before it in the recording, and after the recorded
gap since the frame before it; then the recorded close by the server, if there was one.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.errors import ConfigError
from emulator.net.errors import Aborted, NetError, Timeout

if TYPE_CHECKING:
    import httpx
    from websockets.asyncio.server import ServerConnection

    from emulator.config import ReplaySettings
    from emulator.net.mock.rules import MockCall

# Headers that described the recorded bytes on the wire, not the decoded body kept.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")
MAX_GAP_S = 30.0  # a recording's long pause is not waited out in full
UNSENDABLE_CODES = (1005, 1006, 1015)  # RFC 6455 §7.4.1: never in a close frame


def _body(content: dict[str, Any]) -> bytes:
    text = content.get("text") or ""
    if content.get("encoding") == "base64" or content.get("_encoding") == "base64":
        try:
            return base64.b64decode(text)
        except ValueError:
            return text.encode()
    return text.encode()


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@dataclass(eq=False)
class HttpEntry:
    """One recorded exchange."""

    index: int
    method: str
    url: str
    request_body: bytes
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    error: str | None
    used: bool = False
    kind: str = "replay"

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        # Imported here, as websockets' below: reading a HAR (the settings check, the
        # app's start) needs neither httpx nor websockets (~60 ms to import).
        from emulator.net.mock.answers import BodySpec, build_response, drain, hang

        await drain(request)
        if self.error is not None:
            if self.error in ("timeout", "abort"):
                await hang()  # the call's deadline or the app's abort ends it, as before
                raise Timeout() if self.error == "timeout" else Aborted()
            raise NetError(self.error)
        headers = [(k, v) for k, v in self.headers if k.lower() not in _WIRE_HEADERS]
        return build_response(self.status, headers, BodySpec("bytes", self.body), call)


@dataclass
class Frame:
    """A server frame to replay: after ``after_sends`` app frames and ``gap_s``."""

    data: str | bytes
    after_sends: int
    gap_s: float


@dataclass(eq=False)
class SocketEntry:
    """One recorded WebSocket: the server's frames and its close."""

    index: int
    url: str
    frames: list[Frame] = field(default_factory=list)
    close: tuple[int, str] | None = None  # the server's close, when it closed
    used: bool = False
    kind: str = "replay"

    async def serve(self, conn: ServerConnection) -> None:
        """Replay the server's side on one connection."""
        from websockets.exceptions import ConnectionClosed

        received = 0
        arrived = asyncio.Event()

        async def count() -> None:
            nonlocal received
            async for _message in conn:
                received += 1
                arrived.set()

        counter = asyncio.create_task(count())
        loop = asyncio.get_running_loop()
        last = loop.time()
        try:
            for frame in self.frames:
                while received < frame.after_sends:
                    arrived.clear()
                    await arrived.wait()
                    last = loop.time()
                wait = frame.gap_s - (loop.time() - last)
                if wait > 0:
                    await asyncio.sleep(wait)
                await conn.send(frame.data)
                last = loop.time()
            if self.close is not None and self.close[0] in UNSENDABLE_CODES:
                conn.transport.abort()  # recorded as a broken connection: break it again
            elif self.close is not None:
                await conn.close(*self.close)
            else:
                await counter
        except ConnectionClosed:
            pass
        finally:
            counter.cancel()


class HarReplay:
    """The entries of one HAR file, consumed as calls match them."""

    def __init__(self, settings: ReplaySettings) -> None:
        self.settings = settings
        self.label = f"replay {settings.file.name}"
        self.http: list[HttpEntry] = []
        self.sockets: list[SocketEntry] = []
        self._load(settings.file)

    def _load(self, path: Path) -> None:
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
            entries = doc["log"]["entries"]
            if not isinstance(entries, list):
                raise TypeError
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the HAR file ({exc.strerror})") from None
        except ValueError as exc:
            raise ConfigError(f"{path}: not a HAR file (invalid JSON: {exc})") from None
        except (KeyError, TypeError):
            raise ConfigError(f"{path}: not a HAR file (no log.entries list)") from None
        for i, item in enumerate(entries):
            try:
                if "_webSocketMessages" in item or item.get("_resourceType") == "websocket":
                    self.sockets.append(_socket_entry(i, item))
                else:
                    self.http.append(_http_entry(i, item))
            except (KeyError, TypeError, ValueError, AttributeError):
                raise ConfigError(f"{path}: entry {i} is not a HAR entry") from None

    def http_answer(self, call: MockCall) -> HttpEntry | None:
        """The recorded exchange for ``call`` (then used), or None."""
        url = _strip_fragment(call.url)
        left = [e for e in self.http if not e.used and e.method == call.method.upper()
                and _strip_fragment(e.url) == url]
        if not left:
            return None
        chosen = left[0]
        if len(left) > 1 and call.body:
            chosen = next((e for e in left if e.request_body == call.body), chosen)
        chosen.used = True
        return chosen

    def socket_answer(self, url: str) -> SocketEntry | None:
        """The recorded WebSocket for ``url`` (then used), or None."""
        url = _strip_fragment(url)
        for entry in self.sockets:
            if not entry.used and _strip_fragment(entry.url) == url:
                entry.used = True
                return entry
        return None

    def unmatched(self, what: str) -> NetError:
        """The failure of a call the recording does not have."""
        return NetError(f"not in the replayed HAR {self.settings.file.name}: {what}")


def _http_entry(index: int, item: dict[str, Any]) -> HttpEntry:
    req, resp = item["request"], item["response"]
    post = req.get("postData") or {}
    status = int(resp.get("status") or 0)
    error = resp.get("_error")
    if status == 0 and error is None:
        error = "network error"  # Chrome's record of a failed request
    return HttpEntry(
        index=index, method=str(req["method"]).upper(), url=str(req["url"]),
        request_body=_body(post) if post else b"", status=status,
        headers=[(str(h["name"]), str(h["value"])) for h in resp.get("headers", [])],
        body=_body(resp.get("content") or {}), error=str(error) if status == 0 else None)


def _socket_entry(index: int, item: dict[str, Any]) -> SocketEntry:
    entry = SocketEntry(index, str(item["request"]["url"]))
    sends = 0
    last: float | None = None
    for message in item.get("_webSocketMessages") or []:
        at = float(message.get("time", 0))
        gap = 0.0 if last is None else min(MAX_GAP_S, max(0.0, at - last))
        last = at
        if message.get("type") == "send":
            sends += 1
            continue
        data: str | bytes = str(message.get("data", ""))
        if message.get("opcode") == 2:
            data = base64.b64decode(data)
        entry.frames.append(Frame(data, sends, gap))
    close = item.get("_webSocketClose") or {}
    if close.get("by") == "server" and close.get("code") is not None:
        entry.close = (int(close["code"]), str(close.get("reason") or ""))
    return entry
