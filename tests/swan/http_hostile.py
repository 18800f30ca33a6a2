"""Hostile HTTPS servers for the hardening tests, and a peak-memory meter.

The servers only bind 127.0.0.1, stop every endless body after :data:`SERVER_DEADLINE`
seconds (or :data:`ENDLESS_MAX` bytes) on their own, and are closed when the test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import gc
import gzip
import re
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme

from emulator.config import Settings
from emulator.devserver.certs import ServerCertificates
from emulator.devserver.http import HttpServer, Request, Response

DOMAIN = "evil.test"
API = f"https://{DOMAIN}"
DOMAIN2 = "evil2.test"  # the same server under a second name (5 calls per domain at once)
API2 = f"https://{DOMAIN2}"
SERVER_DEADLINE = 20.0  # seconds an endless body may run before the server stops it
ENDLESS_MAX = 1024 * 1024 * 1024  # bytes an endless body sends at most
BOMB_DECODED = 256 * 1024 * 1024  # what the gzip bomb inflates to
_BLOCK = bytes((i * 31 + 7) % 251 for i in range(64 * 1024))  # not very compressible


@functools.cache
def gzip_bomb(layers: int = 2) -> bytes:
    """:data:`BOMB_DECODED` zero bytes gzipped ``layers`` times (two layers: ~600 bytes on
    the wire). Built once per test session, a MiB at a time."""
    if layers > 1:
        return gzip.compress(gzip_bomb(layers - 1), 9)
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = [z.compress(block) for _ in range(BOMB_DECODED // len(block))]
    parts.append(z.flush())
    return b"".join(parts)


async def _endless(deadline: float, compress: bool = False) -> AsyncIterator[bytes]:
    sent = 0
    z = zlib.compressobj(6, zlib.DEFLATED, 31) if compress else None
    zeros = bytes(len(_BLOCK))
    while time.monotonic() < deadline and sent < ENDLESS_MAX:
        chunk = z.compress(zeros * 16) if z is not None else _BLOCK
        if chunk:
            sent += len(chunk)
            yield chunk
        else:
            await asyncio.sleep(0)


async def _handle(request: Request) -> Response:
    deadline = time.monotonic() + SERVER_DEADLINE
    q = dict(request.query)
    path = request.path
    if path == "/bomb":
        layers = int(q.get("layers", "2"))
        return Response(200, [("Content-Type", q.get("type", "application/octet-stream")),
                              ("Content-Encoding", ", ".join(["gzip"] * layers))],
                        gzip_bomb(layers))
    if path == "/endless":
        return Response(200, [("Content-Type", "application/octet-stream")], _endless(deadline))
    if path == "/endless-gzip":
        return Response(200, [("Content-Type", "application/octet-stream"),
                              ("Content-Encoding", "gzip")], _endless(deadline, compress=True))
    if path == "/gzip-then-garbage":
        async def body() -> AsyncIterator[bytes]:
            yield gzip.compress(b"small")
            async for chunk in _endless(deadline):
                yield chunk
        return Response(200, [("Content-Encoding", "gzip")], body())
    if path == "/upload-reply-endless":
        await request.discard_rest()
        return Response(200, [("Content-Type", "text/plain")], _endless(deadline))
    if path == "/upload-reply-bomb":
        await request.discard_rest()
        return Response(200, [("Content-Type", "text/plain"), ("Content-Encoding", "gzip, gzip")],
                        gzip_bomb())
    if path == "/redirect-raw":
        # The Location exactly as given (percent-decoded once by the query parser).
        return Response(int(q.get("status", "302")), [("Location", q.get("loc", ""))], b"")
    if path == "/json":
        return Response(200, [("Content-Type", "application/json")], b'{"ok": true}')
    if path == "/bytes":
        size = int(q.get("size", "0"))
        return Response(200, [("Content-Type", "application/octet-stream")],
                        (_BLOCK * (size // len(_BLOCK) + 1))[:size])
    return Response(404, [("Content-Type", "text/plain")], b"not found")


@dataclass
class HostileServer:
    """A hostile HTTPS server on 127.0.0.1 with a trustme CA, for the domain :data:`DOMAIN`."""

    server: HttpServer
    ca_file: Path

    def settings(self, **overrides: Any) -> Settings:
        """Settings whitelisting :data:`DOMAIN` and :data:`DOMAIN2` on the three HTTP
        lists, both mapped here."""
        base: dict[str, Any] = {
            "domains": {"request": [API, API2], "uploadFile": [API, API2],
                        "downloadFile": [API, API2], "socket": []},
            "hosts": {DOMAIN: f"127.0.0.1:{self.server.port}",
                      DOMAIN2: f"127.0.0.1:{self.server.port}"},
            "ca_file": self.ca_file,
        }
        base.update(overrides)
        return Settings(**base)


@pytest.fixture
async def hostile_server(tmp_path: Path) -> AsyncIterator[HostileServer]:
    """A hostile HTTPS server, stopped (with every connection) when the test ends."""
    ca = trustme.CA()
    ca_file = tmp_path / "hostile-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    certs = ServerCertificates(ca, default_names=(DOMAIN,))
    server = HttpServer(_handle, ssl_context=certs.server_context, host="127.0.0.1")
    await server.start()
    try:
        yield HostileServer(server, ca_file)
    finally:
        await server.close()


# ---- memory -------------------------------------------------------------------------------
def _status_kib(key: str) -> int:
    text = Path("/proc/self/status").read_text()
    m = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    assert m, key
    return int(m.group(1))


class PeakRss:
    """Peak resident memory growth of this process over a ``with`` block, in MiB.

    Linux: writing 5 to /proc/self/clear_refs resets VmHWM (the peak) to the current RSS,
    so the peak afterwards is this block's. Memory earlier tests freed is first handed
    back to the system (``malloc_trim``), so this block cannot hide in it. A cap on the
    growth, not a timing."""

    def __enter__(self) -> PeakRss:
        gc.collect()
        with contextlib.suppress(OSError, AttributeError):  # not glibc: looser, still a cap
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pytest.skip("peak RSS cannot be reset here (/proc/self/clear_refs)")
        self.base = _status_kib("VmRSS")
        self.growth_mib = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.growth_mib = (_status_kib("VmHWM") - self.base) / 1024


def warm_bomb() -> None:
    """Build the bomb before measuring (building it is the test's memory, not the host's)."""
    gzip_bomb(2)
