"""The rendered page in the window: a 1,000-row `s-for` page shown whole against one row
changed, through the real path (setData → render → patches → web view), and the window's
memory with that page on screen, every process counted (Qt WebEngine runs Chromium in
processes of its own).

Prints the medians of: opening the page (reLaunch: its first render in the core, sent
whole, 1,000 rows built in the DOM) and one row changed (setData → core render → one batch
of patches applied), each timed from the Python call until the web view's DOM shows it;
the ratio update/full; and the proportional set size (PSS: shared pages split among the
processes sharing them) of the window's process and its children, summed, idle with the
page on screen (aim ≤ 300 MB). Usage (offscreen is fine):
python benchmarks/bench_page_view.py [ROUNDS]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from emulator.gui.simulator import engine  # isort: skip  (before Qt's app)
from PyQt6.QtWidgets import QApplication

from emulator.config import Settings
from emulator.gui.loop import event_loop
from emulator.gui.main_window import MainWindow

ROWS = 1000
PAGE_JS = """Page({
  data: {list: Array.from({length: %d}, (_, i) => ({id: i, title: 'row ' + i, count: i * 3,
                                                   done: i %% 2 === 0}))},
  change() { this.n = (this.n || 0) + 1;
             this.setData({['list[' + (this.n * 7 %% %d) + '].title']: 'changed ' + this.n}); }
});""" % (ROWS, ROWS)
TEMPLATE = """<view class="list">
  <view s-for="item, i in list trackBy item.id" class="row {{item.done ? 'done' : ''}}"
        data-index="{{i}}" bindtap="pick">
    <text class="title">{{item.title}}</text>
    <text class="count">{{item.count}}</text>
  </view>
</view>"""


def write_app(root: Path) -> Path:
    (root / "pages" / "index").mkdir(parents=True)
    (root / "app.json").write_text(json.dumps({"pages": ["pages/index/index"]}))
    (root / "app.js").write_text("App({});")
    (root / "pages" / "index" / "index.js").write_text(PAGE_JS)
    (root / "pages" / "index" / "index.swan").write_text(TEMPLATE)
    (root / "pages" / "index" / "index.css").write_text(".row { padding: 8rpx; }")
    return root


def pss_kib(pid: int) -> int:
    """The process's PSS in KiB (Linux /proc/PID/smaps_rollup); 0 when unreadable."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    """``pid``'s child processes, and theirs."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class Bench:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    async def js(self, script: str) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.window.web.evaluate(f"JSON.stringify(({script}))",
                                 lambda r: future.done() or future.set_result(r))
        text = await future
        return None if text is None else json.loads(text)

    async def until(self, script: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        # The window's 50 ms batching is not the cost measured: batches go out at once.
        while self.window.intake.flush() or not await self.js(script):
            if time.monotonic() > deadline:
                raise TimeoutError(script)

    async def full(self) -> float:
        """The page opened again (reLaunch): its first render in the core, sent whole and
        built in the DOM."""
        host = self.window.host
        before = host.page_stack[-1].page_id
        await self.js("(document.getElementById('page').textContent = '', true)")
        start = time.perf_counter()
        host.navigate("reLaunch", "/pages/index/index")
        while host.page_stack[-1].page_id == before:
            await asyncio.sleep(0)
        await self.until(f"document.querySelectorAll('.row').length === {ROWS}")
        return time.perf_counter() - start

    async def update(self, n: int) -> float:
        """One row changed by the app's setData, until the DOM shows it."""
        host = self.window.host
        start = time.perf_counter()
        host.call_method(host.page_stack[-1].page_id, "change")
        await self.until(f"document.body.innerText.indexOf('changed {n}') >= 0")
        # (n counts this page's changes: reLaunch made a fresh page each round)
        return time.perf_counter() - start


async def run(rounds: int) -> None:
    window = MainWindow(lambda _p: Settings())
    window.resize(1400, 900)
    window.docks["Network"].raise_()  # the usual front panel (not a saved layout's)
    window.show()
    if window.web is None:
        print(f"no web view here: {engine.UNAVAILABLE}")
        return
    root = write_app(Path(tempfile.mkdtemp()) / "app")
    await window.start(root)
    bench = Bench(window)
    await bench.until(f"document.querySelectorAll('.row').length === {ROWS}")
    await asyncio.sleep(1.0)  # idle with the page on screen: what memory is measured at
    pids = [os.getpid(), *descendants(os.getpid())]
    memory = {pid: pss_kib(pid) for pid in pids}
    names = {pid: Path(f"/proc/{pid}/comm").read_text().strip() for pid in pids}
    full, update = [], []
    for _ in range(rounds):
        full.append(await bench.full())
        update.append(await bench.update(1))
    f, u = statistics.median(full), statistics.median(update)
    print(f"page of {ROWS:,} rows opened and shown: {f * 1000:.1f} ms (median of {rounds})")
    print(f"one row changed (setData → render → patch → DOM): {u * 1000:.1f} ms")
    print(f"ratio update/full: {u / f:.2f}")
    total = sum(memory.values())
    print(f"memory with the page on screen: {total / 1024:.0f} MB PSS in {len(pids)} "
          f"processes (window {memory[os.getpid()] / 1024:.0f} MB; aim ≤ 300 MB)")
    print("  " + ", ".join(f"{names[p]} {memory[p] / 1024:.0f} MB" for p in pids))
    await window.stop()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    app = QApplication(sys.argv[:1])
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(run(rounds))


if __name__ == "__main__":
    main()
