"""The automation API without ``async``/``await``, for scripts and plain sync tests.

    from emulator.automation import sync

    with sync.launch("path/to/app") as app:
        page = app.current_page()
        page.query("#go").tap()
        flow = app.network.wait_for_flow(url="*/echo*")
        print(page.data("result"), flow.response.status)

Every object is the async API's own (:class:`~emulator.automation.MiniProgram`,
:class:`~emulator.automation.Page`, :class:`~emulator.automation.Element`,
:class:`~emulator.automation.Network`) behind a thin proxy: the same methods and
attributes, and a method that would return an awaitable runs the event loop until it is
done instead. The app runs only while a call runs (or during :meth:`SyncMiniProgram.sleep`):
between calls it is paused, timers included. Not for use inside a running event loop
(there, use the async API).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from emulator.automation.errors import AutomationError
from emulator.automation.network import Network
from emulator.automation.page import Element, Page
from emulator.automation.program import MiniProgram
from emulator.automation.program import launch as async_launch
from emulator.automation.window import qasync_loop


class _Runner:
    """The event loop the sync objects run, and the launch it serves."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, awaitable: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self.loop.run_until_complete(awaitable)
        if inspect.iscoroutine(awaitable):
            awaitable.close()
        raise AutomationError("the sync API was called inside a running event loop: use "
                              "emulator.automation's async API there")

    def wrap(self, value: Any) -> Any:
        kind = _PROXIES.get(type(value))
        if kind is not None:
            return kind(value, self)
        if isinstance(value, list):
            return [self.wrap(v) for v in value]
        return value


class _Blocking:
    """A proxy that turns the target's awaitables into results."""

    def __init__(self, target: Any, runner: _Runner) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_runner", runner)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value) or isinstance(value, type):
            return self._runner.wrap(value)

        def blocking(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            if inspect.isawaitable(result):
                result = self._runner.run(result)
            return self._runner.wrap(result)

        blocking.__name__ = name
        blocking.__doc__ = getattr(value, "__doc__", None)
        return blocking

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(dir(self._target)))

    def __repr__(self) -> str:
        return f"<sync {self._target!r}>"


class SyncElement(_Blocking):
    """:class:`~emulator.automation.Element`, blocking."""


class SyncPage(_Blocking):
    """:class:`~emulator.automation.Page`, blocking."""


class SyncNetwork(_Blocking):
    """:class:`~emulator.automation.Network`, blocking."""


class SyncMiniProgram(_Blocking):
    """:class:`~emulator.automation.MiniProgram`, blocking; a context manager (or call
    :meth:`close`). Closing raises AppErrors as ``launch`` does when the app threw."""

    def __init__(self, target: MiniProgram, runner: _Runner,
                 exit_: Callable[[Any, Any, Any], Any]) -> None:
        super().__init__(target, runner)
        object.__setattr__(self, "_exit", exit_)
        object.__setattr__(self, "_closed", False)

    def sleep(self, seconds: float) -> None:
        """Let the app run for ``seconds`` (its timers, requests, re-renders)."""
        self._runner.run(asyncio.sleep(seconds))

    def close(self) -> None:
        """Close the app and the loop; AppErrors when it threw and that was not allowed."""
        self._finish(None, None, None)

    def _finish(self, kind: Any, exc: Any, tb: Any) -> None:
        if self._closed:
            return
        object.__setattr__(self, "_closed", True)
        try:
            self._runner.run(self._exit(kind, exc, tb))
        finally:
            self._runner.loop.run_until_complete(self._runner.loop.shutdown_asyncgens())
            self._runner.loop.close()

    def __enter__(self) -> SyncMiniProgram:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._finish(kind, exc, tb)


_PROXIES: dict[type, Callable[[Any, _Runner], Any]] = {
    Element: SyncElement, Page: SyncPage, Network: SyncNetwork,
}


def _new_loop(window: bool) -> asyncio.AbstractEventLoop:
    return qasync_loop() if window else asyncio.new_event_loop()


def launch(app_dir: str | Path, **options: Any) -> SyncMiniProgram:
    """:func:`emulator.automation.launch` with the same arguments, started and settled;
    use it as a context manager or :meth:`SyncMiniProgram.close` it. ``window=True`` runs
    the app on a qasync loop so the window lives (a display is needed)."""
    loop = _new_loop(bool(options.get("window")))
    runner = _Runner(loop)
    manager = async_launch(app_dir, **options)
    try:
        program = runner.run(manager.__aenter__())
    except BaseException:
        loop.close()
        raise
    return SyncMiniProgram(program, runner, manager.__aexit__)
