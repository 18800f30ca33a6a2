"""One side of a bench alone, for an outside profiler: socket ping-pong or sequential
requests, SocketTask/swan.request or raw websockets/httpx, against the bench's server in
its own process. Prints the process id and the rate.

Usage: python benchmarks/perf_side.py pingpong|request swan|raw N

benchmarks/README.md's breakdown by library (fourth pass) is
``perf record -F 4999 -g -o side.data python benchmarks/perf_side.py pingpong swan 20000``,
then ``perf report -i side.data --no-children --sort pid,dso -n``, minus the same for
N = 200 (start-up), per round trip.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
import tempfile
from pathlib import Path

import bench_request
import bench_socket
from server_process import server_process


async def main(what: str, side: str, n: int) -> None:
    bench = bench_socket if what == "pingpong" else bench_request
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        async with server_process(bench.SERVER, ca_file) as port:
            print("pid", os.getpid(), flush=True)
            ctx = ssl.create_default_context(cafile=str(ca_file))
            if what == "pingpong":
                # (a few pipelined frames first: the bench app starts with them)
                if side == "swan":
                    _, seconds = await bench_socket.swan(100, n, port, ca_file, Path(tmp) / "r")
                else:
                    _, seconds = await bench_socket.raw(100, n, port, ctx)
                print(f"{side} ping-pong: {n / seconds:.0f} round trips/s")
            else:
                # batch 1: the concurrent part is sequential too (2n requests)
                if side == "swan":
                    seconds, _ = await bench_request.swan(n, 1, port, ca_file, Path(tmp) / "r")
                else:
                    seconds, _ = await bench_request.raw(n, 1, port, ctx)
                print(f"{side} sequential: {n / seconds:.0f} requests/s")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
