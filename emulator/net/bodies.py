"""Response bodies read under a cap that is counted as the bytes flow.

httpx decodes ``Content-Encoding`` one network chunk at a time and all of it at once
(``Response.aiter_bytes``): 13 KB of ``gzip, gzip`` became gigabytes in a single call,
long before any cap could look at it. Here the raw bytes come from ``aiter_raw()``, each
coding is undone by a decoder that hands out at most :data:`STEP` bytes per call (zlib's
``max_length`` / ``unconsumed_tail``), the stages are chained lazily, and both counts --
raw bytes off the wire and decoded bytes -- are checked against the limit after every
step. Nothing larger than a few steps ever exists besides what the caller keeps, whatever
the server sends.

Codings undone: ``gzip``/``x-gzip`` (several members, RFC 1952 §2.2), ``deflate`` (zlib
or raw, as httpx and browsers accept), ``identity``. Any other coding is left as is, as
httpx leaves a coding it has no decoder for; the client only offers ``gzip, deflate``
(:data:`ACCEPT_ENCODING`).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager

import httpx

from emulator.net.errors import NetError, ProtocolFailed, SizeLimitExceeded

RESPONSE_LIMIT = 64 * 1024 * 1024  # request's and uploadFile's response body, raw and decoded
IN_FLIGHT_LIMIT = 256 * 1024 * 1024  # response bodies held in memory by one app's calls
R_IN_FLIGHT = f"response bodies in flight exceed {IN_FLIGHT_LIMIT // (1024 * 1024)} MB"
STEP = 64 * 1024  # the most any decoder stage hands out at once
YIELD_EVERY = 16  # decoded steps between two turns of the event loop (a bomb is CPU work)
ACCEPT_ENCODING = "gzip, deflate"

_GZIP_MAGIC = b"\x1f\x8b"


class _Inflate:
    """One zlib stream (gzip or deflate) undone in steps of at most :data:`STEP` bytes."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._raw = False  # deflate sent without its zlib header (RFC 1950), as some do
        self._head: bytes | None = None if gzip else b""  # deflate: its first two bytes
        self._between = False  # a gzip member ended; another may follow
        self._pending = b""  # the first byte of what may be the next member's magic
        self._done = False
        self._d = self._new()

    def _new(self) -> zlib._Decompress:
        if self._gzip:
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded bytes for ``data``, in pieces of at most STEP bytes, lazily."""
        if self._pending:
            data, self._pending = self._pending + data, b""
        if self._head is not None:
            data = self._head + data
            if len(data) < 2:
                self._head = data  # RFC 1950's header is two bytes: wait for the second
                return
            self._head = None
            cmf, flg = data[0], data[1]
            # A zlib header: method 8 (deflate) and CMF*256+FLG a multiple of 31. Anything
            # else is raw deflate (RFC 1951), which servers send as "deflate" too.
            self._raw = not ((cmf & 0x0F) == 8 and (cmf * 256 + flg) % 31 == 0)
            self._d = self._new()
        while data and not self._done:
            if self._between:
                if len(data) < 2 and data == _GZIP_MAGIC[:1]:
                    self._pending = data  # decided by the next chunk
                    return
                if data[:2] != _GZIP_MAGIC:
                    self._done = True  # what follows the last member is ignored
                    return
                self._between = False
                self._d = self._new()  # the next member
            out = self._d.decompress(data, STEP)
            data = self._d.unconsumed_tail
            if out:
                yield out
            while not data and len(out) == STEP and not self._d.eof:
                out = self._d.decompress(b"", STEP)  # output zlib still holds
                if out:
                    yield out
            if self._d.eof:
                data = self._d.unused_data + data
                if self._gzip:
                    self._between = True
                else:
                    self._done = True  # what follows the stream is ignored (counted raw)


def codings(response: httpx.Response) -> list[str]:
    """The response's content codings, in the order the server applied them."""
    out: list[str] = []
    for value in response.headers.get_list("content-encoding"):
        out += [c.strip().lower() for c in value.split(",") if c.strip()]
    return out


