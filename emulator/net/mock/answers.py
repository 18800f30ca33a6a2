"""HTTP answers of mock rules, served at the transport: the call still goes through
:class:`emulator.net.client.Network` (policy, caps, flow, redirects, body limits) and
through the API's own reading code (upload and download progress, sandbox files); only
the bytes come from here instead of a server (design.md, "Automation and the network
lab").

Kinds (``docs/mocking.md``):

- :class:`Respond`: status, headers, body (JSON, text, a file, a template), after
  ``delay``.
- :class:`Fail`: a failure the app sees exactly as the real one. Each kind raises what the
  real transport raises (an ``httpx`` exception, or the deadline expiring), translated at
  the one boundary, :mod:`emulator.net.errors`, into the platform's errCode/errMsg.
- :class:`Rewrite`: the real exchange, its status, headers or body patched.
"""

from __future__ import annotations

import asyncio
import copy
import errno
import json
import mimetypes
import os
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from emulator.net.errors import Aborted, PolicyRefused
from emulator.net.mock.rules import MockCall
from emulator.net.mock.templates import Template
from emulator.net.policy import R_NOT_LISTED

CHUNK = 64 * 1024  # a mocked body streams in pieces, so progress events flow as usual
MIN_CHUNK = 1024
FAILURES = ("timeout", "abort", "dns", "reset", "tls", "notInDomainList")
REWRITE_LIMIT = 10 * 1024 * 1024  # the most of a real body a rewrite reads and patches


@dataclass
class BodySpec:
    """A body: ``json`` (any JSON value), ``text``, ``file`` (a host path, already made
    absolute against the settings file), ``template`` (:mod:`templates`) or ``bytes``."""

    kind: str
    value: Any

    def __deepcopy__(self, memo: dict[int, Any]) -> BodySpec:
        """A template's copy (its fake data from the seed again, see ``Rule.for_run``);
        any other body is only ever read, so itself: a big inline JSON is not copied for
        every launch."""
        if self.kind == "template":
            return BodySpec(self.kind, copy.deepcopy(self.value, memo))
        return self

    def content_type(self) -> str | None:
        """The Content-Type this body implies (None: leave it to the headers)."""
        if self.kind in ("json", "template"):
            return "application/json; charset=utf-8"
        if self.kind == "text":
            return "text/plain; charset=utf-8"
        if self.kind == "file":
            return mimetypes.guess_type(str(self.value))[0] or "application/octet-stream"
        return None

    def render(self, call: MockCall | None) -> bytes | Path:
        """The bytes (a file is streamed from its path)."""
        if self.kind == "json":
            return json.dumps(self.value, ensure_ascii=False).encode()
        if self.kind == "template":
            template: Template = self.value
            return json.dumps(template.render(call), ensure_ascii=False).encode()
        if self.kind == "text":
            return str(self.value).encode()
        if self.kind == "file":
            return Path(self.value)
        return bytes(self.value)


def data_body(data: Any) -> BodySpec:
    """The body of a dynamic answer's ``data``: a string as text, bytes as bytes, any
    other value as JSON."""
    if isinstance(data, str):
        return BodySpec("text", data)
    if isinstance(data, (bytes, bytearray)):
        return BodySpec("bytes", bytes(data))
    return BodySpec("json", data)


