"""The window under load, offscreen.

Two kinds of load:

* ``python benchmarks/bench_gui.py [N]``: 100,000 request flows and 100,000 socket frames
  pushed through the event bus as fast as possible. Reports the event-loop stall seen by a
  16 ms timer (max and p99 gap) and the time from the last event until the network table
  shows every row.
* ``python benchmarks/bench_gui.py --big [CASE ...]``: big text arriving (a 1 MB and a
  5 MB console line, 100,000 console lines at once, a 10 MB setData, a 5 MB JSON and a
  5 MB text response body shown in the details) and the console's *Show all* of a 5 MB
  line. Each case runs in a child process with a time limit, so a window that freezes for
  minutes is reported as such instead of hanging the benchmark. Reports the time from the
  event until it is shown, the p99 and max gap of a 16 ms timer from the event until
  0.5 s after it is shown, and the child's peak RSS. ``--case NAME`` runs one case in this
  process (what ``--big`` runs)."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from emulator.config import Settings
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    ConsoleMessage,
    FlowFinished,
    FlowResponse,
    FlowStarted,
    PageCreated,
    PageDataChanged,
    PageRef,
    PageStackChanged,
    SocketFrameEvent,
    SocketOpened,
)
from emulator.flows.flow import SocketFlow, SocketState
from emulator.flows.testing import tflow
from emulator.gui.loop import event_loop
from emulator.gui.main_window import MainWindow
from emulator.net.policy import Verdict

CHUNK = 100  # flows (and frames) published per loop turn by the fake core
BIG_TIMEOUT_S = 150.0  # per big-text case; past it the window counts as frozen
MB = 1024 * 1024


class GapMeter:
    """A 16 ms QTimer; the gaps between its ticks are how long the event loop was stuck."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(16)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def reset(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()

    def stop(self) -> dict[str, float]:
        """Stop; the max, p99 and median gap in ms (the gap still open counts too)."""
        self._timer.stop()
        self._tick()
        gaps = sorted(self.gaps)
        p99 = gaps[max(0, int(len(gaps) * 0.99) - 1)]
        return {"max": gaps[-1], "p99": p99, "median": statistics.median(gaps)}


def new_window() -> tuple[MainWindow, EventBus]:
    window = MainWindow(lambda p: Settings())
    window.resize(1400, 900)
    window.show()
    bus = EventBus()
    window.intake.attach(bus)
    return window, bus


# ---- 100k flows -----------------------------------------------------------------------------
async def push(bus: EventBus, n: int) -> float:
    sock = SocketFlow(url="wss://api.demo.test/echo", verdict=Verdict(True, True))
    sock.state = SocketState.OPEN
    bus.publish(FlowStarted(flow=sock))
    bus.publish(SocketOpened(flow=sock))
    for start in range(0, n, CHUNK):
        for i in range(start, min(n, start + CHUNK)):
            flow = tflow(flow_id=1_000_000 + i, url=f"https://api.demo.test/item/{i}")
            bus.publish(FlowStarted(flow=flow))
            bus.publish(FlowResponse(flow=flow))
            bus.publish(FlowFinished(flow=flow))
            frame = sock.add_frame("receive" if i % 2 else "send", f"frame {i}")
            bus.publish(SocketFrameEvent(flow=sock, frame=frame))
        await asyncio.sleep(0)
    return time.perf_counter()


