"""The demo backend's routes: small endpoints that show each network API off."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import quote

from emulator.devserver.http import DropConnection, Request, Response
from emulator.devserver.multipart import boundary_of, read_multipart

Route = Callable[[Request, re.Match[str]], Awaitable[Response]]
MAX_DELAY_MS = 120_000
MAX_BINARY = 64 * 1024 * 1024


def json_response(data: Any, status: int = 200,
                  headers: list[tuple[str, str]] | None = None) -> Response:
    """A JSON body (UTF-8, not ASCII-escaped)."""
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(status, [("Content-Type", "application/json; charset=utf-8"),
                             *(headers or [])], body)


def _query_dict(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in request.query:
        if k in out:
            out[k] = [*out[k], v] if isinstance(out[k], list) else [out[k], v]
        else:
            out[k] = v
    return out


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value))) if value is not None else default
    except ValueError:
        return default


async def echo(request: Request, _m: re.Match[str]) -> Response:
    """The request as the server saw it: method, path, query, headers, body."""
    body = await request.read()
    text = body.decode("utf-8", errors="replace")
    parsed: Any = None
    if "json" in (request.header("content-type") or ""):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    return json_response({
        "method": request.method,
        "path": request.path,
        "query": _query_dict(request),
        "headers": {k.lower(): v for k, v in request.headers},
        "body": text,
        "bodySize": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "json": parsed,
    })


async def sample_json(_r: Request, _m: re.Match[str]) -> Response:
    """A fixed JSON document."""
    return json_response({"name": "swan-emulator", "items": [1, 2, 3], "中文": "你好"})


async def text(_r: Request, _m: re.Match[str]) -> Response:
    """Plain text that is not JSON (dataType json falls back to the string)."""
    return Response(200, [("Content-Type", "text/plain; charset=utf-8")],
                    "hello from the demo backend, 你好".encode())


async def binary(request: Request, _m: re.Match[str]) -> Response:
    """``size`` bytes counting 0..255 over and over."""
    size = _int(dict(request.query).get("size"), 256, 0, MAX_BINARY)
    return Response(200, [("Content-Type", "application/octet-stream")],
                    bytes(i % 256 for i in range(size)))


async def delay(request: Request, m: re.Match[str]) -> Response:
    """Answer after ``ms`` milliseconds."""
    ms = _int(m.group(1), 0, 0, MAX_DELAY_MS)
    await asyncio.sleep(ms / 1000)
    return json_response({"delayedMs": ms})


async def status(request: Request, m: re.Match[str]) -> Response:
    """Any status code, with a JSON body saying which."""
    code = _int(m.group(1), 200, 200, 599)
    return json_response({"status": code, "message": f"this is an HTTP {code}"}, code)


async def redirect(request: Request, m: re.Match[str]) -> Response:
    """``/redirect?to=URL&status=302``, or the named cases ``allowed`` / ``refused``."""
    q = dict(request.query)
    named = m.group(1)
    if named == "allowed":
        location = "/echo?redirected=1"
    elif named == "refused":
        location = "https://refused.demo.invalid/landing"
    else:
        location = q.get("to", "/echo")
    code = _int(q.get("status"), 302, 300, 308)
    return Response(code, [("Location", location)], b"")


async def set_cookies(request: Request, _m: re.Match[str]) -> Response:
    """One Set-Cookie header per query parameter (percent-encoded where a header cannot
    carry the text as it is: RFC 6265 cookie values are ASCII)."""
    headers = [("Set-Cookie", f"{quote(k, safe='')}={quote(v, safe='')}; Path=/; HttpOnly")
               for k, v in request.query]
    return json_response({"set": dict(request.query)}, headers=headers)


async def cookies(request: Request, _m: re.Match[str]) -> Response:
    """The Cookie header the client sent."""
    return json_response({"cookie": request.header("cookie")})


async def drop(_r: Request, _m: re.Match[str]) -> Response:
    """Headers, part of the body, then the connection is cut."""

    async def body() -> AsyncIterator[bytes]:
        yield b'{"partial": '
        await asyncio.sleep(0.01)
        raise DropConnection()

    return Response(200, [("Content-Type", "application/json"), ("Content-Length", "1000")],
                    body())


DOWNLOAD_BLOCK = bytes((i * 7 + 3) % 256 for i in range(64 * 1024))
MAX_DOWNLOAD = 4 * 1024 * 1024 * 1024


def download_bytes(size: int) -> bytes:
    """The exact content /download/<size> serves (for checks): a repeating 64 KiB block."""
    whole, rest = divmod(size, len(DOWNLOAD_BLOCK))
    return DOWNLOAD_BLOCK * whole + DOWNLOAD_BLOCK[:rest]


async def upload(request: Request, _m: re.Match[str]) -> Response:
    """A multipart upload: field names and values, each file's name, size and sha256."""
    boundary = boundary_of(request.header("content-type"))
    if boundary is None:
        body = await request.read()
        return json_response({"error": "expected multipart/form-data", "bodySize": len(body)},
                             400)
    received = await read_multipart(request.stream(), boundary)
    return json_response({"fields": received.fields,
                          "files": [f.summary() for f in received.files]})


async def download(request: Request, m: re.Match[str]) -> Response:
    """``/download/<bytes>``: that many bytes; ``?chunked=1`` without Content-Length;
    ``?slow=1`` paced (~2 s in all, to watch progress); ``?name=`` a Content-Disposition."""
    size = _int(m.group(1), 0, 0, MAX_DOWNLOAD)
    q = dict(request.query)
    slow = q.get("slow") == "1"
    step = len(DOWNLOAD_BLOCK)
    pause = 2.0 / max(1, size // step) if slow else 0.0

    async def body() -> AsyncIterator[bytes]:
        sent = 0
        while sent < size:
            n = min(step, size - sent)
            yield DOWNLOAD_BLOCK if n == step else DOWNLOAD_BLOCK[:n]
            sent += n
            if pause:
                await asyncio.sleep(min(pause, 0.2))

    headers = [("Content-Type", q.get("type", "application/octet-stream"))]
    if q.get("chunked") != "1":
        headers.append(("Content-Length", str(size)))
    if "name" in q:
        headers.append(("Content-Disposition", f'attachment; filename="{q["name"]}"'))
    return Response(200, headers, body())


async def index(_r: Request, _m: re.Match[str]) -> Response:
    """What this backend offers."""
    lines = [f"{pattern}  {fn.__doc__ or ''}" for pattern, fn in ROUTES]
    return Response(200, [("Content-Type", "text/plain; charset=utf-8")],
                    ("swan-emulator demo backend\n\n" + "\n".join(lines)).encode())


ROUTES: list[tuple[str, Route]] = [
    (r"/echo", echo),
    (r"/json", sample_json),
    (r"/text", text),
    (r"/binary", binary),
    (r"/delay/(\d+)", delay),
    (r"/status/(\d+)", status),
    (r"/redirect(?:/(allowed|refused))?", redirect),
    (r"/cookies/set", set_cookies),
    (r"/cookies", cookies),
    (r"/drop", drop),
    (r"/upload", upload),
    (r"/download/(\d+)", download),
    (r"/", index),
]
_COMPILED = [(re.compile(p + r"/?$"), fn) for p, fn in ROUTES]


async def handle(request: Request) -> Response:
    """Dispatch a request to its route (404 when none matches)."""
    for pattern, fn in _COMPILED:
        m = pattern.match(request.path)
        if m:
            return await fn(request, m)
    return json_response({"error": "not found", "path": request.path}, 404)
