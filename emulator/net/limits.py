"""Concurrency caps: at most 5 exchanges in flight per domain and 64 per app.

request, uploadFile and downloadFile share them (the platform's Android limits). Calls over
the cap wait in the order they were made; a waiter for a busy domain does not hold back a
later waiter for a free one.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

PER_DOMAIN = 5
PER_APP = 64


@dataclass
class _Waiter:
    domain: str
    future: asyncio.Future[None]


class ConcurrencyLimiter:
    """FIFO slots, capped per domain and in total."""

    def __init__(self, per_domain: int = PER_DOMAIN, total: int = PER_APP) -> None:
        self.per_domain = per_domain
        self.total = total
        self._running: Counter[str] = Counter()
        self._total = 0  # sum of _running, kept so the hot path does not add it up
        self._waiting: deque[_Waiter] = deque()

    @property
    def in_flight(self) -> int:
        """Slots in use."""
        return self._total

    def in_flight_for(self, domain: str) -> int:
        """Slots in use for one domain."""
        return self._running[domain]

    @property
    def queued(self) -> int:
        """Calls waiting for a slot."""
        return len(self._waiting)

    def _free(self, domain: str) -> bool:
        return self._total < self.total and self._running[domain] < self.per_domain

    async def acquire(self, domain: str) -> None:
        """Wait for a slot for ``domain`` (cancellable: the place in line is given up)."""
        if not self._waiting and self._free(domain):
            self._take(domain)
            return
        waiter = _Waiter(domain, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        self._wake()
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():
                self.release(domain)  # granted just as we were cancelled: hand it on
            else:
                self._waiting.remove(waiter)
            raise

    def release(self, domain: str) -> None:
        """Give a slot back; the earliest waiter that fits gets it."""
        self._running[domain] -= 1
        self._total -= 1
        if self._running[domain] <= 0:
            del self._running[domain]
        self._wake()

    def _take(self, domain: str) -> None:
        self._running[domain] += 1
        self._total += 1

    def _wake(self) -> None:
        for waiter in list(self._waiting):
            if self.in_flight >= self.total:
                return
            if self._free(waiter.domain) and not waiter.future.done():
                self._waiting.remove(waiter)
                self._take(waiter.domain)
                waiter.future.set_result(None)

    @asynccontextmanager
    async def slot(self, domain: str) -> AsyncIterator[None]:
        """``async with limiter.slot(domain):`` hold a slot for the block."""
        await self.acquire(domain)
        try:
            yield
        finally:
            self.release(domain)
