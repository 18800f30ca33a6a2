"""JS timers on the asyncio loop.

One loop handle serves the earliest deadline; ties fire in the order the timers were set
(asyncio's own timer heap does not promise that).
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Timer:
    delay: float
    repeat: bool


class TimerQueue:
    """Schedules JS timer ids; calls ``fire(id)`` when one is due."""

    def __init__(self, loop: asyncio.AbstractEventLoop, fire: Callable[[int], None]) -> None:
        self._loop = loop
        self._fire = fire
        self._timers: dict[int, _Timer] = {}
        self._heap: list[tuple[float, int, int]] = []  # (due, seq, timer id)
        self._seq = 0
        self._handle: asyncio.Handle | None = None
        self._armed_for = 0.0  # loop time the handle runs at
        self._closed = False

    def __len__(self) -> int:
        return len(self._timers)

    def set(self, timer_id: int, delay_ms: float, repeat: bool) -> None:
        """Arm a timer; like browsers, a delay under 1 ms counts as 1 ms (so 0 is not a spin)."""
        delay = max(float(delay_ms), 1.0) / 1000.0
        self._timers[timer_id] = _Timer(delay, repeat)
        self._push(timer_id, delay)

    def clear(self, timer_id: int) -> None:
        """Disarm a timer; its heap entry is skipped when reached."""
        self._timers.pop(timer_id, None)

    def close(self) -> None:
        """Disarm everything; no callback fires after this."""
        self._closed = True
        self._timers.clear()
        self._heap.clear()
        if self._handle:
            self._handle.cancel()
            self._handle = None

    def _push(self, timer_id: int, delay: float) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (self._loop.time() + delay, self._seq, timer_id))
        self._arm()

    def _arm(self) -> None:
        if self._closed or not self._heap:
            return
        due = self._heap[0][0]
        if self._handle is not None:
            # Our own record of when: qasync answers a call_at in the past with a plain
            # Handle, which has no when().
            if self._armed_for <= due:
                return
            self._handle.cancel()
        self._armed_for = due
        self._handle = self._loop.call_at(due, self._run_due)

    def _run_due(self) -> None:
        self._handle = None
        now = self._loop.time()
        while self._heap and self._heap[0][0] <= now and not self._closed:
            _, _, timer_id = heapq.heappop(self._heap)
            timer = self._timers.get(timer_id)
            if timer is None:
                continue
            if not timer.repeat:
                del self._timers[timer_id]
            self._fire(timer_id)
            # Re-arm an interval only if the callback did not clear it.
            if timer.repeat and self._timers.get(timer_id) is timer:
                self._seq += 1
                heapq.heappush(self._heap, (now + timer.delay, self._seq, timer_id))
        self._arm()
