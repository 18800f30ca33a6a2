"""Requests per second: swan.request (JS -> bridge -> httpx) vs raw httpx.AsyncClient.

Both hit the same local HTTPS server (trustme certificate) in the same process and the
same run: sequentially, and 50 calls issued at once (raw httpx gets the 5-connection limit
that swan's per-domain cap imposes). Both sides make one request before the clock starts,
so both are timed from an open connection and a loaded trust store (the swan side used to
pay its TLS context, ~90 ms, inside the timed run and raw httpx outside it).
Usage: python benchmarks/bench_request.py [N] [ROUNDS]
"""

from __future__ import annotations

import asyncio
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_app import https_server_script, run_page_app
from server_process import server_process

from emulator.config import Settings

DOMAIN = "api.demo.test"

APP_JS = """
var N = %(n)d, BATCH = %(batch)d, URL = 'https://%(domain)s/json';
function sequential(i, t0) {
    if (i === N) { console.log('seq ' + (Date.now() - t0)); return concurrent(0, Date.now()); }
    swan.request({url: URL, success: function (r) { sequential(i + 1, t0); },
                  fail: function (e) { console.error(e.errMsg); }});
}
function concurrent(done, t0) {
    if (done >= N) { console.log('conc ' + (Date.now() - t0)); return; }
    var left = BATCH;
    for (var k = 0; k < BATCH; k++) swan.request({url: URL, complete: function () {
        if (--left === 0) concurrent(done + BATCH, t0);
    }});
}
Page({onLoad: function () {
    swan.request({url: URL, complete: function () { sequential(0, Date.now()); }});
}});
"""


async def swan(n: int, batch: int, port: int, ca_file: Path, root: Path) -> tuple[float, float]:
    settings = Settings(domains={"request": [f"https://{DOMAIN}"]},
                        hosts={DOMAIN: f"127.0.0.1:{port}"}, ca_file=ca_file)
    lines, _host = await run_page_app(
        root, APP_JS % {"n": n, "batch": batch, "domain": DOMAIN}, settings)
    times = dict(line.split() for line in lines if line.split()[0] in ("seq", "conc"))
    if len(times) != 2:
        raise SystemExit(f"benchmark app failed: {lines}")
    return int(times["seq"]) / 1000, int(times["conc"]) / 1000


SERVER = https_server_script(DOMAIN, """
BODY = json.dumps({"ok": True, "items": list(range(20))}).encode()

async def handler(_request):
    return Response(200, [("Content-Type", "application/json")], BODY)
""")


async def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    batch = 50
    results: dict[str, list[float]] = {"raw_seq": [], "raw_conc": [], "swan_seq": [],
                                       "swan_conc": []}
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        async with server_process(SERVER, ca_file) as port:
            ctx = ssl.create_default_context(cafile=str(ca_file))
            # Interleaved rounds, so both sides see the same machine noise; medians count.
            for i in range(rounds):
                seq, conc = await raw(n, batch, port, ctx)
                results["raw_seq"].append(n / seq)
                results["raw_conc"].append(n / conc)
                seq, conc = await swan(n, batch, port, ca_file, Path(tmp) / f"round{i}")
                results["swan_seq"].append(n / seq)
                results["swan_conc"].append(n / conc)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"{rounds} rounds of {n} requests (medians), server in its own process; "
          f"concurrent = batches of {batch}")
    print(f"sequential: swan.request {med['swan_seq']:6.0f} req/s, raw httpx "
          f"{med['raw_seq']:6.0f} req/s, ratio {med['swan_seq'] / med['raw_seq']:.2f}")
    print(f"50 at once: swan.request {med['swan_conc']:6.0f} req/s, raw httpx "
          f"{med['raw_conc']:6.0f} req/s, ratio {med['swan_conc'] / med['raw_conc']:.2f}")


async def raw(n: int, batch: int, port: int, ctx: ssl.SSLContext) -> tuple[float, float]:
    transport = httpx.AsyncHTTPTransport(verify=ctx, limits=httpx.Limits(max_connections=5))
    async with httpx.AsyncClient(transport=transport,
                                 base_url=f"https://127.0.0.1:{port}") as c:
        await c.get("/json")  # warm, as the swan side is
        t0 = time.perf_counter()
        for _ in range(n):
            (await c.get("/json")).json()
        seq = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(0, n, batch):
            await asyncio.gather(*(c.get("/json") for _ in range(batch)))
        conc = time.perf_counter() - t0
    return seq, conc


if __name__ == "__main__":
    asyncio.run(main())