class Chunks(httpx.AsyncByteStream):
    """A response body from memory or a file, in pieces of about a percent of it (at
    least :data:`MIN_CHUNK`, at most :data:`CHUNK`): progress moves one percent at a
    time, as uploads' bodies do (swan/transfer.py)."""

    def __init__(self, source: bytes | Path, length: int) -> None:
        self.source = source
        self.chunk = max(MIN_CHUNK, min(CHUNK, length // 100))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        step = self.chunk
        if isinstance(self.source, Path):
            with self.source.open("rb") as f:
                while data := f.read(step):
                    yield data
                    await asyncio.sleep(0)
            return
        for start in range(0, len(self.source), step):
            yield self.source[start:start + step]


def headers_with(headers: list[tuple[str, str]], body: BodySpec | None,
                 length: int) -> list[tuple[str, str]]:
    """``headers`` plus the body's Content-Type (unless given) and its Content-Length."""
    out = [(k, v) for k, v in headers if k.lower() not in ("content-length",
                                                           "transfer-encoding")]
    if body is not None and not any(k.lower() == "content-type" for k, _ in out):
        ctype = body.content_type()
        if ctype:
            out.append(("Content-Type", ctype))
    out.append(("Content-Length", str(length)))
    return out


def build_response(status: int, headers: list[tuple[str, str]], body: BodySpec | None,
                   call: MockCall | None) -> httpx.Response:
    """An httpx response as a transport returns it (raw, streamed)."""
    source: bytes | Path = body.render(call) if body is not None else b""
    length = source.stat().st_size if isinstance(source, Path) else len(source)
    return httpx.Response(status, headers=headers_with(headers, body, length),
                          stream=Chunks(source, length), extensions={"http_version": b"HTTP/1.1"})


async def drain(request: httpx.Request) -> None:
    """Read the request body as a server would (an upload's progress moves with it)."""
    stream = request.stream
    if isinstance(stream, httpx.AsyncByteStream):
        async for _chunk in stream:
            pass


async def hang() -> None:
    """Wait for ever: the call's own deadline (its networkTimeout) ends it as a real
    unanswered request ends, or the app aborts it."""
    await asyncio.Event().wait()


def raise_failure(kind: str) -> None:
    """Raise what the real transport raises for ``kind`` (not ``timeout``: see
    :func:`hang`); :func:`emulator.net.errors.from_httpx` words it for the app."""
    if kind == "abort":
        raise Aborted()
    if kind == "dns":
        raise httpx.ConnectError(str(socket.gaierror(socket.EAI_NONAME,
                                                     "Name or service not known")))
    if kind == "reset":
        raise httpx.ReadError(str(ConnectionResetError(errno.ECONNRESET,
                                                       os.strerror(errno.ECONNRESET))))
    if kind == "tls":
        raise httpx.ConnectError("certificate verify failed") from tls_error()
    if kind == "notInDomainList":
        raise PolicyRefused(R_NOT_LISTED)
    raise ValueError(f"unknown failure {kind!r}")


def tls_error() -> ssl.SSLCertVerificationError:
    """The certificate error of a server whose chain no trusted CA signed."""
    exc = ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
           "unable to get local issuer certificate")
    exc.verify_code = 20
    exc.verify_message = "unable to get local issuer certificate"
    return exc


@dataclass
class Respond:
    """A canned response."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: BodySpec | None = None
    kind: str = "respond"

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        await drain(request)
        return build_response(self.status, self.headers, self.body, call)


@dataclass
class Fail:
    """A failure of one of :data:`FAILURES`."""

    failure: str
    kind: str = "fail"

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        if self.failure == "timeout":
            await hang()
        raise_failure(self.failure)
        raise AssertionError("unreachable")


@dataclass
class Rewrite:
    """The real response with ``status``, ``headers`` (a value of None removes the
    header) and ``body`` replaced, and ``patch`` (``path -> value``, dotted paths into
    the JSON body) applied."""

    status: int | None = None
    headers: dict[str, str | None] = field(default_factory=dict)
    body: BodySpec | None = None
    patch: dict[str, Any] = field(default_factory=dict)
    kind: str = "rewrite"

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        real = await inner.handle_async_request(request)
        status = self.status or real.status_code
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in real.headers.raw]
        lowered = {k.lower() for k in self.headers}
        headers = [(k, v) for k, v in headers if k.lower() not in lowered]
        headers += [(k, v) for k, v in self.headers.items() if v is not None]
        if self.body is None and not self.patch:
            return httpx.Response(status, headers=headers, stream=real.stream,
                                  extensions=real.extensions)
        try:
            data = await _read_decoded(real)
        finally:
            await real.aclose()
        # The body is replaced by its decoded, patched form: the coding header goes.
        headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"]
        body = self.body
        if body is None:
            body = BodySpec("bytes", apply_patch(data, self.patch))
        elif self.patch and body.kind == "json":
            body = BodySpec("bytes", apply_patch(json.dumps(body.value).encode(), self.patch))
        return build_response(status, headers, body, call)


async def _read_decoded(response: httpx.Response) -> bytes:
    out = bytearray()
    async for piece in response.aiter_bytes():
        out += piece
        if len(out) > REWRITE_LIMIT:
            raise httpx.DecodingError("response too large to rewrite")
    return bytes(out)


def apply_patch(data: bytes, patch: dict[str, Any]) -> bytes:
    """``data`` (a JSON document) with each dotted path set to its value; a body that is
    not JSON is left as it is."""
    if not patch:
        return data
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return data
    for path, value in patch.items():
        doc = _set_path(doc, path.split("."), value)
    return json.dumps(doc, ensure_ascii=False).encode()


def _set_path(doc: Any, keys: list[str], value: Any) -> Any:
    if not keys:
        return value
    key, rest = keys[0], keys[1:]
    if isinstance(doc, list) and key.isdigit() and int(key) < len(doc):
        doc[int(key)] = _set_path(doc[int(key)], rest, value)
        return doc
    if not isinstance(doc, dict):
        doc = {}
    doc[key] = _set_path(doc.get(key), rest, value)
    return doc


class MockTransport(httpx.AsyncBaseTransport):
    """The transport of one mocked exchange: waits the rule's delay, then answers.
    ``inner`` is the real transport (for rewrites and pass-through)."""

    def __init__(self, answer: Any, call: MockCall, inner: httpx.AsyncBaseTransport,
                 delay_s: float = 0.0) -> None:
        self.answer = answer
        self.call = call
        self.inner = inner
        self.delay_s = delay_s

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.delay_s > 0:
            await asyncio.sleep(self.delay_s)
        response: httpx.Response = await self.answer.answer(self.call, request, self.inner)
        return response
