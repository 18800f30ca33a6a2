"""Where one sequential request's, or one socket round trip's, time goes: a timeline.

Wraps the steps of the real path with ``perf_counter_ns`` stamps (each wrapper adds about
1 µs), runs the bench apps of bench_request / bench_socket against their servers (in
their own process), and prints the median time of each step, next to raw httpx's
``send(stream=True)`` + ``aread()`` for the request. The tables in benchmarks/README.md
("Where a sequential request's time went", "Socket frames") come from here.

Usage: python benchmarks/profile_bridge.py request|request-steps|pingpong [N]
"""

from __future__ import annotations

import asyncio
import itertools
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_request
import bench_socket
import httpcore
import httpx
from server_process import server_process

from emulator.net import client as net_client
from emulator.runtime import bridge, engine
from emulator.swan import request as swan_request
from emulator.swan.socket import connection, delivery, service

Stamp = tuple[str, int]
STAMPS: list[Stamp] = []


def stamp(owner: Any, name: str, label: str) -> None:
    """Record ``label`` and ``label_end`` around every call of ``owner.name``."""
    inner: Callable[..., Any] = getattr(owner, name)
    if asyncio.iscoroutinefunction(inner):
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            STAMPS.append((label, time.perf_counter_ns()))
            try:
                return await inner(*args, **kwargs)
            finally:
                STAMPS.append((label + "_end", time.perf_counter_ns()))
        setattr(owner, name, timed_async)
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        STAMPS.append((label, time.perf_counter_ns()))
        try:
            return inner(*args, **kwargs)
        finally:
            STAMPS.append((label + "_end", time.perf_counter_ns()))
    setattr(owner, name, timed)


def offsets(cycles: list[list[Stamp]]) -> None:
    """Print, per label, the median time since the cycle's first stamp."""
    found: dict[str, list[float]] = {}
    for cycle in cycles:
        t0 = cycle[0][1]
        seen: set[str] = set()
        for label, t in cycle:
            if label not in seen:
                seen.add(label)
                found.setdefault(label, []).append((t - t0) / 1000)
    for label, values in sorted(found.items(), key=lambda kv: statistics.median(kv[1])):
        print(f"  {label:18s} {statistics.median(values):8.1f} µs")


async def stamped_run(server: str, swan: Callable[..., Any], warm: tuple[int, int],
                      run: tuple[int, int], after: Callable[[int, Path], Any] | None = None
                      ) -> None:
    """Start ``server``, run the bench app ``swan`` once to warm up (``warm``: its two
    counts), clear the stamps, run it measured (``run``), then ``after(port, ca_file)``."""
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        async with server_process(server, ca_file) as port:
            await swan(*warm, port, ca_file, Path(tmp) / "warm")
            STAMPS.clear()
            await swan(*run, port, ca_file, Path(tmp) / "run")
            if after is not None:
                await after(port, ca_file)


async def request(n: int) -> None:
    stamp(swan_request.RequestService, "_on_request", "call posted")
    stamp(net_client.Network, "run", "task runs")
    stamp(net_client.Network, "_send", "sent")
    original_answer = swan_request.answer

    def answer(*args: Any) -> Any:
        STAMPS.append(("body read", time.perf_counter_ns()))
        return original_answer(*args)

    swan_request.answer = answer
    stamp(engine.Engine, "call", "JS")

    async def report(port: int, ca_file: Path) -> None:
        starts = [i for i, (label, _t) in enumerate(STAMPS) if label == "call posted"]
        cycles = [STAMPS[a:b] for a, b in itertools.pairwise(starts[10:n])]
        print(f"swan.request, {len(cycles)} sequential requests (from the call posted "
              "to the next one posted):")
        offsets(cycles)
        await raw(port, ca_file, n)

    await stamped_run(bench_request.SERVER, bench_request.swan, (100, 50), (n, 50), report)


async def request_steps(n: int) -> None:
    """The finer timeline of a sequential request, from its answer's delivery starting:
    the bridge, the handler and the steps of the network layer."""
    from emulator.net import stream_backend
    from emulator.net.shaping import transport as shaping
    from emulator.swan import calls

    stamp(bridge.Runtime, "_deliver_settles", "answer delivered")
    stamp(engine.Engine, "call", "JS")
    stamp(bridge.Runtime, "_handle", "outbox")
    stamp(swan_request.RequestService, "_on_request", "handler")
    stamp(net_client.Network, "start", "flow and policy")
    stamp(calls.TaskCalls, "start", "task made")
    stamp(net_client.Network, "build_request", "request built")
    stamp(shaping.ShapedTransport, "handle_async_request", "transports")
    stamp(httpcore.AsyncConnectionPool, "handle_async_request", "httpcore pool")
    stamp(stream_backend.AsyncioStream, "write", "write")
    stamp(stream_backend.AsyncioStream, "read", "read")
    stamp(swan_request, "answer", "answer made")
    stamp(bridge.Runtime, "settle_soon", "settled")
    await stamped_run(bench_request.SERVER, bench_request.swan, (100, 50), (n, 50))
    starts = [i for i, (label, _t) in enumerate(STAMPS) if label == "answer delivered"]
    cycles = [STAMPS[a:b] for a, b in itertools.pairwise(starts[10:n])]
    print(f"swan.request, {len(cycles)} sequential requests (from one answer's delivery to "
          "the next):")
    offsets(cycles)


async def raw(port: int, ca_file: Path, n: int) -> None:
    ctx = ssl.create_default_context(cafile=str(ca_file))
    sent: list[float] = []
    body: list[float] = []
    async with httpx.AsyncClient(verify=ctx, base_url=f"https://127.0.0.1:{port}") as client:
        for _ in range(100):
            await client.get("/json")
        t_all = time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter_ns()
            response = await client.send(client.build_request("GET", "/json"), stream=True)
            t1 = time.perf_counter_ns()
            await response.aread()
            await response.aclose()
            response.json()
            sent.append((t1 - t0) / 1000)
            body.append((time.perf_counter_ns() - t1) / 1000)
        whole = (time.perf_counter() - t_all) / n * 1e6
    print(f"raw httpx: built and sent -> headers {statistics.median(sent):.1f} µs, "
          f"headers -> body read {statistics.median(body):.1f} µs, "
          f"one request {whole:.1f} µs (mean)")


async def pingpong(n: int) -> None:
    stamp(delivery.DeliveringConnection, "data_received", "bytes read")
    stamp(connection.SocketConnection, "_queue_message", "message parsed")
    stamp(service.SocketService, "flush", "events flushed")
    stamp(bridge.Runtime, "enter_plain", "entered")
    stamp(engine.Engine, "call", "JS")
    stamp(bridge.Runtime, "_handle", "outbox handled")
    stamp(service.SocketService, "write_batches", "frames written")
    stamp(delivery.DeliveringConnection, "send_data", "write")
    await stamped_run(bench_socket.SERVER, bench_socket.swan, (1000, 200), (n, n))
    reads = [i for i, (label, _t) in enumerate(STAMPS) if label == "bytes read"][-n:]
    cycles = [STAMPS[a:b + 1] for a, b in itertools.pairwise(reads)]
    print(f"SocketTask ping-pong, {len(cycles)} round trips (from one echo read to the "
          "next):")
    offsets(cycles)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "request"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    runs = {"request": request, "request-steps": request_steps, "pingpong": pingpong}
    asyncio.run(runs[what](count))
