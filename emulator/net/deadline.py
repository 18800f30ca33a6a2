"""A block of awaits cut off after a number of seconds: ``asyncio.timeout`` where Python
has it (3.11), the same behaviour by hand on 3.10."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

if sys.version_info >= (3, 11):
    deadline = asyncio.timeout  # no extra task per call, unlike wait_for
else:  # pragma: no cover - Python 3.10
    @asynccontextmanager
    async def deadline(seconds: float | None) -> AsyncIterator[None]:
        """Cancel the block after ``seconds`` (None: never); raise TimeoutError then."""
        if seconds is None:
            yield
            return
        task = asyncio.current_task()
        assert task is not None
        fired = False

        def expire() -> None:
            nonlocal fired
            fired = True
            task.cancel()

        handle = asyncio.get_running_loop().call_later(seconds, expire)
        try:
            yield
        except asyncio.CancelledError:
            if fired:
                raise TimeoutError() from None
            raise
        finally:
            handle.cancel()
