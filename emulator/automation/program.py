"""The running mini-program, as a test drives it."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.automation.errors import AppErrors, AutomationError
from emulator.automation.mocks import Answer, SwanMock, SwanMocks
from emulator.automation.network import Network
from emulator.automation.page import Page
from emulator.automation.storage import Storage
from emulator.automation.waiting import DEFAULT_TIMEOUT, until
from emulator.automation.window import ShownWindow, open_window
from emulator.config import Settings, check_version, load_settings
from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage, Event, LoadProblem, UncaughtError

SETTLE_TIMEOUT = 5.0  # s an action waits for the app to settle (timers may keep it busy)


class MiniProgram:
    """One launched app: pages, console, errors, network. Use :func:`launch`."""

    def __init__(self, host: AppHost, events: list[Event], *, allow_errors: bool) -> None:
        self.host = host
        self.events = events
        self.allow_errors = allow_errors
        self.network = Network(host)
        self.storage = Storage(self)
        self.mocks = SwanMocks(host.runtime)
        self.window: ShownWindow | None = None  # the desktop window, with launch(window=True)

    # ---- pages ------------------------------------------------------------------------
    def page_stack(self) -> list[Page]:
        """The page stack, the page on screen last."""
        return [Page(self, p.page_id, p.route, dict(p.query)) for p in self.host.page_stack]

    def current_page(self) -> Page:
        """The page on screen."""
        stack = self.page_stack()
        if not stack:
            raise AutomationError("no page is open")
        return stack[-1]

    async def _navigate(self, api: str, url: str = "", delta: int = 1) -> Page:
        self.host.navigate(api, url, delta)
        await self.settle()
        return self.current_page()

    async def navigate_to(self, url: str) -> Page:
        """``swan.navigateTo`` as the app would call it; the new page."""
        return await self._navigate("navigateTo", url)

    async def redirect_to(self, url: str) -> Page:
        return await self._navigate("redirectTo", url)

    async def relaunch(self, url: str) -> Page:
        return await self._navigate("reLaunch", url)

    async def switch_tab(self, url: str) -> Page:
        return await self._navigate("switchTab", url)

    async def navigate_back(self, delta: int = 1) -> Page:
        return await self._navigate("navigateBack", delta=delta)

    # ---- the logic layer ----------------------------------------------------------------
    def evaluate_json(self, source: str) -> Any:
        """Evaluate a JS expression in the app; its value through JSON (None when it is
        not JSON-able). A JS exception is an AutomationError."""
        text = self.host.runtime.evaluate(f"JSON.stringify(({source}))")
        if text.startswith("Uncaught "):
            raise AutomationError(text)
        return None if text in ("undefined", "") else json.loads(text)

    def call_js(self, function: str, *args: Any) -> Any:
        """Call a JS function expression (``"function (a, b) {…}"``, or a name such as
        ``"getApp"``) in the app with JSON ``args``; its value through JSON, as
        :meth:`evaluate_json`. No settling: for reads and synchronous changes."""
        values = ", ".join(json.dumps(a, ensure_ascii=False) for a in args)
        return self.evaluate_json(f"({function})({values})")

    async def evaluate(self, source: str) -> Any:
        """Like :meth:`evaluate_json`, after which the app settles."""
        value = self.evaluate_json(source)
        await self.settle()
        return value

    def system_info(self) -> dict[str, Any]:
        return dict(self.evaluate_json("swan.getSystemInfoSync()"))

    async def call_swan(self, name: str, timeout: float = DEFAULT_TIMEOUT,
                        **options: Any) -> dict[str, Any]:
        """Call ``swan.<name>(options)`` and wait for its success or fail object
        (``{"ok": bool, **result}``)."""
        slot = f"__automation_{id(options)}_{name}"
        api, opts = json.dumps(name), json.dumps(options)
        self.host.runtime.evaluate(
            f"globalThis.{slot} = null; swan[{api}](Object.assign({opts}, "
            f"{{success: function (r) {{ globalThis.{slot} = Object.assign({{ok: true}}, r); }}, "
            f"fail: function (r) {{ globalThis.{slot} = Object.assign({{ok: false}}, r); }}}}))")
        result = await until(lambda: self.evaluate_json(f"globalThis.{slot}"), timeout,
                             lambda: f"swan.{name} did not answer within {timeout:g} s")
        return dict(result)

    def mock_swan(self, name: str, answer: Answer) -> SwanMock:
        """From now on the app's calls of ``swan.<name>`` (``"ai.ocrIdCard"`` for a
        namespace) get ``answer`` instead of the real API, until :meth:`restore_swan`.

        - async API: ``answer`` is the success object (success, then complete); one with
          ``errCode`` or an ``errMsg`` not ending in ``:ok`` fails the call instead
          (``errMsg`` becomes ``<name>:fail …``, ``errCode`` 1001 unless given). Or a
          function ``fn(options) -> dict`` (options without callbacks, ArrayBuffers as
          bytes); an exception fails the call with its message; an awaitable is awaited.
          bytes in a result reach the app as an ArrayBuffer. A task API returns a task
          whose ``abort()`` fails the call with ``abort``.
        - ``…Sync`` API: ``answer`` is the return value (any JSON); a dict with
          ``errCode``/a fail ``errMsg`` is the API's failure (an Error from base library
          3.140.1, else undefined [api/storage/save_swan-getStorageSync.md]). A function
          cannot answer a Sync API (AutomationError): JS never waits for Python.

        Returns the mock; its ``calls`` lists what the app passed. Listeners, factories
        and namespaces cannot be mocked (AutomationError)."""
        return self.mocks.mock(name, answer)

    def restore_swan(self, name: str) -> None:
        """The real ``swan.<name>`` again. AutomationError when it was not mocked."""
        if not self.mocks.restore(name):
            raise AutomationError(f"swan.{name} is not mocked")

    # ---- console and errors -----------------------------------------------------------------
    @property
    def console(self) -> list[ConsoleMessage]:
        return [e for e in self.events if isinstance(e, ConsoleMessage)]

    @property
    def errors(self) -> list[UncaughtError | LoadProblem]:
        """Uncaught errors and parts of the app that failed to load."""
        return [e for e in self.events if isinstance(e, (UncaughtError, LoadProblem))]

    async def wait_for_console(self, pattern: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """The first console message matching the regex ``pattern``."""
        rx = re.compile(pattern)

        def found() -> str | None:
            for m in self.console:
                if rx.search(m.text):
                    return m.text
            return None

        def describe() -> str:
            last = [f"[{m.level}] {m.text[:200]}" for m in self.console[-5:]] or ["(none)"]
            return (f"no console message matches {pattern!r} within {timeout:g} s; the last:\n  "
                    + "\n  ".join(last))

        return await until(found, timeout, describe)

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Let the app finish what an action started (handlers, their calls and timers, the
        re-render); an app that stays busy (an interval) is left running after
        ``timeout``."""
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.host.runtime.wait_settled(), timeout)
        self.host.renderer.flush()

    def check_errors(self) -> None:
        """AppErrors when the app threw and the test did not allow it."""
        if self.errors and not self.allow_errors:
            lines = [str(e.error) if isinstance(e, UncaughtError) else f"{e.file}: {e.message}"
                     for e in self.errors]
            raise AppErrors("the app had errors (launch(..., allow_errors=True) to allow "
                            "them):\n  " + "\n  ".join(lines))

    async def close(self) -> None:
        await self.host.close()


