"""The window under load: 100,000 request flows and 100,000 socket frames pushed through the
event bus as fast as possible, with the window open (offscreen).

Reports the event-loop stall seen by a 16 ms timer (max and p99 gap) and the time from the
last event until the network table shows every row. Usage: python benchmarks/bench_gui.py [N]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from emulator.config import Settings
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    FlowFinished,
    FlowResponse,
    FlowStarted,
    SocketFrameEvent,
    SocketOpened,
)
from emulator.flows.flow import SocketFlow, SocketState
from emulator.flows.testing import tflow
from emulator.gui.main_window import MainWindow
from emulator.net.policy import Verdict

CHUNK = 100  # flows (and frames) published per loop turn by the fake core


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


async def main(n: int) -> None:
    window = MainWindow(lambda p: Settings())
    window.resize(1400, 900)
    window.show()
    bus = EventBus()
    window.intake.attach(bus)
    window.docks["Sockets"].raise_()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setInterval(16)
    timer.timeout.connect(tick)
    timer.start()
    await asyncio.sleep(0.3)
    gaps.clear()
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
    timer.stop()
    selector.cancel()
    frames_shown = window.sockets.frames.rowCount()
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99) - 1] if gaps else 0.0
    print(f"{n} request flows + {n} socket frames pushed in {t_last_event - t0:.2f} s "
          f"({3 * n + n} events)")
    print(f"16 ms timer during the run: max gap {max(gaps):.0f} ms, p99 {p99:.0f} ms, "
          f"median {statistics.median(gaps):.0f} ms")
    print(f"table showed all {expected} rows {t_shown - t_last_event:.2f} s after the last "
          f"event; frames table {frames_shown} rows")
    window.close()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(count))
