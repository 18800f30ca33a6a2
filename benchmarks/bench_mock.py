"""A mocked swan.request vs a live loopback one, through the same app (issue 13).

The app makes N sequential requests for the same JSON; "live" is a local HTTPS server in
its own process (trustme certificate, keep-alive), "mocked" a mock rule answering the same
body (emulator/net/mock). Both go through the whole path: JS -> bridge -> policy -> caps
-> flow -> transport -> body reading -> JS. Rounds are interleaved; medians count.
Aim (issue 13): mocked/live <= 0.5. Usage: python benchmarks/bench_mock.py [N] [ROUNDS]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

from bench_request import DOMAIN, SERVER
from server_process import server_process

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage
from emulator.net.mock.load import RuleReader

BODY = {"ok": True, "items": list(range(20))}  # what bench_request's server answers
APP_JS = """
var N = %(n)d, URL = 'https://%(domain)s/json';
function sequential(i, t0) {
    if (i === N) { console.log('seq ' + (Date.now() - t0)); return; }
    swan.request({url: URL, success: function (r) { sequential(i + 1, t0); },
                  fail: function (e) { console.error(e.errMsg); }});
}
Page({onLoad: function () { sequential(0, Date.now()); }});
"""


async def run(n: int, settings: Settings, root: Path) -> float:
    """Seconds per request of the app's sequential loop."""
    app = root / "app"
    (app / "pages" / "index").mkdir(parents=True)
    (app / "app.json").write_text('{"pages": ["pages/index/index"]}')
    (app / "app.js").write_text("App({});")
    (app / "pages" / "index" / "index.js").write_text(APP_JS % {"n": n, "domain": DOMAIN})
    settings.data_dir = root / "data"
    bus = EventBus()
    lines: list[str] = []
    bus.subscribe(lambda e: lines.append(e.text), ConsoleMessage)
    host = AppHost(load_package(app), settings, bus)
    await host.start()
    await host.wait_idle()
    await host.close()
    seq = [int(line.split()[1]) for line in lines if line.startswith("seq ")]
    if not seq:
        raise SystemExit(f"benchmark app failed: {lines}")
    return seq[0] / 1000 / n


async def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    live: list[float] = []
    mocked: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = Path(tmp) / "ca.pem"
        async with server_process(SERVER, ca_file) as port:
            for i in range(rounds):
                base = {"domains": {"request": [f"https://{DOMAIN}"]},
                        "hosts": {DOMAIN: f"127.0.0.1:{port}"}, "ca_file": ca_file}
                live.append(await run(n, Settings(**base), Path(tmp) / f"live{i}"))
                settings = Settings(**base)
                settings.mocks = RuleReader("bench", Path(tmp)).rules([
                    {"name": "json", "url": f"https://{DOMAIN}/json", "method": "GET",
                     "response": {"json": json.loads(json.dumps(BODY))}}])
                mocked.append(await run(n, settings, Path(tmp) / f"mock{i}"))
    lm, mm = statistics.median(live), statistics.median(mocked)
    print(f"{rounds} rounds of {n} sequential requests (medians)")
    print(f"live loopback: {lm * 1e3:.3f} ms/request ({1 / lm:.0f} req/s)")
    print(f"mocked:        {mm * 1e3:.3f} ms/request ({1 / mm:.0f} req/s)")
    print(f"ratio mocked/live: {mm / lm:.2f} (aim <= 0.5)")


if __name__ == "__main__":
    asyncio.run(main())
