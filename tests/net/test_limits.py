"""The concurrency caps: 5 per domain, 64 per app, FIFO, cancellation-safe."""

from __future__ import annotations

import asyncio

from emulator.net.limits import ConcurrencyLimiter


async def test_per_domain_cap_and_fifo_order() -> None:
    """The 6th call to one domain waits; waiters start in the order they came."""
    lim = ConcurrencyLimiter(per_domain=5, total=64)
    started: list[int] = []
    release = asyncio.Event()

    async def call(i: int) -> None:
        async with lim.slot("a.test"):
            started.append(i)
            await release.wait()

    tasks = [asyncio.create_task(call(i)) for i in range(8)]
    await asyncio.sleep(0.01)
    assert started == [0, 1, 2, 3, 4]
    assert lim.in_flight_for("a.test") == 5 and lim.queued == 3
    release.set()
    await asyncio.gather(*tasks)
    assert started == list(range(8))
    assert lim.in_flight == 0 and lim.queued == 0


async def test_busy_domain_does_not_block_another() -> None:
    """A waiter for a full domain does not hold back a later call to a free domain."""
    lim = ConcurrencyLimiter(per_domain=1, total=10)
    await lim.acquire("a")
    blocked = asyncio.create_task(lim.acquire("a"))
    other = asyncio.create_task(lim.acquire("b"))
    await asyncio.sleep(0.01)
    assert other.done() and not blocked.done()
    lim.release("a")
    await asyncio.wait_for(blocked, 1)


async def test_total_cap() -> None:
    """At most `total` in flight across all domains."""
    lim = ConcurrencyLimiter(per_domain=5, total=64)
    for i in range(64):
        await lim.acquire(f"d{i // 5}")
    late = asyncio.create_task(lim.acquire("fresh"))
    await asyncio.sleep(0.01)
    assert lim.in_flight == 64 and not late.done()
    lim.release("d0")
    await asyncio.wait_for(late, 1)
    assert lim.in_flight_for("fresh") == 1


async def test_cancelled_waiter_gives_up_its_place() -> None:
    """An aborted queued call leaves the queue; the slot goes to the next one."""
    lim = ConcurrencyLimiter(per_domain=1, total=10)
    await lim.acquire("a")
    first = asyncio.create_task(lim.acquire("a"))
    second = asyncio.create_task(lim.acquire("a"))
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.sleep(0.01)
    lim.release("a")
    await asyncio.wait_for(second, 1)
    assert lim.in_flight_for("a") == 1 and lim.queued == 0
