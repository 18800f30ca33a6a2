"""WebSocket frames per second: SocketTask (JS -> bridge -> websockets) vs a raw websockets
client, against the same local WSS echo server in the same run.

Pipelined: N frames sent at once, then all echoes awaited. Ping-pong: one frame out, wait for
its echo, repeat. Usage: python benchmarks/bench_socket.py [N] [ROUNDS]
"""

from __future__ import annotations

import asyncio
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websockets
from bench_app import run_page_app
from server_process import server_process

from emulator.config import Settings

DOMAIN = "ws.demo.test"

APP_JS = """
var N = %(n)d, PP = %(pp)d;
var t = swan.connectSocket({url: 'wss://%(domain)s/echo'});
t.onOpen(function () {
    var got = 0, t0 = Date.now();
    t.onMessage(function () {
        if (++got === N) {
            console.log('pipelined ' + (Date.now() - t0));
            pingpong();
        }
    });
    for (var i = 0; i < N; i++) t.send({data: 'frame ' + i});
});
function pingpong() {
    t.offMessage();
    var left = PP, t0 = Date.now();
    t.onMessage(function () {
        if (--left === 0) { console.log('pingpong ' + (Date.now() - t0)); t.close({}); }
        else t.send({data: 'ping'});
    });
    t.send({data: 'ping'});
}
Page({});
"""


async def raw(n: int, pp: int, port: int, ctx: ssl.SSLContext) -> tuple[float, float]:
    async with websockets.connect(f"wss://{DOMAIN}/echo", host="127.0.0.1", port=port,
                                  ssl=ctx, server_hostname=DOMAIN, proxy=None,
                                  max_size=None) as ws:
        t0 = time.perf_counter()

        async def send_all() -> None:
            for i in range(n):
                await ws.send(f"frame {i}")

        sender = asyncio.create_task(send_all())
        for _ in range(n):
            await ws.recv()
        await sender
        pipelined = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(pp):
            await ws.send("ping")
            await ws.recv()
        pingpong = time.perf_counter() - t0
    return pipelined, pingpong


async def swan(n: int, pp: int, port: int, ca_file: Path, root: Path) -> tuple[float, float]:
    settings = Settings(domains={"socket": [f"wss://{DOMAIN}"]},
                        hosts={DOMAIN: f"127.0.0.1:{port}"}, ca_file=ca_file,
                        script_time_limit=30)
    lines, _host = await run_page_app(root, APP_JS % {"n": n, "pp": pp, "domain": DOMAIN},
                                      settings)
    times = dict(line.split() for line in lines)
    if set(times) != {"pipelined", "pingpong"}:
        raise SystemExit(f"benchmark app failed: {lines}")
    return int(times["pipelined"]) / 1000, int(times["pingpong"]) / 1000


SERVER = """
import asyncio, sys, trustme
from emulator.devserver.certs import ServerCertificates
from emulator.devserver.ws import WsServer

async def main():
    ca = trustme.CA()
    ca.cert_pem.write_to_path(sys.argv[1])
    certs = ServerCertificates(ca, default_names=(%r,))
    server = await WsServer(ssl_context=certs.server_context).start()
    print(server.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF
    await server.close()

asyncio.run(main())
""" % DOMAIN


async def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    pp = n // 5
    res: dict[str, list[float]] = {"raw_pipe": [], "raw_pp": [], "swan_pipe": [], "swan_pp": []}
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        async with server_process(SERVER, ca_file) as port:
            ctx = ssl.create_default_context(cafile=str(ca_file))
            for i in range(rounds):
                pipe, ping = await raw(n, pp, port, ctx)
                res["raw_pipe"].append(n / pipe)
                res["raw_pp"].append(pp / ping)
                pipe, ping = await swan(n, pp, port, ca_file, Path(tmp) / f"r{i}")
                res["swan_pipe"].append(n / pipe)
                res["swan_pp"].append(pp / ping)
    med = {k: statistics.median(v) for k, v in res.items()}
    print(f"{rounds} rounds (medians), echo server in its own process")
    print(f"pipelined echo of {n} frames: SocketTask {med['swan_pipe']:7.0f} frames/s, raw "
          f"websockets {med['raw_pipe']:7.0f} frames/s, ratio "
          f"{med['swan_pipe'] / med['raw_pipe']:.2f}")
    print(f"ping-pong x{pp}: SocketTask {med['swan_pp']:7.0f} round trips/s, raw websockets "
          f"{med['raw_pp']:7.0f} round trips/s, ratio {med['swan_pp'] / med['raw_pp']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
