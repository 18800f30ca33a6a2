"""Bounded body decoding (emulator/net/bodies.py): every coding undone in steps, raw and
decoded bytes each counted against the cap as they flow."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from emulator.net.bodies import STEP, BodyBudget, read_body
from emulator.net.errors import NetError, ProtocolFailed, SizeLimitExceeded

PAYLOAD = bytes(range(256)) * 400 + bytes(200_000)  # past STEP decoded; some compresses


def response(body: bytes, encoding: str | None = None, chunk: int = 4096,
             length: bool = False) -> httpx.Response:
    """A streamed response giving ``body`` in ``chunk``-byte pieces."""

    async def stream() -> AsyncIterator[bytes]:
        for i in range(0, len(body), chunk):
            yield body[i:i + chunk]

    headers = [("Content-Encoding", encoding)] if encoding else []
    if length:
        headers.append(("Content-Length", str(len(body))))
    return httpx.Response(200, headers=headers, content=stream())


def too_large(what: str) -> NetError:
    return SizeLimitExceeded(f"over ({what})")


async def read_all(resp: httpx.Response, limit: int = 1 << 30) -> tuple[bytes, int]:
    out = bytearray()
    biggest = 0
    async for piece in read_body(resp, limit, too_large):
        biggest = max(biggest, len(piece))
        out += piece
    return bytes(out), biggest


def raw_deflate(data: bytes) -> bytes:
    z = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 18])
@pytest.mark.parametrize(("encoding", "encode"), [
    (None, lambda d: d),
    ("identity", lambda d: d),
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", raw_deflate),
    ("gzip, gzip", lambda d: gzip.compress(gzip.compress(d))),
    ("deflate, gzip", lambda d: gzip.compress(zlib.compress(d))),
    ("GZIP , identity", gzip.compress),
    ("br", lambda d: d),  # not decoded: left as sent, as httpx leaves it
])
async def test_codings_decode_exactly_in_bounded_steps(encoding: str | None, encode: object,
                                                       chunk: int) -> None:
    """Each coding (stacked, any chunking) gives the exact body, never more than STEP
    bytes at once."""
    body = encode(PAYLOAD)  # type: ignore[operator]
    data, biggest = await read_all(response(body, encoding, chunk))
    assert data == PAYLOAD
    assert biggest <= max(STEP, chunk if encoding in (None, "identity", "br") else 0)


async def test_gzip_members_follow_each_other() -> None:
    """Several gzip members are one body (RFC 1952 §2.2); bytes after the last are
    ignored (but counted raw)."""
    body = gzip.compress(b"abc") + gzip.compress(b"def") + b"\x1f"
    for chunk in (1, 2, 5, 100):
        assert (await read_all(response(body, "gzip", chunk)))[0] == b"abcdef"
    assert (await read_all(response(gzip.compress(b"abc") + b"junk", "gzip")))[0] == b"abc"


async def test_a_bomb_stops_at_the_cap() -> None:
    """64 MiB of zeros gzipped twice (a few KB): decoding stops just past a 1 MiB cap."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    inner = b"".join(z.compress(bytes(1 << 20)) for _ in range(64)) + z.flush()
    bomb = gzip.compress(inner)
    assert len(bomb) < 8192
    seen = 0
    with pytest.raises(SizeLimitExceeded, match=r"over \(decoded\)"):
        async for piece in read_body(response(bomb, "gzip, gzip"), 1 << 20, too_large):
            seen += len(piece)
    assert seen <= 1 << 20


async def test_raw_bytes_are_counted_too() -> None:
    """Bytes that decode to nothing (after the last member) still count against the cap."""
    body = gzip.compress(b"tiny") + b"\x00" * 100_000
    with pytest.raises(SizeLimitExceeded, match=r"over \(raw\)"):
        await read_all(response(body, "gzip"), limit=50_000)


async def test_declared_length_over_the_cap_fails_before_reading() -> None:
    """Content-Length over the cap: the error comes before a byte is read."""
    read = []

    async def stream() -> AsyncIterator[bytes]:
        read.append(1)
        yield b"x" * 10

    resp = httpx.Response(200, headers=[("Content-Length", "100")], content=stream())
    with pytest.raises(SizeLimitExceeded, match=r"over \(declared\)"):
        await read_all(resp, limit=50)
    assert read == []


async def test_a_broken_coding_is_the_servers_fault() -> None:
    """Garbage labelled gzip: ProtocolFailed ("cannot decode response"), errCode 1001."""
    with pytest.raises(ProtocolFailed, match="cannot decode response") as info:
        await read_all(response(b"this is not gzip at all", "gzip"))
    assert info.value.code == 1001


def test_budget_refuses_what_does_not_fit_and_takes_back_what_is_given() -> None:
    """The app-wide budget of bodies in memory: take past the limit fails, give frees."""
    budget = BodyBudget(limit=100)
    budget.take(60)
    with pytest.raises(SizeLimitExceeded):
        budget.take(41)
    budget.give(60)
    budget.take(100)
    assert budget.held == 100
