"""``swan-emulator run``: the app without a window, for CI and scripts.

The app's console goes to stdout (log/info/debug) and stderr (warn/error); the emulator's
own remarks (toasts, uncaught errors, warnings) go to stderr with a ``[tag]``. The run ends
by itself once the app is idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from emulator.app.host import AppHost
from emulator.app.package import AppPackage
from emulator.config import Settings
from emulator.errors import EmulatorError
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    AccountCall,
    ConsoleMessage,
    Event,
    FlowFailed,
    FlowFinished,
    LoadProblem,
    PageDataChanged,
    PageLifecycle,
    PageStackChanged,
    SocketClosed,
    SocketFailed,
    SocketOpened,
    UiRequest,
    UncaughtError,
    UncaughtErrorRepeated,
)

if TYPE_CHECKING:
    from emulator.flows.flow import HttpFlow, SocketFlow

EXIT_OK = 0
EXIT_APP_ERROR = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def say(stream: TextIO, text: str) -> None:
    """Print a line to ``stream`` and flush it. If its reader went away (`run … | head`),
    the stream's descriptor is pointed at the null device: the rest of its output goes
    nowhere, and the run goes on to its end, its HAR and its exit status as without the
    pipe."""
    try:
        print(text, file=stream, flush=True)
    except BrokenPipeError:
        # At the descriptor, so what the stream still buffers goes too. A stream with no
        # descriptor cannot be redirected: each later line fails alike and is dropped.
        with contextlib.suppress(OSError, ValueError):
            fd = stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)


@dataclass
class HeadlessPrinter:
    """Prints events as lines; an observer of the event bus."""

    out: TextIO
    err: TextIO
    verbose: bool = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, ConsoleMessage):
            say(self.err if event.level in ("warn", "error") else self.out, event.text)
        elif isinstance(event, UncaughtError):
            self._uncaught(event)
        elif isinstance(event, UncaughtErrorRepeated):
            where = f" (in {event.where})" if event.where else ""
            span = f"{_clock(event.first)}–{_clock(event.last)}"
            say(self.err, f"[uncaught] ×{event.count} ({span}): {event.error}{where}")
        elif isinstance(event, UiRequest):
            self._ui(event)
        elif isinstance(event, LoadProblem):
            say(self.err, f"[error] {event.file}: {event.message}")
        elif isinstance(event, AccountCall):
            say(self.err, f"[account] {event.api}: {event.summary}")
        elif isinstance(event, (FlowFailed, SocketFailed)) and \
                event.flow.verdict.label == "refused":
            flow = event.flow
            url = event.flow.url if isinstance(event, SocketFailed) else flow.request.url
            say(self.err, f"[refused] {flow.api} {url}: {flow.error_message}")
        elif self.verbose and isinstance(event, (FlowFinished, FlowFailed)):
            say(self.err, f"[net] {_flow_line(event.flow)}")
        elif self.verbose and isinstance(event, (SocketOpened, SocketClosed, SocketFailed)):
            say(self.err, f"[socket] {_socket_line(event.flow)}")
        elif self.verbose and isinstance(event, PageLifecycle):
            say(self.err, f"[page] {event.route} {event.hook}")
        elif self.verbose and isinstance(event, PageStackChanged):
            routes = " > ".join(p.route for p in event.pages)
            say(self.err, f"[stack] {routes}")
        elif self.verbose and isinstance(event, PageDataChanged):
            changes = json.dumps(event.changes, ensure_ascii=False, default=str)
            say(self.err, f"[setData] {event.route} {changes}")

    def _uncaught(self, event: UncaughtError) -> None:
        error = event.error
        where = f" (in {event.where})" if event.where else ""
        lines = [f"[uncaught] {error}{where}"]
        lines += [f"    {line.strip()}" for line in error.stack.splitlines() if line.strip()]
        say(self.err, "\n".join(lines))

    def _ui(self, event: UiRequest) -> None:
        o = event.options
        if event.kind == "showToast":
            text = f"[toast] {o.get('title', '')}"
        elif event.kind == "showLoading":
            text = f"[loading] {o.get('title', '')}"
        elif event.kind == "showModal":
            text = f"[modal] {o.get('title', '')}: {o.get('content', '')} -> confirm"
        elif event.kind == "showActionSheet":
            text = f"[action sheet] {o.get('itemList')} -> 0"
        elif event.kind == "setNavigationBarTitle":
            text = f"[title] {o.get('title', '')}"
        elif event.kind == "makePhoneCall":
            text = f"[phone call] {o.get('phoneNumber', '')}"
        else:
            return  # hideToast / hideLoading say nothing worth a line
        say(self.err, text)


async def run_app(package: AppPackage, settings: Settings, *, timeout: float | None = None,
                  verbose: bool = False, page: str | None = None, dump_page: bool = False,
                  out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the app until it is idle, ``timeout`` seconds (a hard wall clock: JS running at
    the deadline is interrupted) or Ctrl-C; return the exit status. The HAR is written
    whatever the ending."""
    out = out or sys.stdout
    err = err or sys.stderr
    bus = EventBus()
    bus.subscribe(HeadlessPrinter(out, err, verbose))
    host = AppHost(package, settings, bus)
    if timeout is not None:
        host.runtime.deadline = time.monotonic() + timeout
    if not host.url_check:
        say(err, "[warning] domain checks are OFF: requests are not verified against the "
            "app's domain lists, and certificates are not checked")
    # What changes the app's network, said once up front (the run's output depends on it).
    conditions = host.conditions
    if conditions.offline or conditions.profile:
        say(err, f"[network] {conditions.describe()}")
    if settings.mocks:
        say(err, f"[network] {len(settings.mocks)} mock rule(s) answer matching calls")
    if settings.replay:
        say(err, f"[network] answering from {settings.replay.file} "
            f"(unmatched calls: {settings.replay.unmatched})")
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGINT, interrupted.set)
    path, _, query = (page or "").partition("?")
    route = path.strip("/")
    if route and route not in package.routes:
        listed = ", ".join(package.routes[:12]) + (" …" if len(package.routes) > 12 else "")
        say(err, f"swan-emulator: no page {route!r} in app.json (its pages: {listed})")
        return EXIT_USAGE
    if route in package.broken:
        say(err, f"[warning] the start page {route} cannot open: {package.broken[route]}")
    try:
        try:
            await host.start(route or None, _parse_query(query))
        except EmulatorError as exc:
            say(err, f"[error] failed to load {package.root}: {exc}")
            return EXIT_APP_ERROR
        idle = asyncio.create_task(host.wait_idle(), name="wait-idle")
        stop = asyncio.create_task(interrupted.wait(), name="wait-interrupt")
        remaining = None if timeout is None else max(
            (host.runtime.deadline or 0) - time.monotonic(), 0)
        done, pending = await asyncio.wait({idle, stop}, timeout=remaining,
                                           return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if stop in done:
            host.runtime.deadline = time.monotonic()  # no more JS, not even onHide
            say(err, "[interrupted] stopped by Ctrl-C")
            return EXIT_INTERRUPTED
        if idle not in done:
            say(err, f"[timeout] the app was still busy after {timeout:g} s "
                f"({len(host.runtime.timers)} timer(s) armed, "
                f"{host.runtime.work_in_flight} host call(s) in flight: requests, "
                "transfers, sockets, prompts…)")
            return EXIT_TIMEOUT
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGINT)
        if dump_page and host.started:
            route = host.page_stack[-1].route if host.page_stack else "(no page)"
            say(out, f"[page] {route}\n{host.page.markup()}")
        await host.close()
        if settings.har is not None:
            from emulator.flows.har import write_har  # only --har needs it (and datetime)

            flows = list(host.flows)
            write_har(settings.har, flows)
            say(err, f"[har] {len(flows)} entries written to {settings.har}")
    return EXIT_APP_ERROR if host.error_count else EXIT_OK


def _clock(t: float) -> str:
    """Wall-clock time of day, to the millisecond."""
    return time.strftime("%H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1000):03d}"


def _socket_line(flow: SocketFlow) -> str:
    if flow.error is not None:
        return f"{flow.url} failed: {flow.error_message}"
    if flow.close_code is None:
        return f"{flow.url} open"
    return (f"{flow.url} closed {flow.close_code} {flow.close_reason!r} by {flow.closed_by} "
            f"({flow.frames_sent} sent, {flow.frames_received} received)")


def _flow_line(flow: HttpFlow) -> str:
    total = flow.timings.total_s
    took = f" ({total * 1000:.0f} ms)" if total is not None else ""
    if flow.mocked:
        took += f" [mocked: {flow.mocked}]"
    if flow.error is not None:
        return f"{flow.request.method} {flow.request.url} failed: {flow.error_message}{took}"
    status = flow.response.status if flow.response else "-"
    return f"{status} {flow.request.method} {flow.request.url}{took}"


def _parse_query(query: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in query.split("&"):
        if pair:
            key, _, value = pair.partition("=")
            out[key] = value
    return out