def _stages(names: list[str]) -> list[_Inflate]:
    stages: list[_Inflate] = []
    for name in reversed(names):  # the last coding applied is undone first
        if name in ("gzip", "x-gzip"):
            stages.append(_Inflate(gzip=True))
        elif name == "deflate":
            stages.append(_Inflate(gzip=False))
        # identity, and codings we do not decode (left as sent, as httpx does)
    return stages


def _through(stages: list[_Inflate], data: bytes) -> Iterator[bytes]:
    if not stages:
        if data:
            yield data
        return
    first, rest = stages[0], stages[1:]
    for piece in first.feed(data):
        yield from _through(rest, piece)


async def read_body(response: httpx.Response, limit: int,
                    too_large: Callable[[str], NetError]) -> AsyncIterator[bytes]:
    """The decoded body of ``response`` in pieces of at most STEP bytes.

    Raw and decoded bytes are each counted against ``limit``; past it, the error
    ``too_large(what)`` is raised at once (``what``: ``"decoded"``, ``"raw"`` or
    ``"declared"`` for a Content-Length already over it, before a byte is read). A coding
    that does not decode is a :class:`ProtocolFailed` (``cannot decode response``).
    """
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large("declared")
    stages = _stages(codings(response))
    raw = decoded = steps = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > limit:
            raise too_large("raw")
        # No coding to undo (the usual case): the chunk itself, without a generator.
        pieces = _through(stages, chunk) if stages else (chunk,) if chunk else ()
        try:
            for piece in pieces:
                decoded += len(piece)
                if decoded > limit:
                    raise too_large("decoded")
                yield piece
                steps += 1
                if steps % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        except zlib.error as exc:
            raise ProtocolFailed(f"cannot decode response: {exc}") from None


class BodyBudget:
    """Bytes of response bodies held in memory by all calls of one app together.

    Each body has its own cap (:data:`RESPONSE_LIMIT`); this one bounds their sum, so 64
    calls in flight cannot hold 64 times that (choice: :data:`IN_FLIGHT_LIMIT`, four
    full bodies). Past it, the call whose chunk would cross it fails with
    :data:`R_IN_FLIGHT`; the others go on.
    """

    def __init__(self, limit: int = IN_FLIGHT_LIMIT) -> None:
        self.limit = limit
        self.held = 0

    def take(self, n: int) -> None:
        """Hold ``n`` more bytes; SizeLimitExceeded when they do not fit."""
        if self.held + n > self.limit:
            raise SizeLimitExceeded(R_IN_FLIGHT)
        self.held += n

    def give(self, n: int) -> None:
        """Let go of ``n`` bytes (the call ended, either way)."""
        self.held = max(0, self.held - n)


@asynccontextmanager
async def whole_body(response: httpx.Response, limit: int, too_large: Callable[[str], NetError],
                     budget: BodyBudget, record: Callable[[bytes], object]) -> AsyncIterator[bytes]:
    """The whole (decoded, capped) body of ``response``, each chunk also handed to
    ``record`` (the flow's body) and held against ``budget`` until the block ends.

    Chunks go in a list joined once: a growing bytearray over-allocates and copies as it
    grows, holding up to twice the body while it is read.
    """
    chunks: list[bytes] = []
    held = 0
    try:
        async for chunk in read_body(response, limit, too_large):
            budget.take(len(chunk))
            held += len(chunk)
            chunks.append(chunk)
            record(chunk)
        data = b"".join(chunks)
        chunks.clear()
        yield data
    finally:
        budget.give(held)


def size_error(reason: str) -> Callable[[str], NetError]:
    """A ``too_large`` for :func:`read_body` that always gives ``reason``."""
    return lambda _what: SizeLimitExceeded(reason)
