"""HAR 1.2 export of the network log, as Chrome DevTools reads it (Network ▸ Import HAR).

:func:`make_har` is pure (flows in, dict out); :func:`write_har` writes it. A failed
exchange has status 0 and ``_error``; the policy verdict is in ``_policy``; a flow a mock
rule or a HAR replay answered names it in ``_mocked``; a request sent again from the
window (Replay, Edit and resend) names the flow it repeats in ``_replayed``; one made
under a weak-network profile (or offline) names it in ``_throttle``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from emulator import __version__
from emulator.flows.flow import TEXT, Body, Headers, HttpFlow, SocketFlow, header


def _headers(headers: Headers) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


def _ms(start: float | None, end: float | None) -> float:
    if start is None or end is None:
        return -1
    return round(max(0.0, end - start) * 1000, 3)


_TEXT_MIME = ("text/", "json", "javascript", "xml", "x-www-form-urlencoded")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def as_text(data: bytes, mime: str) -> str | None:
    """The body as text when it is text (by type, or by content when untyped), else None."""
    if mime and not any(t in mime.lower() for t in _TEXT_MIME):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else text


def _content(body: Body, mime: str) -> dict[str, Any]:
    out: dict[str, Any] = {"size": body.size, "mimeType": mime}
    data = bytes(body.data)
    text = as_text(data, mime)
    if text is not None:
        out["text"] = text
    else:
        out["text"] = base64.b64encode(data).decode("ascii")
        out["encoding"] = "base64"
    if body.truncated:
        out["comment"] = f"truncated: {len(data)} of {body.size} bytes kept"
    return out


def _cookies(headers: Headers, name: str) -> list[dict[str, str]]:
    out = []
    for k, v in headers:
        if k.lower() != name:
            continue
        parts = [v.split(";")[0]] if name == "set-cookie" else v.split(";")
        for part in parts:
            key, sep, value = part.strip().partition("=")
            if sep:
                out.append({"name": key, "value": value})
    return out


def entry(flow: HttpFlow) -> dict[str, Any]:
    """One HAR entry for one flow."""
    req = flow.request
    t = flow.timings
    request: dict[str, Any] = {
        "method": req.method,
        "url": req.url,
        "httpVersion": "HTTP/1.1",
        "cookies": _cookies(req.headers, "cookie"),
        "headers": _headers(req.headers),
        "queryString": [{"name": k, "value": v}
                        for k, v in parse_qsl(urlsplit(req.url).query, keep_blank_values=True)],
        "headersSize": -1,
        "bodySize": req.body.size,
    }
    if req.body.size:
        post = _content(req.body, header(req.headers, "content-type") or "")
        request["postData"] = {"mimeType": post["mimeType"], "text": post["text"]}
        if "encoding" in post:
            request["postData"]["_encoding"] = "base64"
    resp = flow.response
    if resp is not None:
        response: dict[str, Any] = {
            "status": resp.status,
            "statusText": resp.reason,
            "httpVersion": resp.http_version,
            "cookies": _cookies(resp.headers, "set-cookie"),
            "headers": _headers(resp.headers),
            "content": _content(resp.body, header(resp.headers, "content-type") or ""),
            "redirectURL": header(resp.headers, "location") or "",
            "headersSize": -1,
            "bodySize": resp.body.size,
        }
    else:
        response = {"status": 0, "statusText": "", "httpVersion": "", "cookies": [],
                    "headers": [], "content": {"size": 0, "mimeType": ""}, "redirectURL": "",
                    "headersSize": -1, "bodySize": -1}
    if flow.error is not None:
        response["_error"] = flow.error.reason
    blocked = round(t.queued_s * 1000, 3)
    # A call that failed before any response (a timeout, an abort, a refused connection)
    # waited from leaving the queue until it ended: that is its time, not 0.
    wait = _ms(t.sent, t.first_byte if t.first_byte is not None else t.done)
    receive = _ms(t.first_byte, t.done) if t.first_byte is not None else 0
    timings = {"blocked": blocked, "dns": -1, "connect": -1, "ssl": -1, "send": 0,
               "wait": max(wait, 0), "receive": max(receive, 0)}
    out = {
        "startedDateTime": _iso(t.created),
        "time": round(sum(v for v in timings.values() if v > 0), 3),
        "request": request,
        "response": response,
        "cache": {},
        "timings": timings,
        "_flowId": flow.id,
        "_api": flow.api,
        "_policy": {"verdict": flow.verdict.label, "reason": flow.verdict.reason},
        "_resourceType": "fetch",
    }
    if flow.connected_to:
        out["serverIPAddress"] = flow.connected_to.rsplit(":", 1)[0].strip("[]")
        out["_connectedTo"] = flow.connected_to
    if flow.redirected_from is not None:
        out["_redirectedFrom"] = flow.redirected_from
    if flow.mocked is not None:
        out["_mocked"] = flow.mocked
    if flow.replayed is not None:
        out["_replayed"] = flow.replayed
    if flow.throttle is not None:
        out["_throttle"] = flow.throttle
    return out


def socket_entry(flow: SocketFlow) -> dict[str, Any]:
    """A WebSocket as Chrome writes it: the handshake, and its frames in
    ``_webSocketMessages`` (binary payloads base64)."""
    t = flow.timings
    messages = []
    for frame in flow.frames:
        data = frame.text if frame.opcode == TEXT else base64.b64encode(frame.data).decode()
        messages.append({"type": frame.direction, "time": frame.timestamp,
                         "opcode": frame.opcode, "data": data})
    opened = flow.response_headers or flow.state.value in ("open", "closing", "closed")
    out: dict[str, Any] = {
        "startedDateTime": _iso(t.created),
        "time": _ms(t.created, t.first_byte) if t.first_byte else 0,
        "request": {
            "method": "GET", "url": flow.url, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": _headers(flow.request_headers),
            "queryString": [{"name": k, "value": v} for k, v in
                            parse_qsl(urlsplit(flow.url).query, keep_blank_values=True)],
            "headersSize": -1, "bodySize": 0,
        },
        "response": {
            "status": 101 if opened and flow.error is None else 0,
            "statusText": "Switching Protocols" if opened and flow.error is None else "",
            "httpVersion": "HTTP/1.1", "cookies": [], "headers": _headers(flow.response_headers),
            "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1,
            "bodySize": 0,
        },
        "cache": {},
        "timings": {"blocked": 0, "dns": -1, "connect": -1, "ssl": -1, "send": 0,
                    "wait": max(_ms(t.sent, t.first_byte), 0), "receive": 0},
        "_flowId": flow.id,
        "_api": flow.api,
        "_resourceType": "websocket",
        "_policy": {"verdict": flow.verdict.label, "reason": flow.verdict.reason},
        "_webSocketMessages": messages,
        "_webSocketClose": {"code": flow.close_code, "reason": flow.close_reason,
                            "by": flow.closed_by},
    }
    if flow.frames_dropped:
        out["_webSocketMessagesDropped"] = flow.frames_dropped
    if flow.error is not None:
        out["response"]["_error"] = flow.error.reason
    if flow.connected_to:
        out["_connectedTo"] = flow.connected_to
    if flow.mocked is not None:
        out["_mocked"] = flow.mocked
    if flow.throttle is not None:
        out["_throttle"] = flow.throttle
    return out


def make_har(flows: Iterable[HttpFlow | SocketFlow]) -> dict[str, Any]:
    """The HAR document for ``flows`` (in the order given)."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "swan-emulator", "version": __version__},
            "pages": [],
            "entries": [socket_entry(f) if isinstance(f, SocketFlow) else entry(f)
                        for f in flows],
        }
    }


def write_har(path: Path, flows: Iterable[HttpFlow | SocketFlow]) -> None:
    """Write the HAR file (UTF-8, indented)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(make_har(flows), ensure_ascii=False, indent=1), encoding="utf-8")
