"""A benchmark's server, run in a process of its own: one core for it, one for the client,
and both clients under comparison talk to that same server."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path


@asynccontextmanager
async def server_process(code: str, ca_file: Path) -> AsyncIterator[int]:
    """Run ``code`` (given ``ca_file`` as argv[1]; it prints its port, serves until stdin
    closes) and yield the port."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, str(ca_file), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE)
    assert server.stdout is not None and server.stdin is not None
    try:
        yield int((await server.stdout.readline()).decode())
    finally:
        server.stdin.close()
        await server.wait()
