"""Polling waits with a deadline: the core publishes events on the same loop, so checking
after each loop turn (and a short sleep) sees every change."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from emulator.automation.errors import WaitTimeout

T = TypeVar("T")
DEFAULT_TIMEOUT = 5.0  # seconds
_STEP = 0.005


async def until(found: Callable[[], T | None], timeout: float,
                describe: Callable[[], str]) -> T:
    """Return the first truthy ``found()``; WaitTimeout with ``describe()`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = found()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout(describe())
        await asyncio.sleep(_STEP)