@asynccontextmanager
async def launch(app_dir: str | Path, *, settings: Settings | None = None,
                 page: str | None = None, query: dict[str, str] | None = None,
                 base_version: str | None = None, data_dir: str | Path | None = None,
                 allow_errors: bool = False, mocks: dict[str, Answer] | None = None,
                 window: bool = False,
                 timeout: float = DEFAULT_TIMEOUT) -> AsyncIterator[MiniProgram]:
    """Start the app (its settings file unless ``settings``), wait for its first page to
    settle, yield it, close it. On leaving, any uncaught app error fails (AppErrors)
    unless ``allow_errors``.

    ``data_dir``: the folder of the app's sandbox (storage, user files, saved files),
    kept after the run and shared by every launch given it -- to persist or share data.
    Without it (and without ``settings.data_dir``) each launch runs in a fresh temporary
    folder, removed when it closes: launches at once (``asyncio.gather``, pytest-xdist
    workers) never see each other's data, and none touches the user's data folder
    (``$SWAN_EMULATOR_HOME``). ``settings`` is not changed by the launch (it is
    copied), so one Settings can serve several launches. Each launch that maps a domain
    to ``builtin`` has its own demo backend (free ports, a CA of its own).

    ``mocks``: ``{api: answer}`` in place before the app's first line runs (see
    :meth:`MiniProgram.mock_swan`). ``window``: show the desktop window on this app while
    it runs (needs a display and a qasync event loop: ``pytest --swan-window`` provides
    one; AutomationError otherwise)."""
    root = Path(app_dir)
    settings = own_settings(settings) if settings is not None else load_settings(root)
    if base_version is not None:
        settings.base_version = check_version(base_version, "base_version")
        settings.sources["baseVersion"] = "launch(base_version=…)"
    own_data: Path | None = None
    if data_dir is not None:
        settings.data_dir = Path(data_dir)
    elif settings.data_dir is None:
        own_data = settings.data_dir = Path(tempfile.mkdtemp(prefix="swan-emulator-"))
    try:
        async with _launched(root, settings, page, query, allow_errors, mocks, window,
                             timeout) as program:
            yield program
    finally:
        if own_data is not None:
            shutil.rmtree(own_data, ignore_errors=True)


@asynccontextmanager
async def _launched(root: Path, settings: Settings, page: str | None,
                    query: dict[str, str] | None, allow_errors: bool,
                    mocks: dict[str, Answer] | None, window: bool,
                    timeout: float) -> AsyncIterator[MiniProgram]:
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    host = AppHost(load_package(root), settings, bus)
    program = MiniProgram(host, events, allow_errors=allow_errors)
    shown = None
    try:
        shown = program.window = open_window(host) if window else None
        for name, answer in (mocks or {}).items():
            program.mock_swan(name, answer)
        await host.start(page, query)
        await program.settle(timeout)
        yield program
    finally:
        await program.close()
        if shown is not None:
            shown.close()
    program.check_errors()


def own_settings(settings: Settings) -> Settings:
    """A copy of ``settings`` a launch may change (data folder, base version, what the
    project file fills in, the window's network edits) without touching the caller's.
    Mock rules are shared (the app host copies each rule for its own counters)."""
    return dataclasses.replace(
        settings, domains={k: list(v) for k, v in settings.domains.items()},
        hosts=dict(settings.hosts), sources=dict(settings.sources),
        mocks=list(settings.mocks), choose_files=list(settings.choose_files),
        throttle_profiles=dict(settings.throttle_profiles),
        limits=dataclasses.replace(settings.limits),
        account=dataclasses.replace(settings.account, scopes=dict(settings.account.scopes)))
