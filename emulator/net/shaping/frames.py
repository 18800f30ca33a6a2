"""Received socket frames held until the emulated link delivers them.

Each frame gets a due time when it is read (:meth:`NetworkConditions.due`: after the frames
before it have crossed the link, plus the latency), and is delivered then, in order. A
burst of frames is pipelined as on a real link: N small frames arrive about one latency
later, not N latencies. The frames held are counted against a byte cap; past it the reader
waits (the server is then held back by TCP, as on a slow link).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable


class FrameSchedule:
    """Deliveries due at loop times, in order, at most ``limit`` bytes held at once (one
    frame is always let through, whatever its size)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._last_due = 0.0
        # In order of arrival; a timer delivers the oldest frame, whichever timer it is
        # (asyncio leaves the order of timers due at the same time undefined).
        self._pending: deque[tuple[int, Callable[[], None]]] = deque()
        self._timers: set[asyncio.TimerHandle] = set()
        self._changed = asyncio.Event()

    @property
    def empty(self) -> bool:
        """Whether nothing waits for delivery."""
        return not self._pending

    async def hold(self, size: int, due: float, deliver: Callable[[], None]) -> None:
        """Call ``deliver()`` at loop time ``due`` (never before an earlier frame); waits
        first while the frames held already take the byte cap."""
        while self.held and self.held + size > self.limit:
            await self._wait()
        loop = asyncio.get_running_loop()
        due = max(due, self._last_due)  # a profile change never reorders frames
        self._last_due = due
        self.held += size
        self._pending.append((size, deliver))
        timer: asyncio.TimerHandle | None = None

        def fire() -> None:
            self._timers.discard(timer)  # type: ignore[arg-type]
            self._fire()

        timer = loop.call_at(due, fire)
        self._timers.add(timer)

    def _fire(self) -> None:
        size, deliver = self._pending.popleft()
        self.held -= size
        self._changed.set()
        deliver()

    async def drained(self) -> None:
        """Return once every held frame has been delivered (or dropped)."""
        while self._pending:
            await self._wait()

    def drop(self) -> None:
        """Forget the frames not delivered yet (the network went away with them)."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._pending.clear()
        self.held = 0
        self._changed.set()

    async def _wait(self) -> None:
        self._changed.clear()
        await self._changed.wait()