async def flows_main(n: int) -> None:
    window, bus = new_window()
    window.docks["Sockets"].raise_()
    meter = GapMeter()
    await asyncio.sleep(0.3)
    meter.reset()
    t0 = time.perf_counter()
    selected = False

    async def select_socket() -> None:
        nonlocal selected
        while not selected:
            await asyncio.sleep(0.05)
            if window.sockets.sockets.rowCount():
                window.sockets.socket_view.selectRow(0)  # its frames table fills live
                selected = True

    selector = asyncio.ensure_future(select_socket())
    t_last_event = await push(bus, n)
    expected = min(window.flows.max_rows, n + 1)
    while window.flows.rowCount() < expected or window.network.proxy.rowCount() < expected:
        await asyncio.sleep(0.01)
    t_shown = time.perf_counter()
    await asyncio.sleep(0.3)
    gaps = meter.stop()
    selector.cancel()
    frames_shown = window.sockets.frames.rowCount()
    print(f"{n} request flows + {n} socket frames pushed in {t_last_event - t0:.2f} s "
          f"({3 * n + n} events)")
    print(f"16 ms timer during the run: max gap {gaps['max']:.0f} ms, p99 {gaps['p99']:.0f} ms, "
          f"median {gaps['median']:.0f} ms")
    print(f"table showed all {expected} rows {t_shown - t_last_event:.2f} s after the last "
          f"event; frames table {frames_shown} rows")
    window.close()


# ---- big text -------------------------------------------------------------------------------
def unbreakable(size: int, marker: str) -> str:
    """``size`` characters with no place to break a line (hex digits, as a hash, a token or
    ``'x'.repeat(n)`` print): the worst case for a text widget that wraps."""
    digits = "0123456789abcdef" * (size // 16 + 1)
    return (marker + digits)[:size]


def big_list(size: int) -> list[dict[str, Any]]:
    """A list of objects about ``size`` bytes as JSON (what a 10 MB setData carries)."""
    item = {"id": 0, "title": "item", "price": 12.5, "tags": ["a", "b", "c"],
            "desc": "lorem ipsum dolor sit amet " * 3}
    count = size // len(json.dumps(item))
    return [dict(item, id=i, title=f"item {i}") for i in range(count)]


# A case prepares its payload (outside the measured time: that is the core's work), then
# returns what publishes it and what tells that the window shows it.
Case = Callable[[MainWindow, EventBus], tuple[Callable[[], None], Callable[[], bool]]]


def console_case(size: int) -> Case:
    def prepare(window: MainWindow, bus: EventBus) -> tuple[Callable[[], None],
                                                            Callable[[], bool]]:
        window.docks["Console"].raise_()
        event = ConsoleMessage(level="log", text=unbreakable(size, "BIGLINESTART"))
        doc = window.console.view.document()
        return (lambda: bus.publish(event),
                lambda: doc is not None and not doc.find("BIGLINESTART").isNull())
    return prepare


def setdata_case(size: int) -> Case:
    def prepare(window: MainWindow, bus: EventBus) -> tuple[Callable[[], None],
                                                            Callable[[], bool]]:
        bus.publish(PageCreated(page_id=1, route="pages/index/index", query={},
                                data={"title": "small"}, methods=[]))
        bus.publish(PageStackChanged(pages=(PageRef(1, "pages/index/index", {}),)))
        event = PageDataChanged(page_id=1, route="pages/index/index",
                                changes={"bigList": big_list(size)})
        tree = window.simulator.tree

        def shown() -> bool:
            items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
            return any(item is not None and item.text(0) == "bigList" for item in items)
        return lambda: bus.publish(event), shown
    return prepare


def body_case(size: int, kind: str) -> Case:
    def prepare(window: MainWindow, bus: EventBus) -> tuple[Callable[[], None],
                                                            Callable[[], bool]]:
        window.docks["Network"].raise_()
        if kind == "json":
            body = json.dumps(big_list(size), separators=(",", ":")).encode()
            mime = "application/json"
        else:
            body = unbreakable(size, "BODYSTART").encode()
            mime = "text/plain"
        flow = tflow(flow_id=7, url="https://api.demo.test/big", response_body=body,
                     response_headers=[("Content-Type", mime)], body_limit=8 * MB)
        net = window.network
        state = {"selected": False}

        def publish() -> None:
            bus.publish(FlowStarted(flow=flow))
            bus.publish(FlowResponse(flow=flow))
            bus.publish(FlowFinished(flow=flow))

        def shown() -> bool:
            if not state["selected"]:
                if net.proxy.rowCount() == 0:
                    return False
                net.table.selectRow(0)  # the user clicks the row: the details fill
                net.details.setCurrentIndex(2)  # on the Response tab
                state["selected"] = True
            return net.details.flow is flow
        return publish, shown
    return prepare


def flood_case(count: int) -> Case:
    """Many ordinary lines at once (a loop logging), as one batch reaches the window."""
    def prepare(window: MainWindow, bus: EventBus) -> tuple[Callable[[], None],
                                                            Callable[[], bool]]:
        window.docks["Console"].raise_()
        events = [ConsoleMessage(level="log", text=f"line {i} " + "lorem ipsum " * 10)
                  for i in range(count)]
        events.append(ConsoleMessage(level="log", text="FLOODEND"))
        doc = window.console.view.document()

        def publish() -> None:
            for e in events:
                bus.publish(e)
        # The last block, not a search: polling must not cost what it measures.
        return publish, lambda: doc is not None and doc.lastBlock().text().endswith("FLOODEND")
    return prepare


def show_all_case(size: int) -> Case:
    """Not an arrival: the console's *Show all* of a line already shown, until the viewer
    holds all of it (the window only, so not run against a window without a viewer)."""
    def prepare(window: MainWindow, bus: EventBus) -> tuple[Callable[[], None],
                                                            Callable[[], bool]]:
        window.docks["Console"].raise_()
        window.console.take([ConsoleMessage(level="log", text=unbreakable(size, "BIG"))])
        opened: list[Any] = []
        return (lambda: opened.append(window.console.show_all(window.console.lines[-1])),
                lambda: bool(opened) and opened[0].text.complete)
    return prepare


BIG_CASES: dict[str, Case] = {
    "console-1mb": console_case(1 * MB),
    "console-5mb": console_case(5 * MB),
    "console-100k": flood_case(100_000),
    "setdata-10mb": setdata_case(10 * MB),
    "body-5mb-json": body_case(5 * MB, "json"),
    "body-5mb-text": body_case(5 * MB, "text"),
    "showall-5mb": show_all_case(5 * MB),
}


async def big_main(name: str) -> None:
    window, bus = new_window()
    meter = GapMeter()
    publish, shown = BIG_CASES[name](window, bus)
    await asyncio.sleep(0.3)
    meter.reset()
    t0 = time.perf_counter()
    publish()
    while not shown():
        await asyncio.sleep(0.005)
    t_shown = time.perf_counter() - t0
    await asyncio.sleep(0.5)  # what the arrival leaves behind (layout, paints) counts too
    gaps = meter.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": name, "shown_s": round(t_shown, 3), "rss_mb": round(rss_mb),
                      **{k: round(v) for k, v in gaps.items()}}))
    window.close()


