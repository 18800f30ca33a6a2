"""What one end-to-end test costs with emulator.automation: launch a small app (one page, a
button whose handler makes one request to the embedded demo backend), its first rendered
page, one tap, and a flow assertion — per test, median of N.

Prints the total and where it goes: launching (load, start, the first page's requests
settling, its render), the tap with its handler's requests settling, and the flow
assertion; and, once per process, the import of the automation package. The aim is under
0.5 s per test (the vendors' automator needs a running IDE and seconds per launch).
Usage: python benchmarks/bench_automation.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

started = time.perf_counter()
from emulator.automation import launch  # noqa: E402  (the import is measured)

IMPORT_S = time.perf_counter() - started
FILES = {
    "app.json": '{"pages": ["pages/index/index"]}',
    "app.js": "App({});",
    "swan-emulator.json": '{"domains": {"request": ["https://api.demo.test"]},'
                          ' "hosts": {"api.demo.test": "builtin"}}',
    "pages/index/index.swan": '<view><text class="title">{{title}}</text>'
                              '<button bindtap="go">go</button></view>',
    "pages/index/index.js": "Page({data: {title: 'bench'}, go: function () {"
                            " swan.request({url: 'https://api.demo.test/echo?q=1'}); }});",
}


def make_app() -> Path:
    root = Path(tempfile.mkdtemp()) / "app"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


APP = make_app()


async def one_test() -> tuple[float, float, float]:
    t0 = time.perf_counter()
    async with launch(APP, data_dir=tempfile.mkdtemp()) as app:
        page = app.current_page()
        assert page.query(".title") is not None
        t1 = time.perf_counter()
        await page.query("button").tap()
        t2 = time.perf_counter()
        flow = await app.network.wait_for_flow(url="https://api.demo.test/echo?q=*")
        assert flow.response is not None and flow.response.status == 200
        t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    runs = [asyncio.run(one_test()) for _ in range(n)]
    launch_s = statistics.median(r[0] for r in runs)
    tap_s = statistics.median(r[1] for r in runs)
    assert_s = statistics.median(r[2] for r in runs)
    total = launch_s + tap_s + assert_s
    print(f"per test (median of {n}): {total * 1000:.0f} ms — launch to the first rendered "
          f"page {launch_s * 1000:.0f} ms, tap and its request {tap_s * 1000:.0f} ms, "
          f"flow assertion {assert_s * 1000:.1f} ms; once per process: import "
          f"{IMPORT_S * 1000:.0f} ms")


if __name__ == "__main__":
    main()