def run_big(names: list[str]) -> None:
    """Each case in a child process; one line per case."""
    print(f"{'case':<15} {'shown after':>12} {'p99 gap':>9} {'max gap':>9} {'peak RSS':>9}")
    for name in names:
        try:
            out = subprocess.run([sys.executable, __file__, "--case", name], check=True,
                                 capture_output=True, text=True, timeout=BIG_TIMEOUT_S).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{name:<15} {r['shown_s']:>10.2f} s {r['p99']:>6} ms {r['max']:>6} ms "
                  f"{r['rss_mb']:>6} MB", flush=True)
        except subprocess.TimeoutExpired:
            print(f"{name:<15} {'frozen':>12}: not shown within {BIG_TIMEOUT_S:.0f} s "
                  "(the loop never got back)", flush=True)
        except subprocess.CalledProcessError as exc:
            last = (exc.stderr or "").strip().splitlines()[-1:] or ["?"]
            print(f"{name:<15} {'failed':>12}: {last[0]}", flush=True)


def run_loop(coro: Any) -> None:
    app = QApplication(sys.argv[:1])
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(coro)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--big"]:
        run_big(args[1:] or list(BIG_CASES))
    elif args[:1] == ["--case"]:
        run_loop(big_main(args[1]))
    else:
        run_loop(flows_main(int(args[0]) if args else 100_000))
